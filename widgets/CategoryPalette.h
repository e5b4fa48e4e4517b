#pragma once

#include <QColor>
#include <QStringList>

#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

// Colours for items by primary category, shared by the sphere view and the Hammer map: the
// most frequent primary categories (up to the palette's 20 colours) get their own colour,
// the rest share a grey "other".
class CategoryPalette {
public:
    CategoryPalette() = default;
    // itemCategory: per item its primary category (-1 = none); names: category id → name.
    CategoryPalette(const std::vector<int32_t>& itemCategory,
                    const std::vector<std::string>& names);

    QColor colour(int32_t category) const;
    // Categories with their own colour, in id order.
    const std::vector<int32_t>& legendIds() const { return legendIds_; }
    // Their names, plus "other" when some item is drawn in the shared grey.
    QStringList legendNames() const { return legendNames_; }
    static QColor otherColour();

private:
    std::vector<int32_t> legendIds_;
    std::vector<int> slotOf_;  // category id → palette slot, -1 = "other"
    QStringList legendNames_;
};

}  // namespace dimerec

#include "CategoryPalette.h"

#include <QCoreApplication>

#include <algorithm>
#include <iterator>

namespace dimerec {
namespace {

// Tableau 20, strong tones first (distinguishable for most colour-vision deficiencies).
const QColor kPalette[] = {
    QColor(31, 119, 180),  QColor(255, 127, 14),  QColor(44, 160, 44),   QColor(214, 39, 40),
    QColor(148, 103, 189), QColor(140, 86, 75),   QColor(227, 119, 194), QColor(127, 127, 127),
    QColor(188, 189, 34),  QColor(23, 190, 207),  QColor(174, 199, 232), QColor(255, 187, 120),
    QColor(152, 223, 138), QColor(255, 152, 150), QColor(197, 176, 213), QColor(196, 156, 148),
    QColor(247, 182, 210), QColor(199, 199, 199), QColor(219, 219, 141), QColor(158, 218, 229)};
constexpr int kPaletteSize = static_cast<int>(std::size(kPalette));

}  // namespace

CategoryPalette::CategoryPalette(const std::vector<int32_t>& itemCategory,
                                 const std::vector<std::string>& names) {
    const auto categories = static_cast<int32_t>(names.size());
    std::vector<int64_t> counts(names.size(), 0);
    bool other = false;
    for (int32_t category : itemCategory) {
        if (category >= 0 && category < categories) {
            ++counts[static_cast<size_t>(category)];
        } else {
            other = true;
        }
    }
    std::vector<int32_t> order;
    for (int32_t c = 0; c < categories; ++c) {
        if (counts[static_cast<size_t>(c)] > 0) order.push_back(c);
    }
    std::stable_sort(order.begin(), order.end(), [&counts](int32_t a, int32_t b) {
        return counts[static_cast<size_t>(a)] > counts[static_cast<size_t>(b)];
    });
    if (static_cast<int>(order.size()) > kPaletteSize) {
        order.resize(kPaletteSize - 1);
        other = true;
    }
    std::sort(order.begin(), order.end());
    legendIds_ = order;
    slotOf_.assign(names.size(), -1);
    for (size_t slot = 0; slot < order.size(); ++slot) {
        slotOf_[static_cast<size_t>(order[slot])] = static_cast<int>(slot);
        legendNames_ << QString::fromStdString(names[static_cast<size_t>(order[slot])]);
    }
    if (other) legendNames_ << QCoreApplication::translate("CategoryPalette", "other");
}

QColor CategoryPalette::colour(int32_t category) const {
    if (category < 0 || category >= static_cast<int32_t>(slotOf_.size())) return otherColour();
    const int slot = slotOf_[static_cast<size_t>(category)];
    return slot < 0 ? otherColour() : kPalette[slot];
}

QColor CategoryPalette::otherColour() {
    return QColor(90, 90, 90);
}

}  // namespace dimerec

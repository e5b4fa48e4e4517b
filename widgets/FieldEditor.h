#pragma once

#include "config/ConfigFields.h"

#include <QString>

#include <functional>

class QLabel;
class QWidget;

namespace dimerec {

// The editor of one config field, made from its descriptor (config/ConfigFields.h): by the
// field's kind a spin box (range, decimals, step and the text shown for 0), a check box, a
// combo box of its choices or a line edit, with the field's tooltip and its key as object
// name. RunConfigForm and the import dialog build every editor here.
struct FieldEditor {
    const FieldDescriptor* descriptor = nullptr;
    QString key;      // "data.userCore"
    QString tooltip;  // the descriptor's tooltip (RunConfigForm appends errors to it)
    QWidget* widget = nullptr;
    std::function<void(const RunConfig&)> load;  // config → editor
    std::function<void(RunConfig&)> store;       // editor → config; throws std::invalid_argument
                                                 // naming the key on unreadable text
};

// Combo boxes may shrink to this many characters, so that the form's dock stays narrow.
inline constexpr int kComboMinimumChars = 12;

// Makes the editor as a child of `parent`; `edited` runs on every change of its value.
FieldEditor makeFieldEditor(const FieldDescriptor& field, QWidget* parent,
                            std::function<void()> edited);

// The field's label with its tooltip, the buddy of `editor`.
QLabel* makeFieldLabel(const FieldEditor& editor, QWidget* parent);

}  // namespace dimerec

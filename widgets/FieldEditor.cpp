#include "FieldEditor.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSpinBox>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace dimerec {
namespace {

constexpr int kIntMax = std::numeric_limits<int>::max();

// The form is taller than its dock and scrolled with the wheel, and the pointer passes over
// spin boxes and lists on the way: a wheel over an editor the user has not clicked into
// scrolls the form instead of changing the value behind the user's back.
class WheelOnlyWhenFocused : public QObject {
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() != QEvent::Wheel || static_cast<QWidget*>(watched)->hasFocus())
            return false;
        event->ignore();  // unaccepted, the wheel goes on to the parents: the scroll area
        return true;
    }
};

}  // namespace

FieldEditor makeFieldEditor(const FieldDescriptor& d, QWidget* parent,
                            std::function<void()> edited) {
    const auto get = d.get;
    const auto set = d.set;
    const QString key = QString::fromStdString(d.key);
    const QString zeroText = QString::fromStdString(d.zeroText);
    FieldEditor field{&d, key, QString::fromStdString(d.tooltip), nullptr, {}, {}};
    switch (d.kind) {
        case FieldKind::Integer: {
            auto* spin = new QSpinBox(parent);
            spin->setRange(static_cast<int>(d.minimum.value_or(0.0)),
                           static_cast<int>(std::min<double>(d.editorMaximum, kIntMax)));
            if (!zeroText.isEmpty()) spin->setSpecialValueText(zeroText);
            QObject::connect(spin, qOverload<int>(&QSpinBox::valueChanged), spin, edited);
            field.widget = spin;
            field.load = [spin, get](const RunConfig& c) {
                spin->setValue(static_cast<int>(std::min<int64_t>(get(c).get<int64_t>(), kIntMax)));
            };
            field.store = [spin, set](RunConfig& c) { set(c, spin->value()); };
            break;
        }
        case FieldKind::Real: {
            auto* spin = new QDoubleSpinBox(parent);
            spin->setRange(d.minimum.value_or(0.0), d.editorMaximum);
            spin->setDecimals(d.decimals);
            spin->setSingleStep(d.step);
            if (!zeroText.isEmpty()) spin->setSpecialValueText(zeroText);
            QObject::connect(spin, qOverload<double>(&QDoubleSpinBox::valueChanged), spin, edited);
            field.widget = spin;
            field.load = [spin, get](const RunConfig& c) { spin->setValue(get(c).get<double>()); };
            field.store = [spin, set](RunConfig& c) { set(c, spin->value()); };
            break;
        }
        case FieldKind::Bool: {
            auto* box = new QCheckBox(parent);
            QObject::connect(box, &QCheckBox::toggled, box, edited);
            field.widget = box;
            field.load = [box, get](const RunConfig& c) { box->setChecked(get(c).get<bool>()); };
            field.store = [box, set](RunConfig& c) { set(c, box->isChecked()); };
            break;
        }
        case FieldKind::Choice: {
            auto* combo = new QComboBox(parent);
            combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
            combo->setMinimumContentsLength(kComboMinimumChars);
            for (const auto& [name, label] : d.choices) {
                combo->addItem(QString::fromStdString(label), QString::fromStdString(name));
            }
            QObject::connect(combo, qOverload<int>(&QComboBox::currentIndexChanged), combo, edited);
            field.widget = combo;
            field.load = [combo, get](const RunConfig& c) {
                combo->setCurrentIndex(
                    combo->findData(QString::fromStdString(get(c).get<std::string>())));
            };
            field.store = [combo, set](RunConfig& c) {
                set(c, combo->currentData().toString().toStdString());
            };
            break;
        }
        case FieldKind::Text: {
            auto* edit = new QLineEdit(parent);
            edit->setPlaceholderText(zeroText);
            QObject::connect(edit, &QLineEdit::textChanged, edit, edited);
            field.widget = edit;
            field.load = [edit, get](const RunConfig& c) {
                edit->setText(QString::fromStdString(get(c).get<std::string>()));
            };
            field.store = [edit, set](RunConfig& c) {
                set(c, edit->text().trimmed().toStdString());
            };
            break;
        }
        case FieldKind::Seed: {
            auto* edit = new QLineEdit(parent);
            edit->setValidator(new QRegularExpressionValidator(
                QRegularExpression(QStringLiteral("\\d{1,19}")), edit));
            QObject::connect(edit, &QLineEdit::textChanged, edit, edited);
            field.widget = edit;
            field.load = [edit, get](const RunConfig& c) {
                edit->setText(QString::number(get(c).get<uint64_t>()));
            };
            field.store = [edit, set, key](RunConfig& c) {
                bool ok = false;
                const qulonglong value = edit->text().toULongLong(&ok);
                if (!ok)
                    throw std::invalid_argument(key.toStdString() + ": expected a whole number");
                set(c, static_cast<uint64_t>(value));
            };
            break;
        }
        case FieldKind::IntList: {
            auto* edit = new QLineEdit(parent);
            QObject::connect(edit, &QLineEdit::textChanged, edit, edited);
            field.widget = edit;
            field.load = [edit, get](const RunConfig& c) {
                QStringList parts;
                for (const auto& value : get(c)) parts << QString::number(value.get<int>());
                edit->setText(parts.join(QStringLiteral(", ")));
            };
            field.store = [edit, set, key](RunConfig& c) {
                std::vector<int> values;
                for (const QString& part :
                     edit->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                    bool ok = false;
                    const int value = part.trimmed().toInt(&ok);
                    if (!ok) {
                        throw std::invalid_argument(key.toStdString() + ": '" +
                                                    part.trimmed().toStdString() +
                                                    "' is not a whole number");
                    }
                    values.push_back(value);
                }
                set(c, values);
            };
            break;
        }
    }
    field.widget->setToolTip(field.tooltip);
    field.widget->setObjectName(key);
    if (qobject_cast<QAbstractSpinBox*>(field.widget) || qobject_cast<QComboBox*>(field.widget)) {
        field.widget->setFocusPolicy(Qt::StrongFocus);  // a wheel does not give it the focus
        field.widget->installEventFilter(new WheelOnlyWhenFocused(field.widget));
    }
    return field;
}

QLabel* makeFieldLabel(const FieldEditor& editor, QWidget* parent) {
    auto* label = new QLabel(QString::fromStdString(editor.descriptor->label), parent);
    label->setToolTip(editor.tooltip);
    label->setBuddy(editor.widget);
    return label;
}

}  // namespace dimerec

#pragma once

#include "config/ConfigFields.h"

#include <string>

namespace dimerec {

// The --set text of a valid value other than the field's default (every other field at its
// default), for the table-driven tests of the config and of its form.
inline std::string nonDefaultText(const FieldDescriptor& field) {
    switch (field.kind) {
        case FieldKind::Text:
            // earlyStopMetric must name one of eval.topK's cut-offs.
            return field.key == "train.earlyStopMetric" ? "hr@20" : "other";
        case FieldKind::Bool:
            return field.defaultValue.get<bool>() ? "false" : "true";
        case FieldKind::Choice:
            for (const auto& [name, label] : field.choices) {
                if (name != field.defaultValue.get<std::string>()) return name;
            }
            break;
        case FieldKind::IntList:
            return "[10,20]";
        case FieldKind::Integer:
        case FieldKind::Seed:
            // 2·default + 2 keeps model.heads a divisor of model.dim and model.dim a multiple
            // of model.heads.
            return std::to_string(field.defaultValue.get<int64_t>() * 2 + 2);
        case FieldKind::Real: {
            const double value = field.defaultValue.get<double>();
            // Halfway down to the minimum stays inside a bounded range (and keeps betaStart
            // below betaEnd); unbounded fields move up.
            return nlohmann::json(field.below ? (value + field.minimum.value_or(0.0)) / 2.0
                                              : value + 0.5)
                .dump();
        }
    }
    return "";
}

}  // namespace dimerec

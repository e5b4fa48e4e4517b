#include "CliSupport.h"

#include "config/ConfigFields.h"
#include "data/DatasetLoader.h"
#include "data/Protocols.h"
#include "model/Recommender.h"
#include "train/Checkpoint.h"
#include "train/MemoryTuning.h"
#include "util/Device.h"

#include <cstdint>
#include <iomanip>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace dimerec::cli {

std::string setOptionHelp(bool inferenceOnly) {
    if (!inferenceOnly) {
        return "Override a config field, e.g. --set model.lambda=0.5 (fields: dimerec config "
               "--list-fields)";
    }
    std::string keys;
    for (const FieldDescriptor& field : runConfigFields()) {
        if (field.has(kInferenceOnly)) keys += (keys.empty() ? "" : ", ") + field.key;
    }
    return "Change an inference setting, e.g. --set eval.topK=[10,20]; one of " + keys;
}

std::string configFieldsHelp() {
    std::ostringstream out;
    for (const FieldDescriptor& field : runConfigFields()) {
        std::string type;
        switch (field.kind) {
            case FieldKind::Text:
                type = "text";
                break;
            case FieldKind::Integer:
            case FieldKind::Seed:
                type = "integer";
                break;
            case FieldKind::Real:
                type = "number";
                break;
            case FieldKind::Bool:
                type = "true | false";
                break;
            case FieldKind::IntList:
                type = "[integers]";
                break;
            case FieldKind::Choice:
                for (const auto& [name, label] : field.choices) {
                    type += (type.empty() ? "" : " | ") + name;
                }
                break;
        }
        const std::string range = rangeText(field);
        out << field.key << " (" << type << (range.empty() ? "" : "; " + range) << "; default "
            << field.defaultValue.dump() << ")\n    " << field.tooltip;
        if (field.has(kInferenceOnly)) out << " [may change at inference]";
        if (field.has(kNotHashed)) out << " [not part of the config hash]";
        out << "\n";
    }
    return out.str();
}

CheckpointModel loadCheckpointModel(const std::string& checkpoint, const std::string& device,
                                    int threads, const std::vector<std::string>& inferenceOverrides,
                                    const std::string& readout) {
    CheckpointModel loaded;
    loaded.config = readCheckpointConfig(checkpoint);
    for (const std::string& assignment : inferenceOverrides)
        applyInferenceOverride(loaded.config, assignment);
    if (!readout.empty()) {
        if (readoutOf(loaded.config).empty()) {
            throw std::invalid_argument("--readout " + readout + ": '" + checkpoint + "' holds a " +
                                        nameOf(loaded.config.model.model) +
                                        " model, not DimeRec with its diffusion module");
        }
        applyInferenceOverride(loaded.config, "model.readout=" + readout);
    }
    validate(loaded.config);
    configureThreads(threads);
    retainLargeAllocations();
    const torch::Device target = resolveDevice(device);
    loaded.dataset = loadDataset(loaded.config.data);
    loaded.splits = makeSplits(loaded.dataset, loaded.config.data);
    loaded.model = makeRecommender(loaded.config.model, loaded.splits.numItems,
                                   loaded.config.data.maxLength, loaded.splits.itemCounts);
    loadCheckpoint(checkpoint, *loaded.model, nullptr);
    loaded.model->to(target);
    loaded.model->eval();
    return loaded;
}

void addReadoutOption(CLI::App& command, std::string& readout) {
    command
        .add_option("--readout", readout,
                    "DimeRec: score items against the reverse-process samples (diffusion, "
                    "Algorithm 2) or the GEM's interests (interests, as ComiRec); default: the "
                    "run's own (model.readout)")
        ->check(CLI::IsMember({"diffusion", "interests"}));
}

std::string readoutOf(const RunConfig& config) {
    return inScope(FieldScope::DimeRecDiffusion, config.model) ? nameOf(config.model.readout) : "";
}

std::string duration(double seconds) {
    const auto total = static_cast<int64_t>(seconds + 0.5);
    std::ostringstream out;
    if (total >= 3600) out << total / 3600 << "h";
    out << std::setfill('0') << std::setw(total >= 3600 ? 2 : 1) << (total / 60) % 60 << "m"
        << std::setw(2) << total % 60 << "s";
    return out.str();
}

double parseDuration(const std::string& text) {
    static const std::regex format("^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$|^([0-9]+)$");
    std::smatch parts;
    if (text.empty() || !std::regex_match(text, parts, format)) {
        throw std::invalid_argument("'" + text +
                                    "' is not a duration; write e.g. 2h30m, 90m, 45s or 600");
    }
    double seconds = 0.0;
    for (const auto& [group, unit] : {std::pair{1, 3600.0}, {2, 60.0}, {3, 1.0}, {4, 1.0}})
        if (parts[group].matched) seconds += std::stod(parts[group].str()) * unit;
    return seconds;
}

}  // namespace dimerec::cli

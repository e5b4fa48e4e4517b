#pragma once

#include "config/RunConfig.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dimerec {

// One descriptor per RunConfig field (docs/architecture.md "Adding a config field").
// Validation, JSON in/out, --set, the hash, the inference-only list, the dataset identity, the
// workbench form and the CLI's help all read this table; nothing else lists the fields.

// The editor and JSON type of a field.
enum class FieldKind { Text, Integer, Seed, Real, Bool, Choice, IntList };

// The form's groups, in the order the form shows them.
enum class FieldGroup { Run, Data, Model, Diffusion, Losses, Training, Evaluation };

// Which models a field means something for; the form disables it for the others.
enum class FieldScope {
    AllModels,
    DimeRec,           // model.model = dimerec
    MultiInterest,     // dimerec, comirec-sa, comirec-dr
    Sequential,        // sasrec, gru4rec
    SequenceEncoder,   // sasrec, gru4rec, dimerec with gem = sasrec: their encoder's fields
    SasRec,            // sasrec, dimerec with gem = sasrec (SASRec's encoder is its GEM)
    DimeRecDiffusion,  // dimerec with model.useDiffusion
    DimeRecGemLoss     // dimerec with model.useDiffusion and model.useGemLoss
};
bool inScope(FieldScope scope, const ModelConfig& model);

enum FieldFlag : unsigned {
    kInferenceOnly = 1u << 0,   // may change for a trained model (applyInferenceOverride)
    kNotHashed = 1u << 1,       // left out of configHash (does not change what is computed)
    kChangesDataset = 1u << 2,  // part of the loaded dataset's identity (sameDataset)
    // Added after hash v1 (commit 7bbad2f): left out of the hash (and, for a kPreprocessing
    // field, of the dataset's key) while at its hashNeutral value, so that configs written
    // before the field existed keep their hash and their datasets their fingerprint.
    kAddedAfterHashV1 = 1u << 3,
    // A DataConfig field that preprocess() applies to the raw log: part of the dataset's cache
    // key and fingerprint (preprocessingKey) and an editor of the import dialog. Implies
    // kChangesDataset.
    kPreprocessing = 1u << 4,
};

struct FieldDescriptor {
    std::string key;      // "model.lambda": the JSON path and the --set name
    std::string label;    // the form's label
    std::string tooltip;  // the form's tooltip and the CLI's help
    FieldKind kind = FieldKind::Text;
    FieldGroup group = FieldGroup::Run;
    FieldScope scope = FieldScope::AllModels;
    unsigned flags = 0;
    // Per-field check of validate(): value >= minimum (> when minimumExclusive) and < below.
    // For an integer list, every element.
    std::optional<double> minimum;
    bool minimumExclusive = false;
    std::optional<double> below;
    // Form only: the editor's upper end, decimals and step of a real, the text shown for 0.
    double editorMaximum = 0.0;
    int decimals = 0;
    double step = 1.0;
    std::string zeroText;
    std::vector<std::pair<std::string, std::string>> choices;  // name, label (Choice fields)
    nlohmann::json defaultValue;                               // the struct's in-class default
    // kAddedAfterHashV1: the value at which the field is left out of configHash and of the
    // dataset's key. Its default when it was added, also after that default changed.
    nlohmann::json hashNeutral;

    // The value as JSON (a choice by its name).
    std::function<nlohmann::json(const RunConfig&)> get;
    // Sets the value; throws std::invalid_argument naming the key on a wrong type or name.
    std::function<void(RunConfig&, const nlohmann::json&)> set;

    bool has(FieldFlag flag) const { return (flags & flag) != 0; }
};

// Every field, in the form's order.
const std::vector<FieldDescriptor>& runConfigFields();
// The field with this key, or nullptr.
const FieldDescriptor* findConfigField(const std::string& key);
// The end of the message about a key that names no field: where the list of fields is, and
// " (did you mean 'model.lambda'? …)" first when a field's key is at most two edits away.
std::string unknownFieldHint(const std::string& key);

// The per-field range as text ("must be >= 1", "must lie in (0, 1)"); empty when none.
std::string rangeText(const FieldDescriptor& field);

}  // namespace dimerec

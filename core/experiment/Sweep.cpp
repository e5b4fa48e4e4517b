#include "experiment/Sweep.h"

#include "config/ConfigFields.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

namespace dimerec {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* const kDataDirVariable = "DIMEREC_DATA_DIR";
const char* const kDefaultDataDir = "../shared/data";

json::json_pointer pointerOf(const std::string& field) {
    std::string path = "/" + field;
    for (char& c : path) {
        if (c == '.') c = '/';
    }
    return json::json_pointer(path);
}

// Reads an experiment file's JSON with the file name in every message.
class Reader {
public:
    explicit Reader(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string& key, const std::string& what) const {
        throw std::invalid_argument(path_ + ": " + (key.empty() ? "" : key + ": ") + what);
    }

    void requireObject(const json& value, const std::string& key) const {
        if (!value.is_object()) fail(key, "expected a JSON object, got " + value.dump());
    }

    void onlyKeys(const json& object, const std::string& key,
                  std::initializer_list<const char*> allowed) const {
        for (const auto& [name, unused] : object.items()) {
            bool known = false;
            std::string list;
            for (const char* option : allowed) {
                known = known || name == option;
                list += std::string(list.empty() ? "" : ", ") + option;
            }
            if (!known) {
                fail("", "unknown key '" + (key.empty() ? name : key + "." + name) +
                             "' (expected " + list + ")");
            }
        }
    }

    std::string string(const json& value, const std::string& key) const {
        if (!value.is_string()) fail(key, "expected a string, got " + value.dump());
        return value.get<std::string>();
    }

    // A run-config field that a grid, variant or profile may set.
    void requireSettable(const std::string& field, const std::string& key) const {
        if (findConfigField(field) == nullptr)
            fail(key, "unknown config field '" + field + "'" + unknownFieldHint(field));
        if (field == "train.seed") fail(key, "set seeds with \"seeds\", not train.seed");
        if (field == "name") fail(key, "the run's name is the trial's label; it cannot be set");
    }

    std::vector<uint64_t> seeds(const json& value, const std::string& key) const {
        if (!value.is_array() || value.empty()) {
            fail(key, "expected a non-empty list of seeds, got " + value.dump());
        }
        std::vector<uint64_t> out;
        for (const json& seed : value) {
            if (!seed.is_number_integer() || seed.get<int64_t>() < 0) {
                fail(key, "seeds must be non-negative integers, got " + seed.dump());
            }
            const auto number = seed.get<uint64_t>();
            if (std::find(out.begin(), out.end(), number) != out.end()) {
                fail(key, "seed " + seed.dump() + " is listed twice");
            }
            out.push_back(number);
        }
        return out;
    }

    // Grid axes of `value` replace axes of the same field in `grid` or are appended; the
    // result is kept in alphabetical field order.
    void mergeGrid(const json& value, const std::string& key, std::vector<SweepAxis>& grid) const {
        requireObject(value, key);
        for (const auto& [field, values] : value.items()) {
            requireSettable(field, key);
            if (!values.is_array() || values.empty()) {
                fail(key + "." + field,
                     "expected a non-empty list of values, got " + values.dump());
            }
            SweepAxis axis{field, std::vector<json>(values.begin(), values.end())};
            // By name: clang before C++20 cannot capture a structured binding.
            const std::string& name = field;
            auto existing = std::find_if(grid.begin(), grid.end(),
                                         [&](const SweepAxis& a) { return a.field == name; });
            if (existing != grid.end()) {
                *existing = std::move(axis);
            } else {
                grid.push_back(std::move(axis));
            }
        }
        std::sort(grid.begin(), grid.end(),
                  [](const SweepAxis& a, const SweepAxis& b) { return a.field < b.field; });
    }

    std::vector<SweepVariant> variants(const json& value, const std::string& key) const {
        if (!value.is_array() || value.empty()) {
            fail(key, "expected a non-empty list of variants, got " + value.dump());
        }
        std::vector<SweepVariant> out;
        for (size_t i = 0; i < value.size(); ++i) {
            const std::string where = key + "[" + std::to_string(i) + "]";
            const json& entry = value[i];
            requireObject(entry, where);
            onlyKeys(entry, where, {"name", "set"});
            if (!entry.contains("name")) fail(where, "a variant needs a \"name\"");
            SweepVariant variant{string(entry["name"], where + ".name"), {}};
            if (variant.name.empty()) fail(where + ".name", "must not be empty");
            for (const SweepVariant& other : out) {
                if (other.name == variant.name) {
                    fail(where + ".name", "variant '" + variant.name + "' is defined twice");
                }
            }
            if (entry.contains("set")) {
                const json& set = entry["set"];
                requireObject(set, where + ".set");
                for (const auto& [field, setting] : set.items()) {
                    requireSettable(field, where + ".set");
                    variant.overrides.emplace_back(field, setting);
                }
            }
            out.push_back(std::move(variant));
        }
        return out;
    }

    SweepResources resources(const json& value, const std::string& key, SweepResources out) const {
        requireObject(value, key);
        onlyKeys(value, key, {"cpusPerTask", "memory", "time", "partition"});
        if (value.contains("cpusPerTask")) {
            const json& cpus = value["cpusPerTask"];
            if (!cpus.is_number_integer() || cpus.get<int64_t>() < 1) {
                fail(key + ".cpusPerTask", "expected a positive integer, got " + cpus.dump());
            }
            out.cpusPerTask = cpus.get<int>();
        }
        if (value.contains("memory")) out.memory = string(value["memory"], key + ".memory");
        if (value.contains("time")) out.time = string(value["time"], key + ".time");
        if (value.contains("partition")) {
            out.partition = string(value["partition"], key + ".partition");
        }
        return out;
    }

    // ${NAME} → the environment variable; ${DIMEREC_DATA_DIR} has a default.
    std::string expand(const std::string& text, const std::string& key) const {
        std::string out;
        size_t position = 0;
        while (true) {
            const size_t start = text.find("${", position);
            if (start == std::string::npos) break;
            const size_t end = text.find('}', start);
            if (end == std::string::npos) fail(key, "unterminated ${ in '" + text + "'");
            const std::string name = text.substr(start + 2, end - start - 2);
            const char* value = std::getenv(name.c_str());
            std::string replacement;
            if (value != nullptr && *value != '\0') {
                replacement = value;
            } else if (name == kDataDirVariable) {
                replacement = kDefaultDataDir;
            } else {
                fail(key, "environment variable '" + name + "' (in '" + text + "') is not set");
            }
            out += text.substr(position, start - position) + replacement;
            position = end + 1;
        }
        return out + text.substr(position);
    }

    void expandAll(json& value, const std::string& key) const {
        if (value.is_string()) {
            value = expand(value.get<std::string>(), key);
        } else if (value.is_structured()) {
            for (auto& [name, element] : value.items()) {
                expandAll(element, value.is_object() ? key + "." + name : key);
            }
        }
    }

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::string defaultStudy(const std::string& path) {
    const std::string stem = fs::path(path).stem().string();
    return stem.empty() ? "default" : stem;
}

// The value as a label shows it: strings bare (a path by its last component), numbers and
// booleans as written.
std::string labelValue(const json& value) {
    if (!value.is_string()) return value.dump();
    const std::string text = value.get<std::string>();
    const fs::path path(text);
    return text.find('/') == std::string::npos ? text : path.filename().string();
}

std::string labelName(const std::string& field) {
    static const std::map<std::string, std::string> symbols = {
        {"model.lambda", "λ"}, {"model.mu", "μ"}, {"model.diffusionSteps", "T"}};
    if (const auto found = symbols.find(field); found != symbols.end()) return found->second;
    const size_t dot = field.rfind('.');
    return dot == std::string::npos ? field : field.substr(dot + 1);
}

// A config JSON with `field` set to `value` (strings with ${…} expanded).
void setField(json& config, const std::string& field, json value, const Reader& reader,
              const std::string& key) {
    reader.expandAll(value, key);
    config[pointerOf(field)] = std::move(value);
}

// The config with its relative dataset path made absolute.
RunConfig resolved(const json& config, const Reader& reader, const std::string& what) {
    RunConfig out;
    try {
        out = runConfigFromJson(config);
    } catch (const std::invalid_argument& error) {
        reader.fail(what, error.what());
    }
    if (out.data.dataset != "default" && fs::path(out.data.dataset).is_relative()) {
        out.data.dataset = fs::absolute(out.data.dataset).lexically_normal().string();
    }
    return out;
}

}  // namespace

ExperimentFile experimentFromJson(const json& in, const std::string& path,
                                  const std::string& profile) {
    const Reader reader(path.empty() ? "experiment" : path);
    reader.requireObject(in, "");
    reader.onlyKeys(
        in, "",
        {"study", "description", "base", "grid", "variants", "seeds", "profiles", "resources"});
    ExperimentFile out;
    out.path = path;
    out.study = in.contains("study") ? reader.string(in["study"], "study") : defaultStudy(path);
    if (out.study.empty()) reader.fail("study", "must not be empty");
    if (in.contains("description")) {
        out.description = reader.string(in["description"], "description");
    }
    json base = in.contains("base") ? in["base"] : json::object();
    reader.requireObject(base, "base");
    reader.expandAll(base, "base");
    if (base.contains("name")) reader.fail("base.name", "the run's name is the trial's label");
    if (in.contains("grid")) reader.mergeGrid(in["grid"], "grid", out.grid);
    if (in.contains("variants")) out.variants = reader.variants(in["variants"], "variants");
    if (in.contains("resources")) {
        out.resources = reader.resources(in["resources"], "resources", out.resources);
    }
    bool seedsGiven = in.contains("seeds");
    if (seedsGiven) out.seeds = reader.seeds(in["seeds"], "seeds");

    const json profiles = in.contains("profiles") ? in["profiles"] : json::object();
    reader.requireObject(profiles, "profiles");
    for (const auto& [name, unused] : profiles.items()) out.profiles.push_back(name);
    if (!profile.empty()) {
        if (!profiles.contains(profile)) {
            std::string list;
            for (const std::string& name : out.profiles) list += (list.empty() ? "" : ", ") + name;
            reader.fail("profiles", "no profile '" + profile + "' (the file has " +
                                        (list.empty() ? "none" : list) + ")");
        }
        const std::string key = "profiles." + profile;
        const json& settings = profiles[profile];
        reader.requireObject(settings, key);
        out.profile = profile;
        out.study = out.study + "-" + profile;
        for (const auto& [field, value] : settings.items()) {
            const std::string where = key + "." + field;
            if (field == "study") {
                out.study = reader.string(value, where);
            } else if (field == "description") {
                out.description = reader.string(value, where);
            } else if (field == "seeds") {
                out.seeds = reader.seeds(value, where);
                seedsGiven = true;
            } else if (field == "grid") {
                reader.mergeGrid(value, where, out.grid);
            } else if (field == "variants") {
                out.variants = reader.variants(value, where);
            } else if (field == "resources") {
                out.resources = reader.resources(value, where, out.resources);
            } else {
                reader.requireSettable(field, key);
                setField(base, field, value, reader, where);
            }
        }
    }
    out.base = resolved(base, reader, "base");
    if (!seedsGiven) out.seeds = {out.base.train.seed};

    for (const SweepVariant& variant : out.variants) {
        for (const auto& [field, unused] : variant.overrides) {
            for (const SweepAxis& axis : out.grid) {
                if (axis.field == field) {
                    reader.fail("variants", "variant '" + variant.name + "' sets '" + field +
                                                "', which the grid also sweeps");
                }
            }
        }
    }
    // Every trial is validated here, so that a sweep never fails on its 40th trial.
    expandTrials(out);
    return out;
}

ExperimentFile loadExperimentFile(const std::string& path, const std::string& profile) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument(path + ": cannot open the experiment file");
    json file;
    try {
        in >> file;
    } catch (const json::exception& error) {
        // A syntax error, or a number beyond any JSON number type (out_of_range.406).
        throw std::invalid_argument(path + ": not valid JSON (" + error.what() + ")");
    }
    return experimentFromJson(file, path, profile);
}

// The most trials one experiment file may expand to.
constexpr size_t kMaxTrials = 10000;

std::vector<Trial> expandTrials(const ExperimentFile& experiment) {
    const Reader reader(experiment.path.empty() ? "experiment" : experiment.path);
    const json base = toJson(experiment.base);
    const std::vector<SweepVariant> variants = experiment.variants.empty()
                                                   ? std::vector<SweepVariant>{SweepVariant{}}
                                                   : experiment.variants;
    // A sweep runs every trial: a file that expands beyond any study is refused before its
    // trials are built (a few lines of grid can describe more than memory holds, or more than
    // size_t counts: the product wrapped round to a wrong, even zero, number of trials).
    const size_t perPoint = variants.size() * std::max<size_t>(experiment.seeds.size(), 1);
    size_t points = 1;
    bool tooMany = perPoint > kMaxTrials;
    for (const SweepAxis& axis : experiment.grid) {
        if (tooMany || axis.values.size() > kMaxTrials / (points * perPoint)) {
            tooMany = true;
            break;
        }
        points *= axis.values.size();
    }
    if (tooMany) {
        reader.fail("", "expands to more than " + std::to_string(kMaxTrials) +
                            " trials (variants × grid points × seeds); split the study into "
                            "several experiment files");
    }

    std::vector<Trial> trials;
    for (const SweepVariant& variant : variants) {
        for (size_t point = 0; point < points; ++point) {
            // Mixed-radix digits of `point`, the first axis most significant.
            std::vector<std::pair<std::string, json>> settings(experiment.grid.size());
            size_t rest = point;
            for (size_t a = experiment.grid.size(); a-- > 0;) {
                const SweepAxis& axis = experiment.grid[a];
                settings[a] = {axis.field, axis.values[rest % axis.values.size()]};
                rest /= axis.values.size();
            }
            for (uint64_t seed : experiment.seeds) {
                Trial trial;
                trial.index = static_cast<int>(trials.size());
                trial.variant = variant.name;
                trial.settings = settings;
                trial.seed = seed;
                std::string label = variant.name;
                for (const auto& [field, value] : settings) {
                    label +=
                        (label.empty() ? "" : " ") + labelName(field) + "=" + labelValue(value);
                }
                trial.label = label + (label.empty() ? "" : " ") + "seed " + std::to_string(seed);

                json config = base;
                const std::string where =
                    "trial " + std::to_string(trial.index) + " '" + trial.label + "'";
                for (const auto& [field, value] : variant.overrides) {
                    setField(config, field, value, reader, where);
                }
                for (const auto& [field, value] : settings) {
                    setField(config, field, value, reader, where);
                }
                config["name"] = trial.label;
                config["train"]["seed"] = seed;
                trial.config = resolved(config, reader, where);
                trials.push_back(std::move(trial));
            }
        }
    }
    return trials;
}

std::string trialKey(const Trial& trial) {
    return trialKey(configHash(trial.config), trial.seed);
}

std::string trialKey(const std::string& configHash, uint64_t seed) {
    return configHash + "/seed " + std::to_string(seed);
}

}  // namespace dimerec

// libFuzzer target over the run config readers: a config file (`--config`, `config --check`)
// and `--set` overrides. The input is the file's bytes, optionally followed by a NUL byte and
// one override per line (a line starting with '!' goes through the inference-only override
// of `dimerec evaluate --set`). Each reader may throw only its documented
// std::invalid_argument; a config it accepts must survive a round trip through JSON unchanged.
// Anything else, or a sanitizer report, is a bug.
#include "FuzzInputFile.h"
#include "config/ConfigFile.h"
#include "config/RunConfig.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

using namespace dimerec;

void roundTrip(const RunConfig& config) {
    const nlohmann::json json = toJson(config);
    if (toJson(runConfigFromJson(json)) != json) std::abort();
    (void)configHash(config);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t cut = input.find('\0');
    const std::string file = input.substr(0, cut);
    RunConfig config;
    try {
        config = readRunConfigFile(
            writeFuzzInput(reinterpret_cast<const uint8_t*>(file.data()), file.size(), "run.json"));
        roundTrip(config);
    } catch (const std::invalid_argument&) {
    }
    if (cut == std::string::npos) return 0;
    std::istringstream overrides(input.substr(cut + 1));
    std::string line;
    while (std::getline(overrides, line)) {
        try {
            if (!line.empty() && line[0] == '!') {
                applyInferenceOverride(config, line.substr(1));
            } else {
                applyOverride(config, line);
            }
            validate(config);
            roundTrip(config);
        } catch (const std::invalid_argument&) {
        }
    }
    return 0;
}

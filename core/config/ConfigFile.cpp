#include "config/ConfigFile.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace dimerec {

RunConfig readRunConfigFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument("config file '" + path + "': cannot open");
    nlohmann::json json;
    try {
        in >> json;
    } catch (const nlohmann::json::exception& error) {
        // A syntax error, or a number beyond any JSON number type (out_of_range.406).
        throw std::invalid_argument("config file '" + path + "': not valid JSON (" + error.what() +
                                    ")");
    }
    try {
        return runConfigFromJson(json);
    } catch (const std::invalid_argument& error) {
        throw std::invalid_argument("config file '" + path + "': " + error.what());
    }
}

}  // namespace dimerec

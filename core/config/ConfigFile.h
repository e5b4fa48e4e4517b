#pragma once

#include "config/RunConfig.h"

#include <string>

namespace dimerec {

// A run config from a JSON file (`dimerec train --config`, `dimerec config --check`,
// `dimerec-workbench --config`). Throws std::invalid_argument naming the file and the offending
// key, value or JSON line.
RunConfig readRunConfigFile(const std::string& path);

}  // namespace dimerec

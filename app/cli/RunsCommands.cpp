#include "CliCommands.h"

#include <CLI/CLI.hpp>

namespace dimerec::cli {

void addRunsCommands(CLI::App& app) {}

}  // namespace dimerec::cli

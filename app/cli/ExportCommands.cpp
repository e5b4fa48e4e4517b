#include "CliCommands.h"

#include <CLI/CLI.hpp>

namespace dimerec::cli {

void addExportCommands(CLI::App& app) {}

}  // namespace dimerec::cli

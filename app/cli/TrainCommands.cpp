#include "CliCommands.h"

#include <CLI/CLI.hpp>

namespace dimerec::cli {

void addTrainCommands(CLI::App& app) {}

}  // namespace dimerec::cli

#pragma once

namespace CLI {
class App;
}

namespace dimerec::cli {

// Each adds one family of subcommands to the `dimerec` program; the callbacks run inside
// app.parse() and report errors by throwing.
void addDataCommands(CLI::App& app);       // dimerec data …
void addTrainCommands(CLI::App& app);      // dimerec train / evaluate
void addRecommendCommands(CLI::App& app);  // dimerec recommend
void addConfigCommands(CLI::App& app);     // dimerec config
void addRunsCommands(CLI::App& app);       // dimerec runs …
void addExportCommands(CLI::App& app);     // dimerec export table / plot
void addSweepCommands(CLI::App& app);      // dimerec sweep
// dimerec export plot (builds with the GUI only: it draws with Qt); after addExportCommands.
void addExportPlotCommand(CLI::App& app);

}  // namespace dimerec::cli

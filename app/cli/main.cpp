// `dimerec`: the headless command line over the same core as the workbench.
#include "CliCommands.h"
#include "util/Device.h"
#include "util/OpenMpEnvironment.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    dimerec::ensurePassiveOpenMpWait(argv);
    CLI::App app{
        "dimerec: train, evaluate and compare DimeRec and baselines from the command line"};
    app.set_version_flag(
        "-V,--version", [] { return dimerec::versionText(); },
        "Print the version, LibTorch, BLAS and device facts and exit");
    app.require_subcommand(1);
    dimerec::cli::addDataCommands(app);
    dimerec::cli::addTrainCommands(app);
    dimerec::cli::addRecommendCommands(app);
    dimerec::cli::addConfigCommands(app);
    dimerec::cli::addRunsCommands(app);
    dimerec::cli::addExportCommands(app);
#ifdef DIMEREC_PLOT_EXPORT
    dimerec::cli::addExportPlotCommand(app);
#endif
    dimerec::cli::addSweepCommands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    } catch (const std::exception& error) {
        std::cerr << "dimerec: error: " << error.what() << "\n";
        return 1;
    }
    return 0;
}

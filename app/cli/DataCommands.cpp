#include "CliCommands.h"
#include "data/Dataset.h"
#include "data/DefaultDataset.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace dimerec::cli {

void addDataCommands(CLI::App& app) {
    CLI::App* data = app.add_subcommand("data", "Inspect datasets");
    data->require_subcommand(1);
    CLI::App* stats = data->add_subcommand("stats", "Print a dataset's statistics");
    auto dataset = std::make_shared<std::string>("default");
    stats->add_option("--dataset", *dataset, "Dataset to read (default: the embedded one)");
    stats->callback([dataset] {
        const Dataset loaded = loadDefaultDataset();
        std::cout << "dataset       " << loaded.name << "\n"
                  << "users         " << loaded.numUsers() << "\n"
                  << "items         " << loaded.numItems() << "\n"
                  << "interactions  " << loaded.numInteractions() << "\n"
                  << "categories    " << loaded.numCategories() << "\n";
    });
}

}  // namespace dimerec::cli

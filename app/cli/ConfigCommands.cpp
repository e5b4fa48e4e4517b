#include "CliCommands.h"
#include "CliSupport.h"

#include "config/ConfigFile.h"
#include "config/RunConfig.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <stdexcept>

namespace dimerec::cli {
namespace {

struct ConfigArguments {
    bool printDefaults = false;          // print the default config
    bool listFields = false;             // describe every field
    std::string check;                   // config file to validate
    std::vector<std::string> overrides;  // section.field=value, applied to the checked file
};

void runConfig(const ConfigArguments& args) {
    if (args.listFields) {
        std::cout << configFieldsHelp();
        return;
    }
    if (args.printDefaults) {
        std::cout << toJson(RunConfig{}).dump(2) << "\n";
        return;
    }
    RunConfig config = readRunConfigFile(args.check);
    for (const std::string& assignment : args.overrides) applyOverride(config, assignment);
    validate(config);
    std::cerr << "config " << args.check << " is valid (config hash " << configHash(config)
              << ")\n";
    std::cout << toJson(config).dump(2) << "\n";
}

}  // namespace

void addConfigCommands(CLI::App& app) {
    auto args = std::make_shared<ConfigArguments>();
    CLI::App* command = app.add_subcommand(
        "config", "Print the default run config, or check a config file and print it resolved");
    auto* defaults = command->add_flag("--print-defaults", args->printDefaults,
                                       "Print the full default run config as JSON");
    command->add_flag("--list-fields", args->listFields,
                      "Describe every config field: type or choices, range, default, meaning");
    auto* check = command
                      ->add_option("--check", args->check,
                                   "Validate this config file and print it with every default "
                                   "filled in; errors name the field")
                      ->check(CLI::ExistingFile);
    command->add_option("-s,--set", args->overrides, setOptionHelp(false))
        ->take_all()
        ->needs(check);
    defaults->excludes(check);
    check->excludes(defaults);
    command->callback([args] {
        if (!args->printDefaults && !args->listFields && args->check.empty()) {
            throw std::invalid_argument(
                "config: give --print-defaults, --list-fields or --check FILE");
        }
        runConfig(*args);
    });
}

}  // namespace dimerec::cli

#include "CliCommands.h"
#include "config/ConfigFields.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/DatasetStatistics.h"
#include "data/Protocols.h"
#include "data/Splits.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <iostream>
#include <memory>
#include <numeric>
#include <sstream>

namespace dimerec::cli {
namespace {

struct StatsArguments {
    RunConfig config;           // its data section: the fields that change the dataset are flags
    std::string columns;        // column mapping text for generic logs
    bool skipBadLines = false;  // skip malformed lines and report how many
    bool noCache = false;       // parse even when a cached copy exists
    bool splits = false;        // also print the three protocols' split sizes
    bool json = false;          // print everything (distributions included) as JSON
};

std::string percent(double share) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << 100.0 * share << " %";
    return out.str();
}

// Users per length bucket, in roughly logarithmic bins, for a terminal-sized histogram.
void printLengthBuckets(const DatasetStatistics& stats) {
    static const int64_t kEdges[] = {1, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};
    std::cout << "length buckets (users)\n";
    for (size_t b = 0; b < std::size(kEdges); ++b) {
        const int64_t from = kEdges[b];
        const int64_t to = b + 1 < std::size(kEdges) ? kEdges[b + 1] - 1 : stats.maxLength;
        if (from > stats.maxLength) break;
        int64_t users = 0;
        for (int64_t length = from; length <= to && length <= stats.maxLength; ++length) {
            users += stats.lengthHistogram[static_cast<size_t>(length)];
        }
        std::ostringstream range;
        range << from << "-" << to;
        std::cout << "  " << std::left << std::setw(12) << range.str() << std::right << std::setw(9)
                  << users << "\n";
    }
}

void printCategories(const DatasetStatistics& stats) {
    std::vector<size_t> order(stats.categoryNames.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return stats.categoryInteractions[a] > stats.categoryInteractions[b];
    });
    constexpr size_t kShown = 20;
    std::cout << "categories by interactions" << (order.size() > kShown ? " (top 20)" : "") << "\n";
    for (size_t i = 0; i < std::min(kShown, order.size()); ++i) {
        const size_t c = order[i];
        std::cout << "  " << std::left << std::setw(24) << stats.categoryNames[c] << std::right
                  << std::setw(8) << stats.categoryItems[c] << " items" << std::setw(11)
                  << stats.categoryInteractions[c] << " interactions\n";
    }
}

void printText(const Dataset& data, const DatasetStatistics& stats,
               const TargetsInHistory& looRepeats) {
    std::cout << "dataset        " << data.name << "\n"
              << "source         " << data.source << "\n"
              << "fingerprint    " << data.fingerprint << "\n"
              << "users          " << stats.users << "\n"
              << "items          " << stats.items << "\n"
              << "interactions   " << stats.interactions << "\n"
              << "density        " << std::setprecision(4) << 100.0 * stats.density << " %\n"
              << "repeats        " << stats.repeatInteractions
              << " (interactions with an item already in the user's history)\n"
              << "in history     " << looRepeats.inHistory << " of " << looRepeats.targets
              << " leave-one-out test targets (" << percent(looRepeats.share())
              << ") are in the user's own history: excluding the history from the ranking "
                 "(eval.excludeHistory, the default) makes them impossible to hit\n"
              << "length         min " << stats.minLength << ", median " << stats.medianLength
              << ", mean " << std::fixed << std::setprecision(1) << stats.meanLength << ", max "
              << stats.maxLength << "\n"
              << "popularity     top 1 % of items: " << percent(stats.top1PercentShare)
              << ", top 10 %: " << percent(stats.top10PercentShare)
              << ", top 20 %: " << percent(stats.top20PercentShare) << " of interactions; "
              << stats.singletonItems << " items met once\n"
              << "categories     " << stats.categories << " (" << std::setprecision(2)
              << stats.meanCategoriesPerItem << " per item, " << stats.itemsWithoutCategory
              << " items without)\n";
    if (data.skippedLines > 0) {
        std::cout << "skipped lines  " << data.skippedLines << " (first: " << data.firstSkipped
                  << ")\n";
    }
    printLengthBuckets(stats);
    if (stats.categories > 0) printCategories(stats);
}

nlohmann::json statsJson(const Dataset& data, const DatasetStatistics& stats) {
    return {{"name", data.name},
            {"source", data.source},
            {"fingerprint", data.fingerprint},
            {"users", stats.users},
            {"items", stats.items},
            {"interactions", stats.interactions},
            {"density", stats.density},
            {"repeatInteractions", stats.repeatInteractions},
            {"minLength", stats.minLength},
            {"maxLength", stats.maxLength},
            {"meanLength", stats.meanLength},
            {"medianLength", stats.medianLength},
            {"lengthHistogram", stats.lengthHistogram},
            {"itemPopularity", stats.itemPopularity},
            {"top1PercentShare", stats.top1PercentShare},
            {"top10PercentShare", stats.top10PercentShare},
            {"top20PercentShare", stats.top20PercentShare},
            {"singletonItems", stats.singletonItems},
            {"categories", stats.categories},
            {"categoryNames", stats.categoryNames},
            {"categoryItems", stats.categoryItems},
            {"categoryInteractions", stats.categoryInteractions},
            {"itemsWithoutCategory", stats.itemsWithoutCategory},
            {"meanCategoriesPerItem", stats.meanCategoriesPerItem},
            {"skippedLines", data.skippedLines}};
}

nlohmann::json splitsJson(const Dataset& data, DataConfig config) {
    nlohmann::json all = nlohmann::json::object();
    for (const auto& protocol : choices(Protocol{})) {
        config.protocol = protocol.value;
        const Splits splits = makeSplits(data, config);
        int64_t trainItems = 0;
        for (const auto& sequence : splits.trainSequences)
            trainItems += static_cast<int64_t>(sequence.size());
        const TargetsInHistory repeats = testTargetsInHistory(splits);
        all[protocol.name] = {{"trainSequences", splits.trainSequences.size()},
                              {"trainInteractions", trainItems},
                              {"validCases", splits.valid.size()},
                              {"testCases", splits.test.size()},
                              {"testTargets", repeats.targets},
                              {"testTargetsInHistory", repeats.inHistory}};
    }
    return all;
}

void runStats(const StatsArguments& arguments) {
    LoadOptions options;
    if (!arguments.columns.empty()) options.columns = parseColumnMapping(arguments.columns);
    options.skipBadLines = arguments.skipBadLines;
    options.useCache = !arguments.noCache;
    const Dataset data = loadDataset(arguments.config.data, options);
    const DatasetStatistics stats = summarize(data);
    // What excluding the history from the ranking costs under the leave-one-out protocol (the
    // others with --splits): targets it makes impossible to hit.
    DataConfig looConfig = arguments.config.data;
    looConfig.protocol = Protocol::Loo;
    const TargetsInHistory looRepeats = testTargetsInHistory(makeSplits(data, looConfig));
    if (arguments.json) {
        nlohmann::json json = statsJson(data, stats);
        json["looTestTargets"] = looRepeats.targets;
        json["looTestTargetsInHistory"] = looRepeats.inHistory;
        if (arguments.splits) json["splits"] = splitsJson(data, arguments.config.data);
        std::cout << json.dump(2) << "\n";
        return;
    }
    printText(data, stats, looRepeats);
    if (arguments.splits) {
        std::cout << "splits (seed " << arguments.config.data.splitSeed << ")\n";
        const nlohmann::json all = splitsJson(data, arguments.config.data);
        for (const auto& [protocol, sizes] : all.items()) {
            std::cout << "  " << std::left << std::setw(10) << protocol << std::right
                      << sizes["trainSequences"] << " training sequences ("
                      << sizes["trainInteractions"] << " interactions), " << sizes["validCases"]
                      << " validation cases, " << sizes["testCases"] << " test cases ("
                      << sizes["testTargetsInHistory"] << " of " << sizes["testTargets"]
                      << " targets in the history)\n";
        }
    }
}

}  // namespace

void addDataCommands(CLI::App& app) {
    CLI::App* data = app.add_subcommand("data", "Inspect datasets");
    data->require_subcommand(1);
    CLI::App* stats = data->add_subcommand("stats", "Print a dataset's statistics");
    auto arguments = std::make_shared<StatsArguments>();
    // One flag per field that changes the dataset: data.minRating is --min-rating.
    for (const FieldDescriptor& field : runConfigFields()) {
        if (!field.has(kChangesDataset)) continue;
        std::string flag = "--";
        for (char c : field.key.substr(field.key.find('.') + 1)) {
            if (std::isupper(static_cast<unsigned char>(c))) {
                flag += '-';
                flag += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            } else {
                flag += c;
            }
        }
        const std::string key = field.key;
        CLI::Option* option = stats->add_option_function<std::string>(
            flag,
            [arguments, key](const std::string& text) {
                applyOverride(arguments->config, key + "=" + text);
            },
            field.tooltip);
        if (!field.choices.empty()) {
            std::vector<std::string> names;
            for (const auto& choice : field.choices) names.push_back(choice.first);
            option->check(CLI::IsMember(names));
        }
    }
    stats->add_option("--columns", arguments->columns,
                      "Column mapping of a generic log, e.g. user=uid,item=sku,timestamp=time,"
                      "delimiter=tab,header=no");
    stats->add_flag("--skip-bad-lines", arguments->skipBadLines,
                    "Skip malformed lines (their count is reported) instead of stopping");
    stats->add_flag("--no-cache", arguments->noCache, "Parse the files even if cached");
    stats->add_flag("--splits", arguments->splits,
                    "Also print the sizes of the loo, comirec and dreamrec splits");
    stats->add_option("--split-seed", arguments->config.data.splitSeed, "Seed of the user splits");
    stats->add_flag("--json", arguments->json,
                    "Print JSON with the full distributions (for plotting)");
    stats->callback([arguments] { runStats(*arguments); });
}

}  // namespace dimerec::cli

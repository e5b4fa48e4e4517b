#include "CliCommands.h"
#include "CliSupport.h"

#include "eval/Evaluator.h"
#include "model/Recommender.h"
#include "store/RunStore.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>

namespace dimerec::cli {
namespace {

struct RecommendArguments {
    std::string user;        // original user id, as in the dataset's files
    std::string checkpoint;  // checkpoint file, or
    std::string run;         // a stored run (id or uuid prefix) whose best checkpoint is used
    std::string db;          // run store ("" = RunStore::defaultPath())
    int top = 10;            // recommendations to list
    bool excludeHistory = false;
    bool json = false;
    std::string device = "auto";
    int threads = 0;
    std::string readout;  // DimeRec: diffusion | interests ("" = the run's)
};

struct Recommendation {
    int32_t item = 0;
    float score = 0.0f;
};

// The best checkpoint the store recorded for a run.
std::string bestCheckpointOfRun(const std::string& reference, const std::string& db) {
    const RunStore store(db.empty() ? RunStore::defaultPath() : db, RunStore::Mode::ReadOnly);
    const RunDetails details = store.run(store.resolveRun(reference));
    const std::string name = "run " + std::to_string(details.summary.id) + " (" +
                             details.summary.uuid.substr(0, 8) + ")";
    if (details.bestCheckpoint.empty()) {
        throw std::invalid_argument(name + " has no best checkpoint (status " +
                                    details.summary.status + ")");
    }
    if (!std::filesystem::exists(details.bestCheckpoint)) {
        throw std::invalid_argument(name + ": its best checkpoint '" + details.bestCheckpoint +
                                    "' no longer exists");
    }
    return details.bestCheckpoint;
}

int32_t denseUser(const Dataset& dataset, const std::string& id) {
    const auto found = std::find(dataset.userIds.begin(), dataset.userIds.end(), id);
    if (found == dataset.userIds.end()) {
        std::ostringstream message;
        message << "user '" << id << "' is not in dataset " << dataset.name << " ("
                << dataset.numUsers() << " users";
        if (!dataset.userIds.empty()) message << ", e.g. '" << dataset.userIds.front() << "'";
        message << ")";
        throw std::invalid_argument(message.str());
    }
    return static_cast<int32_t>(found - dataset.userIds.begin());
}

// The top items for one user's whole sequence (the next item after everything seen).
std::vector<Recommendation> recommend(const CheckpointModel& loaded, int32_t user, int top,
                                      bool excludeHistory) {
    Recommender& model = *loaded.model;
    const std::vector<EvalCase> cases = {EvalCase{user, loaded.dataset.sequences[user], {}}};
    const HistoryBatch batch =
        padHistories(cases, 0, 1, loaded.config.data.maxLength, model.numItems(), model.device());
    torch::NoGradGuard noGrad;
    model.setInferenceSeed(loaded.config.train.seed);
    torch::Tensor scores =
        model.scoreAll(batch.history, batch.lengths).select(0, 0).to(torch::kCPU);
    int64_t candidates = model.numItems();
    if (excludeHistory) {
        scores = scores.clone();
        std::vector<int64_t> seen(cases[0].history.begin(), cases[0].history.end());
        std::sort(seen.begin(), seen.end());
        seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
        scores.index_fill_(0, torch::tensor(seen, torch::kInt64),
                           -std::numeric_limits<float>::infinity());
        candidates -= static_cast<int64_t>(seen.size());
    }
    const auto [values, indices] = scores.topk(std::min<int64_t>(top, candidates));
    std::vector<Recommendation> out;
    for (int64_t r = 0; r < indices.size(0); ++r) {
        out.push_back({static_cast<int32_t>(indices[r].item<int64_t>()), values[r].item<float>()});
    }
    return out;
}

std::vector<std::string> categoryNames(const Dataset& dataset, int32_t item) {
    std::vector<std::string> names;
    if (static_cast<size_t>(item) >= dataset.itemCategories.size()) return names;
    for (int32_t category : dataset.itemCategories[item]) {
        names.push_back(dataset.categoryNames.at(category));
    }
    return names;
}

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
    std::string out;
    for (const std::string& part : parts) out += (out.empty() ? "" : separator) + part;
    return out;
}

// Cuts or pads text to `width` characters (UTF-8 aware) so the table stays aligned.
std::string fitted(const std::string& text, size_t width) {
    std::string out;
    size_t characters = 0;
    for (char c : text) {
        const bool startsCharacter = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        if (startsCharacter && characters++ == width) return out;
        out += c;
    }
    return out + std::string(width - characters, ' ');
}

void runRecommend(const RecommendArguments& args) {
    const std::string checkpoint =
        args.checkpoint.empty() ? bestCheckpointOfRun(args.run, args.db) : args.checkpoint;
    const CheckpointModel loaded =
        loadCheckpointModel(checkpoint, args.device, args.threads, {}, args.readout);
    const Dataset& dataset = loaded.dataset;
    const int32_t user = denseUser(dataset, args.user);
    const std::vector<Recommendation> items =
        recommend(loaded, user, args.top, args.excludeHistory);

    if (args.json) {
        nlohmann::json list = nlohmann::json::array();
        for (size_t r = 0; r < items.size(); ++r) {
            const int32_t item = items[r].item;
            list.push_back({{"rank", r + 1},
                            {"item", dataset.itemIds[item]},
                            {"title", dataset.itemTitles.empty() ? "" : dataset.itemTitles[item]},
                            {"categories", categoryNames(dataset, item)},
                            {"score", items[r].score}});
        }
        std::cout << nlohmann::json{{"user", args.user},
                                    {"historyLength", dataset.sequences[user].size()},
                                    {"checkpoint", checkpoint},
                                    {"model", nameOf(loaded.config.model.model)},
                                    {"readout", readoutOf(loaded.config)},
                                    {"dataset", dataset.name},
                                    {"excludeHistory", args.excludeHistory},
                                    {"recommendations", list}}
                         .dump(2)
                  << "\n";
        return;
    }
    std::cout << "user " << args.user << " (" << dataset.sequences[user].size()
              << " interactions) in " << dataset.name << "; model "
              << nameOf(loaded.config.model.model) << " from " << checkpoint
              << (readoutOf(loaded.config).empty() ? "" : "; readout " + readoutOf(loaded.config))
              << (args.excludeHistory ? "; history excluded" : "") << "\n";
    constexpr size_t kTitleWidth = 52;
    constexpr size_t kCategoryWidth = 30;
    std::cout << std::right << std::setw(4) << "rank"
              << "  " << std::left << std::setw(8) << "item"
              << "  " << fitted("title", kTitleWidth) << "  "
              << fitted("categories", kCategoryWidth) << "  " << std::right << std::setw(9)
              << "score"
              << "\n";
    for (size_t r = 0; r < items.size(); ++r) {
        const int32_t item = items[r].item;
        const std::string title = dataset.itemTitles.empty() ? "" : dataset.itemTitles[item];
        std::cout << std::right << std::setw(4) << r + 1 << "  " << std::left << std::setw(8)
                  << dataset.itemIds[item] << "  " << fitted(title, kTitleWidth) << "  "
                  << fitted(joined(categoryNames(dataset, item), "|"), kCategoryWidth) << "  "
                  << std::right << std::fixed << std::setprecision(4) << std::setw(9)
                  << items[r].score << "\n";
    }
}

}  // namespace

void addRecommendCommands(CLI::App& app) {
    auto args = std::make_shared<RecommendArguments>();
    CLI::App* command = app.add_subcommand(
        "recommend", "Top-N recommendations for one user from a checkpoint or a stored run");
    command->add_option("-u,--user", args->user, "User id as in the dataset's files")->required();
    auto* checkpoint =
        command->add_option("--checkpoint", args->checkpoint, "Checkpoint file (best.pt)")
            ->check(CLI::ExistingFile);
    auto* run = command->add_option("--run", args->run,
                                    "Stored run (id or uuid prefix): use its best checkpoint");
    checkpoint->excludes(run);
    run->excludes(checkpoint);
    command->add_option("--db", args->db,
                        "Run store for --run (default: " + RunStore::defaultPath() + ")");
    command->add_option("-n,--top", args->top, "How many items to list")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command->add_flag("--exclude-history", args->excludeHistory,
                      "Leave out the items the user has already interacted with");
    command->add_flag("--json", args->json, "Print the recommendations as JSON");
    addReadoutOption(*command, args->readout);
    command->add_option("--device", args->device, "auto, cpu, cuda or cuda:N")
        ->capture_default_str();
    command->add_option("--threads", args->threads, "LibTorch threads, 0 = all cores")
        ->check(CLI::NonNegativeNumber);
    command->callback([args] {
        if (args->checkpoint.empty() && args->run.empty()) {
            throw std::invalid_argument("recommend: give --checkpoint FILE or --run ID");
        }
        runRecommend(*args);
    });
}

}  // namespace dimerec::cli

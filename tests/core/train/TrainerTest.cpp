#include "data/Dataset.h"
#include "data/Protocols.h"
#include "data/Splits.h"
#include "eval/Evaluator.h"
#include "model/Recommender.h"
#include "train/Checkpoint.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <thread>

namespace dimerec {
namespace {

constexpr int kGroups = 8;
constexpr int kGroupSize = 5;

// 8 groups of 5 items; each user walks round one group in order, so the next item is a
// function of the last one. MostPopular can only reach HR@10 ≈ 10/40 here.
std::shared_ptr<const Dataset> cyclicDataset() {
    auto data = std::make_shared<Dataset>();
    data->name = "cyclic";
    for (int i = 0; i < kGroups * kGroupSize; ++i) {
        data->itemIds.push_back(std::to_string(i));
        data->itemTitles.push_back("");
        data->itemCategories.push_back({i / kGroupSize});
    }
    for (int g = 0; g < kGroups; ++g) data->categoryNames.push_back("group " + std::to_string(g));
    for (int u = 0; u < 80; ++u) {
        const int group = u % kGroups;
        const int start = (u / kGroups) % kGroupSize;
        std::vector<int32_t> sequence;
        for (int p = 0; p < 7 + u % 3; ++p)
            sequence.push_back(group * kGroupSize + (start + p) % kGroupSize);
        data->userIds.push_back(std::to_string(u));
        data->sequences.push_back(sequence);
    }
    return data;
}

RunConfig smallRun(const std::string& model) {
    RunConfig c;
    c.data.protocol = Protocol::Loo;
    c.data.maxLength = 5;
    c.model.model = choiceNamed<ModelKind>("model.model", model);
    c.model.dim = 16;
    c.model.interests = 2;
    c.model.diffusionSteps = 20;
    c.model.noiseScale = NoiseScale::PerDim;
    c.model.layers = 1;
    c.model.dropout = 0.0;
    c.train.batchSize = 32;
    c.train.epochs = 30;
    c.train.learningRate = 0.01;
    c.train.patience = 0;
    c.train.threads = 1;
    c.train.device = "cpu";
    c.train.earlyStopMetric = "hr@10";
    c.eval.topK = {5, 10};
    // Every test target of the cyclic users repeats an item of their history, so excluding
    // the history (the default) would make all of them impossible to hit.
    c.eval.excludeHistory = false;
    return c;
}

class Recorder : public TrainObserver {
public:
    std::vector<ProgressEvent> progress;
    std::vector<EvaluationEvent> evaluations;
    std::function<void(const ProgressEvent&)> hook;
    void onProgress(const ProgressEvent& event) override {
        progress.push_back(event);
        if (hook) hook(event);
    }
    void onEvaluation(const EvaluationEvent& event) override { evaluations.push_back(event); }
    void onItemEmbeddings(const ItemEmbeddingsEvent& event) override {
        embeddings.push_back(event);
    }
    std::vector<ItemEmbeddingsEvent> embeddings;
};

TrainResult train(const RunConfig& config, Recorder& recorder, TrainerOptions options = {},
                  TrainControl* control = nullptr) {
    TrainControl local;
    Trainer trainer(config, cyclicDataset(), options);
    return trainer.run(recorder, control ? *control : local);
}

std::filesystem::path scratch(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("dimerec-train-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    return dir;
}

double meanLoss(const std::vector<ProgressEvent>& events, size_t begin, size_t end,
                const char* term = "total") {
    double sum = 0.0;
    for (size_t i = begin; i < end; ++i) sum += events[i].losses.at(term);
    return sum / static_cast<double>(end - begin);
}

TEST(Trainer, DimeRecLearnsTheStructureAndBeatsMostPopular) {
    Recorder popular;
    const TrainResult baseline = train(smallRun("most-pop"), popular);
    ASSERT_EQ(baseline.status, "finished") << baseline.message;
    EXPECT_EQ(baseline.steps, 0);
    EXPECT_TRUE(popular.embeddings.empty());  // no item table to show

    Recorder recorder;
    const TrainResult result = train(smallRun("dimerec"), recorder);
    ASSERT_EQ(result.status, "finished") << result.message;
    ASSERT_GE(recorder.progress.size(), 40u);
    const size_t n = recorder.progress.size();
    // With the protected GEM (the default) L_gem alone shapes the GEM and the item table; in
    // this run it falls to 0.59 of its start (unprotected, the total halved).
    EXPECT_LT(meanLoss(recorder.progress, n - 10, n, "gem"),
              0.7 * meanLoss(recorder.progress, 0, 10, "gem"));
    for (const char* term : {"gem", "recon", "ssm", "total"})
        EXPECT_EQ(recorder.progress.back().losses.count(term), 1u);
    EXPECT_GT(recorder.progress.back().samplesPerSecond, 0.0);
    // The next item is determined by the last one: a working model ranks it in its top 10
    // for (almost) every user, where popularity manages about a quarter.
    EXPECT_GE(result.test.at("hr@10"), 0.9);
    EXPECT_GT(result.test.at("hr@10"), baseline.test.at("hr@10") + 0.3);
    ASSERT_FALSE(recorder.evaluations.empty());
    EXPECT_EQ(recorder.evaluations.back().split, "test");
    EXPECT_EQ(result.bestValid.count("diversity@10"), 1u);
    // One item-embedding snapshot per validation (for the sphere view's epoch slider), each
    // the whole item table at that step.
    const size_t validations = recorder.evaluations.size() - 1;
    ASSERT_EQ(recorder.embeddings.size(), validations);
    for (size_t i = 0; i < validations; ++i) {
        EXPECT_EQ(recorder.embeddings[i].step, recorder.evaluations[i].step);
        EXPECT_EQ(recorder.embeddings[i].rows, kGroups * kGroupSize);
        EXPECT_EQ(recorder.embeddings[i].dim, smallRun("dimerec").model.dim);
        EXPECT_EQ(recorder.embeddings[i].data.size(),
                  static_cast<size_t>(recorder.embeddings[i].rows * recorder.embeddings[i].dim));
    }
}

// SASRec and GRU4Rec train every position of a window in one pass. The cyclic users' training
// sequences (5, 6 or 7 items) give 399 targets per epoch, in windows of at most 5 targets: 106
// windows, so 4 steps of 32 windows per epoch where a per-position model takes 13 steps of
// 32 samples. Each epoch is validated (evalEvery 0), and a short run learns the structure with
// either softmax, SASRec with dropout (drawn per row shard on two threads).
TEST(Trainer, SequenceModelsTrainEveryPositionAndLearnTheStructure) {
    Recorder popular;
    const TrainResult baseline = train(smallRun("most-pop"), popular);
    for (const char* model : {"sasrec", "gru4rec"}) {
        for (const bool full : {false, true}) {
            RunConfig config = smallRun(model);
            config.model.fullSoftmax = full;
            config.train.epochs = 25;
            if (config.model.model == ModelKind::SasRec) {
                config.model.dropout = 0.1;
                config.train.threads = 2;
            }
            Recorder recorder;
            const TrainResult result = train(config, recorder);
            const std::string label = std::string(model) + (full ? " full" : " sampled");
            ASSERT_EQ(result.status, "finished") << label << ": " << result.message;
            EXPECT_EQ(result.steps, 4 * 25) << label;
            EXPECT_EQ(recorder.progress[3].epoch, 0) << label;
            EXPECT_EQ(recorder.progress[4].epoch, 1) << label;
            // 25 validations and the test.
            EXPECT_EQ(recorder.evaluations.size(), 26u) << label;
            EXPECT_GT(recorder.progress.back().samplesPerSecond, 0.0) << label;
            EXPECT_GE(result.test.at("hr@10"), 0.9) << label;
            EXPECT_GT(result.test.at("hr@10"), baseline.test.at("hr@10") + 0.3) << label;
        }
    }
}

TEST(Trainer, SeededRunsAreReproducible) {
    RunConfig config = smallRun("dimerec");
    config.train.maxSteps = 12;
    Recorder first;
    Recorder second;
    const TrainResult a = train(config, first);
    const TrainResult b = train(config, second);
    ASSERT_EQ(a.status, "finished") << a.message;
    EXPECT_EQ(a.test, b.test);
    ASSERT_EQ(first.progress.size(), second.progress.size());
    for (size_t i = 0; i < first.progress.size(); ++i) {
        EXPECT_EQ(first.progress[i].losses, second.progress[i].losses) << "step " << i + 1;
    }
}

std::vector<torch::Tensor> parametersIn(const std::string& checkpoint, const RunConfig& config) {
    auto model = makeRecommender(config.model, kGroups * kGroupSize, config.data.maxLength, {});
    loadCheckpoint(checkpoint, *model, nullptr);
    return model->parameters();
}

// Trains `config` straight and again cancelled after step `cancelAt` then resumed from last.pt:
// every later step's losses, the final parameters and the metrics must agree exactly.
void expectResumingIsBitIdentical(const RunConfig& config, int64_t cancelAt,
                                  const std::string& name) {
    const auto straightDir = scratch(name + "-straight");
    const auto resumedDir = scratch(name + "-resumed");

    Recorder straight;
    const TrainResult whole = train(config, straight, {straightDir.string(), ""});
    ASSERT_EQ(whole.status, "finished") << whole.message;

    TrainControl control;
    Recorder interrupted;
    interrupted.hook = [&](const ProgressEvent& event) {
        if (event.step == cancelAt) control.cancel = true;
    };
    const TrainResult cut = train(config, interrupted, {resumedDir.string(), ""}, &control);
    ASSERT_EQ(cut.status, "cancelled") << cut.message;
    EXPECT_EQ(cut.steps, cancelAt);

    Recorder resumed;
    auto reader = makeRecommender(config.model, kGroups * kGroupSize, config.data.maxLength, {});
    const double before = loadCheckpoint(cut.lastCheckpoint, *reader, nullptr).state.seconds;
    const TrainResult rest = train(config, resumed, {resumedDir.string(), cut.lastCheckpoint});
    ASSERT_EQ(rest.status, "finished") << rest.message;
    // Its wall time counts the first session's, up to the checkpoint it resumed from.
    EXPECT_GT(before, 0.0);
    EXPECT_LE(before, cut.elapsedSeconds);
    EXPECT_GE(rest.elapsedSeconds, before);
    EXPECT_EQ(rest.steps, config.train.maxSteps);
    ASSERT_EQ(resumed.progress.front().step, cancelAt + 1);
    for (const ProgressEvent& event : resumed.progress) {
        EXPECT_EQ(event.losses, straight.progress[event.step - 1].losses) << "step " << event.step;
    }
    const auto expected = parametersIn(whole.lastCheckpoint, config);
    const auto actual = parametersIn(rest.lastCheckpoint, config);
    ASSERT_EQ(expected.size(), actual.size());
    for (size_t i = 0; i < expected.size(); ++i)
        EXPECT_TRUE(torch::equal(expected[i], actual[i])) << i;
    EXPECT_EQ(whole.test, rest.test);
    EXPECT_EQ(whole.bestValid, rest.bestValid);
    std::filesystem::remove_all(straightDir);
    std::filesystem::remove_all(resumedDir);
}

TEST(Trainer, ResumingFromAMidRunCheckpointIsBitIdentical) {
    RunConfig config = smallRun("dimerec");
    config.train.maxSteps = 20;
    config.train.evalEvery = 5;
    config.train.clipGradNorm = 1.0;
    expectResumingIsBitIdentical(config, 7, "resume");
}

// Clones of the parameters whose names start with `prefix` ("denoiser." is DimeRec's DAM).
std::vector<torch::Tensor> parametersUnder(const Recommender& model, const std::string& prefix) {
    std::vector<torch::Tensor> found;
    for (const auto& item : model.named_parameters()) {
        if (item.key().rfind(prefix, 0) == 0) found.push_back(item.value().detach().clone());
    }
    return found;
}

bool allEqual(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (!torch::equal(a[i], b[i])) return false;
    }
    return true;
}

TEST(Trainer, GemWarmStartTrainsTheGemAloneForItsSteps) {
    RunConfig config = smallRun("dimerec");
    config.train.maxSteps = 6;
    config.train.pretrainGemSteps = 3;
    // The parameters before step 1: the trainer builds its model first thing after seeding.
    torch::manual_seed(config.train.seed);
    const auto initial =
        makeRecommender(config.model, kGroups * kGroupSize, config.data.maxLength, {});
    std::vector<std::vector<torch::Tensor>> dam{parametersUnder(*initial, "denoiser.")};
    std::vector<std::vector<torch::Tensor>> gem{parametersUnder(*initial, "gem.")};
    ASSERT_FALSE(dam[0].empty());
    ASSERT_FALSE(gem[0].empty());

    Trainer trainer(config, cyclicDataset());
    Recorder recorder;
    recorder.hook = [&](const ProgressEvent&) {
        dam.push_back(parametersUnder(*trainer.model(), "denoiser."));
        gem.push_back(parametersUnder(*trainer.model(), "gem."));
    };
    TrainControl control;
    const TrainResult result = trainer.run(recorder, control);
    ASSERT_EQ(result.status, "finished") << result.message;
    ASSERT_EQ(result.steps, 6);
    ASSERT_EQ(dam.size(), 7u);  // before step 1, then after each step
    for (int step = 1; step <= 6; ++step) {
        const ProgressEvent& progress = recorder.progress[step - 1];
        EXPECT_EQ(progress.step, step);
        EXPECT_FALSE(allEqual(gem[step], gem[step - 1])) << "the GEM trains at step " << step;
        if (step <= 3) {
            EXPECT_TRUE(allEqual(dam[step], dam[0])) << "the DAM stays put at step " << step;
            EXPECT_EQ(progress.losses.size(), 2u) << "step " << step;
            EXPECT_EQ(progress.losses.at("total"), progress.losses.at("gem"));
        } else {
            EXPECT_FALSE(allEqual(dam[step], dam[step - 1])) << "the DAM trains at step " << step;
            for (const char* term : {"gem", "recon", "ssm", "total"})
                EXPECT_EQ(progress.losses.count(term), 1u) << term << " at step " << step;
        }
    }
}

TEST(Trainer, ResumingInsideTheGemWarmStartIsBitIdentical) {
    RunConfig config = smallRun("dimerec");
    config.train.maxSteps = 10;
    config.train.evalEvery = 4;
    config.train.pretrainGemSteps = 5;
    expectResumingIsBitIdentical(config, 2, "warm-start");
}

TEST(Trainer, PauseWaitsAndCancelStopsWithinOneBatch) {
    RunConfig config = smallRun("comirec-sa");
    TrainControl control;
    Recorder recorder;
    recorder.hook = [&](const ProgressEvent& event) {
        if (event.step == 2) control.pause = true;
    };
    std::thread canceller([&] {
        while (!control.pause) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        control.cancel = true;
    });
    const TrainResult result = train(config, recorder, {}, &control);
    canceller.join();
    EXPECT_EQ(result.status, "cancelled");
    EXPECT_EQ(result.steps, 2);  // nothing trained while paused
}

TEST(Trainer, EarlyStopsWhenValidationStopsImproving) {
    RunConfig config = smallRun("mean-pool");
    config.train.learningRate = 1e-12;  // parameters effectively frozen: no improvement
    config.train.evalEvery = 2;
    config.train.patience = 2;
    Recorder recorder;
    const TrainResult result = train(config, recorder);
    EXPECT_EQ(result.status, "early-stopped") << result.message;
    EXPECT_EQ(result.steps, 6);  // best at step 2, then two validations without improvement
    EXPECT_FALSE(result.test.empty());
}

// model.readout = interests: validation, early stopping, the best checkpoint and the test
// score the GEM's interests. The run's test is the interests evaluation of its best checkpoint
// (deterministic, so equal), and differs from the same checkpoint's diffusion readout.
TEST(Trainer, DimeRecTrainsOnTheReadoutItIsConfiguredWith) {
    RunConfig config = smallRun("dimerec");
    config.train.epochs = 3;
    config.model.readout = Readout::Interests;
    TrainerOptions options;
    const auto dir = scratch("readout");
    options.checkpointDir = dir.string();
    Recorder recorder;
    const TrainResult result = train(config, recorder, options);
    ASSERT_EQ(result.status, "finished") << result.message;
    const auto data = cyclicDataset();
    const Splits splits = makeSplits(*data, config.data);
    const Evaluator evaluator(config.eval, config.data.maxLength, {}, config.train.seed);
    std::map<std::string, double> test[2];
    for (const Readout readout : {Readout::Interests, Readout::Diffusion}) {
        config.model.readout = readout;
        auto model = makeRecommender(config.model, splits.numItems, config.data.maxLength,
                                     splits.itemCounts);
        loadCheckpoint(result.bestCheckpoint, *model, nullptr);
        model->eval();
        test[readout == Readout::Diffusion] = evaluator.evaluate(*model, splits.test);
    }
    for (const char* metric : {"hr@5", "hr@10", "ndcg@5", "ndcg@10", "mrr@10"}) {
        EXPECT_DOUBLE_EQ(result.test.at(metric), test[0].at(metric)) << metric;
    }
    EXPECT_NE(test[0].at("ndcg@10"), test[1].at("ndcg@10"));
    std::filesystem::remove_all(dir);
}

TEST(Trainer, FailuresBecomeAFailedResult) {
    RunConfig config = smallRun("dimerec");
    config.model.interests = 9;  // more interests than history positions
    Recorder recorder;
    const TrainResult result = train(config, recorder);
    EXPECT_EQ(result.status, "failed");
    EXPECT_NE(result.message.find("model.interests"), std::string::npos) << result.message;

    Trainer missing(smallRun("dimerec"), nullptr);
    TrainControl control;
    EXPECT_EQ(missing.run(recorder, control).status, "failed");

    Trainer badResume(smallRun("dimerec"), cyclicDataset(), {"", "/nonexistent/last.pt"});
    const TrainResult resumed = badResume.run(recorder, control);
    EXPECT_EQ(resumed.status, "failed");
    EXPECT_NE(resumed.message.find("/nonexistent/last.pt"), std::string::npos);
}

TEST(Trainer, AnObserverFailingAtTheEndBecomesAFailedResult) {
    // e.g. the run store refusing to record the outcome: run() still keeps its promise.
    class FailingAtTheEnd : public Recorder {
    public:
        void onFinished(const TrainResult&) override {
            throw std::runtime_error("database is locked");
        }
    };
    RunConfig config = smallRun("mean-pool");
    config.train.maxSteps = 2;
    FailingAtTheEnd observer;
    TrainResult result;
    EXPECT_NO_THROW(result = train(config, observer));
    EXPECT_EQ(result.status, "failed");
    EXPECT_NE(result.message.find("database is locked"), std::string::npos) << result.message;
}

TEST(Trainer, ANonFiniteLossFailsTheRunAndKeepsTheLastGoodCheckpoint) {
    RunConfig config = smallRun("dimerec");
    config.train.maxSteps = 20;
    config.train.evalEvery = 3;
    const auto dir = scratch("non-finite");
    Trainer trainer(config, cyclicDataset(), {dir.string(), ""});
    Recorder recorder;
    // After step 4 (between the validations at steps 3 and 6) the item table turns to NaN, so
    // step 5's losses are NaN.
    recorder.hook = [&](const ProgressEvent& event) {
        if (event.step != 4) return;
        for (torch::Tensor& parameter : trainer.model()->parameters())
            parameter.detach().fill_(std::numeric_limits<float>::quiet_NaN());
    };
    TrainControl control;
    const TrainResult result = trainer.run(recorder, control);
    EXPECT_EQ(result.status, "failed");
    EXPECT_EQ(result.message, "step 5: loss 'gem' is nan");
    EXPECT_EQ(result.steps, 4);
    // The curves up to the last good step reached the observer (and so the store).
    ASSERT_EQ(recorder.progress.size(), 4u);
    EXPECT_EQ(recorder.progress.back().step, 4);
    EXPECT_TRUE(std::isfinite(recorder.progress.back().losses.at("total")));
    // last.pt is still step 3's, with finite parameters.
    EXPECT_EQ(result.lastCheckpoint, (dir / "last.pt").string());
    auto model = makeRecommender(config.model, kGroups * kGroupSize, config.data.maxLength, {});
    const CheckpointContents last = loadCheckpoint((dir / "last.pt").string(), *model, nullptr);
    EXPECT_EQ(last.state.step, 3);
    for (const torch::Tensor& parameter : model->parameters())
        EXPECT_TRUE(torch::isfinite(parameter).all().item<bool>());
    std::filesystem::remove_all(dir);
}

TEST(Trainer, EveryBaselineTrainsAndEvaluates) {
    for (const char* model : {"comirec-dr", "sasrec", "gru4rec"}) {
        RunConfig config = smallRun(model);
        config.train.maxSteps = 6;
        Recorder recorder;
        const TrainResult result = train(config, recorder);
        EXPECT_EQ(result.status, "finished") << model << ": " << result.message;
        EXPECT_EQ(recorder.progress.back().losses.count("ce"), 1u) << model;
        EXPECT_EQ(result.test.count("ndcg@10"), 1u) << model;
    }
}

}  // namespace
}  // namespace dimerec

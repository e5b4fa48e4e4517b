#include "StoreTestSupport.h"

#include "store/BundleColumn.h"
#include "store/RunStore.h"
#include "store/StoreError.h"
#include "util/BuildInfo.h"
#include "util/TargetRanks.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace dimerec {
namespace {

using test::makeRun;
using test::TempDir;

TEST(RunStoreTest, CreatesRunWithConfigProvenanceAndSeries) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    NewRun spec = makeRun("dimerec", 7, "lambda ablation", "λ=1");
    spec.datasetFingerprint = "fp-ml1m";
    const int64_t id = store.createRun(spec);

    store.appendSteps(id, {{1, 0, {{"total", 3.0}, {"gem", 1.0}}},
                           {2, 0, {{"total", 2.5}, {"gem", 0.75}}},
                           {3, 1, {{"total", 2.0}, {"gem", 0.5}}}});
    EvaluationPoint valid;
    valid.step = 3;
    valid.epoch = 1;
    valid.split = "valid";
    valid.metrics = {{"ndcg@10", 0.125}, {"hr@10", 0.25}};
    store.appendEvaluation(id, valid);
    store.addCheckpoint(id, {"/tmp/ckpt/best.pt", 3, true});
    RunResult result;
    result.status = "finished";
    result.message = "early-stopped: no improvement in 10 evaluations";
    result.steps = 3;
    result.elapsedSeconds = 12.5;
    result.bestValid = {{"ndcg@10", 0.125}};
    result.test = {{"ndcg@10", 0.11}, {"hr@10", 0.2}};
    result.bestCheckpoint = "/tmp/ckpt/best.pt";
    result.lastCheckpoint = "/tmp/ckpt/last.pt";
    store.finishRun(id, result);

    const RunDetails details = store.run(id);
    EXPECT_EQ(details.summary.study, "lambda ablation");
    EXPECT_EQ(details.summary.name, "λ=1");
    EXPECT_EQ(details.summary.model, "dimerec");
    EXPECT_EQ(details.summary.dataset, "ml-1m");
    EXPECT_EQ(details.summary.seed, 7u);
    EXPECT_EQ(details.summary.configHash, configHash(spec.config));
    EXPECT_EQ(details.summary.status, "finished");
    EXPECT_EQ(details.summary.message, "early-stopped: no improvement in 10 evaluations");
    EXPECT_EQ(details.summary.steps, 3);
    EXPECT_DOUBLE_EQ(details.summary.elapsedSeconds, 12.5);
    EXPECT_GE(details.summary.endedAt, details.summary.startedAt);
    EXPECT_EQ(details.summary.uuid.size(), 36u);
    EXPECT_DOUBLE_EQ(details.summary.testMetrics.at("hr@10"), 0.2);
    EXPECT_DOUBLE_EQ(details.summary.validMetrics.at("ndcg@10"), 0.125);
    EXPECT_EQ(details.datasetFingerprint, "fp-ml1m");
    EXPECT_EQ(runConfigFromJson(nlohmann::json::parse(details.configJson)).model.model,
              ModelKind::DimeRec);
    EXPECT_EQ(details.provenance.pid, static_cast<int64_t>(getpid()));
    EXPECT_EQ(details.provenance.threads, 2);
    // What decides whether another machine reproduces the run bit for bit.
    EXPECT_EQ(details.provenance.cpu, buildInfo().cpu);
    EXPECT_EQ(details.provenance.blasKernels, buildInfo().blasKernels);
    EXPECT_EQ(details.bestCheckpoint, "/tmp/ckpt/best.pt");
    EXPECT_EQ(details.lastCheckpoint, "/tmp/ckpt/last.pt");
    ASSERT_EQ(details.checkpoints.size(), 1u);
    EXPECT_TRUE(details.checkpoints[0].best);

    // train/gem, train/total, valid/hr@10, valid/ndcg@10
    ASSERT_EQ(details.series.size(), 4u);
    const auto gem = store.series(id, "train", "gem");
    ASSERT_EQ(gem.size(), 3u);
    EXPECT_EQ(gem[2].step, 3);
    EXPECT_EQ(gem[2].epoch, 1);
    EXPECT_DOUBLE_EQ(gem[2].value, 0.5);
    EXPECT_EQ(store.series(id, "valid", "ndcg@10").size(), 1u);
    EXPECT_TRUE(store.series(id, "train", "nonexistent").empty());
}

TEST(RunStoreTest, ResumedRunOverwritesRepeatedSteps) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t id = store.createRun(makeRun("sasrec", 1));
    store.appendSteps(id, {{1, 0, {{"ce", 5.0}}}, {2, 0, {{"ce", 4.0}}}});
    store.appendSteps(id, {{2, 0, {{"ce", 3.5}}}, {3, 0, {{"ce", 3.0}}}});
    const auto points = store.series(id, "train", "ce");
    ASSERT_EQ(points.size(), 3u);
    EXPECT_DOUBLE_EQ(points[1].value, 3.5);
}

TEST(RunStoreTest, UnnamedRunsGetModelDatasetAndIdAsName) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t named = store.createRun(makeRun("dimerec", 1, "default", "baseline"));
    const int64_t unnamed = store.createRun(makeRun("dimerec", 2));
    EXPECT_EQ(store.run(named).summary.name, "baseline");
    EXPECT_EQ(store.run(unnamed).summary.name, "dimerec-ml-1m-" + std::to_string(unnamed));
    // The stored config keeps what the user gave (no name), so it reruns unchanged.
    EXPECT_EQ(runConfigFromJson(nlohmann::json::parse(store.run(unnamed).configJson)).name, "");

    EXPECT_EQ(defaultRunName("sasrec", "MovieLens latest-small", 7),
              "sasrec-movielens-latest-small-7");
    EXPECT_EQ(defaultRunName("dimerec", "ml-1m/ratings.dat", 12), "dimerec-ml-1m-12");
    EXPECT_EQ(defaultRunName("gru4rec", "Amazon Beauty (S3Rec)", 3),
              "gru4rec-amazon-beauty-s3rec-3");
}

TEST(RunStoreTest, ListsPagesFiltersAndSorts) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    // 30 runs: models cycle sasrec / dimerec / gru4rec, test ndcg@10 = i / 100.
    for (int i = 0; i < 30; ++i) {
        const char* models[] = {"sasrec", "dimerec", "gru4rec"};
        const int64_t id =
            store.createRun(makeRun(models[i % 3], static_cast<uint64_t>(i),
                                    i < 10 ? "first" : "second", "run " + std::to_string(i)));
        RunResult result;
        result.status = i % 5 == 0 ? "failed" : "finished";
        result.test = {{"ndcg@10", i / 100.0}};
        store.finishRun(id, result);
        if (i % 2 == 0) store.addTags(id, {"even"});
    }
    RunQuery all;
    all.limit = 0;
    EXPECT_EQ(store.countRuns(all), 30);

    RunQuery page;
    page.sortBy = "id";
    page.descending = false;
    page.limit = 7;
    page.offset = 28;
    const auto last = store.listRuns(page);
    ASSERT_EQ(last.size(), 2u);
    EXPECT_EQ(last[0].name, "run 28");

    RunQuery byMetric;
    byMetric.sortBy = "test:ndcg@10";
    byMetric.limit = 3;
    const auto best = store.listRuns(byMetric);
    ASSERT_EQ(best.size(), 3u);
    EXPECT_EQ(best[0].name, "run 29");
    EXPECT_EQ(best[2].name, "run 27");

    RunQuery filtered;
    filtered.model = "dimerec";
    filtered.tags = {"even"};
    filtered.statuses = {"finished"};
    filtered.study = "second";
    // By hand: dimerec (i % 3 == 1) and even: 4, 10, 16, 22, 28; finished (i % 5 != 0) drops
    // 10; study "second" (i >= 10) leaves 16, 22, 28.
    EXPECT_EQ(store.countRuns(filtered), 3);

    RunQuery text;
    text.text = "RUN 2";  // case-insensitive substring: run 2, run 20..29
    EXPECT_EQ(store.countRuns(text), 11);
    text.text = "EVE";  // matches the tag "even"
    EXPECT_EQ(store.countRuns(text), 15);
    text.text = "100%";  // LIKE wildcards are taken literally
    EXPECT_EQ(store.countRuns(text), 0);

    RunQuery badSort;
    badSort.sortBy = "drop table runs";
    EXPECT_THROW(store.listRuns(badSort), std::invalid_argument);
}

TEST(RunStoreTest, MetricSortPutsRunsWithoutTheMetricLast) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t without = store.createRun(makeRun("sasrec", 1));
    const int64_t low = store.createRun(makeRun("sasrec", 2));
    const int64_t high = store.createRun(makeRun("sasrec", 3));
    RunResult result;
    result.status = "finished";
    result.test = {{"hr@10", 0.1}};
    store.finishRun(low, result);
    result.test = {{"hr@10", 0.3}};
    store.finishRun(high, result);
    RunQuery query;
    query.sortBy = "test:hr@10";
    for (bool descending : {true, false}) {
        query.descending = descending;
        const auto runs = store.listRuns(query);
        ASSERT_EQ(runs.size(), 3u);
        EXPECT_EQ(runs[0].id, descending ? high : low);
        EXPECT_EQ(runs[2].id, without);
    }
}

TEST(RunStoreTest, SeedGroupsAggregateFinalMetrics) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const double ndcg[] = {0.30, 0.32, 0.34};
    for (int seed = 0; seed < 3; ++seed) {
        const int64_t id = store.createRun(makeRun("dimerec", static_cast<uint64_t>(seed)));
        RunResult result;
        result.status = "finished";
        result.test = {{"ndcg@10", ndcg[seed]}};
        store.finishRun(id, result);
    }
    store.createRun(makeRun("sasrec", 0));
    const auto groups = store.seedGroups(RunQuery{});
    ASSERT_EQ(groups.size(), 2u);
    const SeedGroup& group = groups[0];
    EXPECT_EQ(group.model, "dimerec");
    EXPECT_EQ(group.runIds.size(), 3u);
    EXPECT_EQ(group.seeds, (std::vector<uint64_t>{0, 1, 2}));
    const MetricStats& stats = group.metrics.at("ndcg@10");
    // By hand: mean 0.32; deviations ±0.02, 0 → sample variance 0.0008 / 2 = 0.0004, std 0.02;
    // std-err 0.02 / sqrt(3) = 0.011547.
    EXPECT_EQ(stats.n, 3);
    EXPECT_NEAR(stats.mean, 0.32, 1e-12);
    EXPECT_NEAR(stats.stdDev, 0.02, 1e-12);
    EXPECT_NEAR(stats.stdErr, 0.02 / std::sqrt(3.0), 1e-12);
    EXPECT_DOUBLE_EQ(stats.min, 0.30);
    EXPECT_DOUBLE_EQ(stats.max, 0.34);
    EXPECT_TRUE(groups[1].metrics.empty());
}

TEST(RunStoreTest, TagsNotesArchiveAndDelete) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t id = store.createRun(makeRun("dimerec", 1));
    const int64_t other = store.createRun(makeRun("dimerec", 2));
    store.appendSteps(id, {{1, 0, {{"total", 1.0}}}});
    store.addTags(id, {"paper", "ablation", "paper"});
    store.removeTags(id, {"ablation"});
    store.setNotes(id, "looks good");
    EXPECT_EQ(store.run(id).summary.tags, std::vector<std::string>{"paper"});
    EXPECT_EQ(store.run(id).notes, "looks good");
    EXPECT_EQ(store.tags(), std::vector<std::string>{"paper"});

    store.setArchived(other, true);
    EXPECT_EQ(store.countRuns(RunQuery{}), 1);
    RunQuery withArchived;
    withArchived.includeArchived = true;
    EXPECT_EQ(store.countRuns(withArchived), 2);

    store.deleteRun(id);
    EXPECT_THROW(store.run(id), StoreError);
    EXPECT_TRUE(store.series(id, "train", "total").empty());
    EXPECT_TRUE(store.tags().empty());
    EXPECT_THROW(store.deleteRun(id), StoreError);
}

TEST(RunStoreTest, StatusChangesAreValidated) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t id = store.createRun(makeRun("dimerec", 1));
    store.setStatus(id, "cancelled", "stopped by the user");
    EXPECT_EQ(store.run(id).summary.status, "cancelled");
    EXPECT_GT(store.run(id).summary.endedAt, 0.0);
    EXPECT_THROW(store.setStatus(id, "exploded"), std::invalid_argument);
    EXPECT_THROW(store.setStatus(id + 100, "failed"), StoreError);
}

TEST(RunStoreTest, EmbeddingSnapshotsRoundTrip) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t id = store.createRun(makeRun("dimerec", 1));
    EmbeddingSnapshot snapshot;
    snapshot.step = 40;
    snapshot.label = "epoch 2";
    snapshot.rows = 3;
    snapshot.dim = 2;
    snapshot.data = {1.0f, 0.0f, 0.0f, 1.0f, -0.6f, 0.8f};
    const int64_t snapshotId = store.addEmbeddingSnapshot(id, snapshot);
    const RunDetails details = store.run(id);
    ASSERT_EQ(details.embeddings.size(), 1u);
    EXPECT_TRUE(details.embeddings[0].data.empty());
    const EmbeddingSnapshot loaded = store.embeddingSnapshot(snapshotId);
    EXPECT_EQ(loaded.label, "epoch 2");
    EXPECT_EQ(loaded.data, snapshot.data);
    snapshot.rows = 4;
    EXPECT_THROW(store.addEmbeddingSnapshot(id, snapshot), std::invalid_argument);
}

TEST(RunStoreTest, BundlesRoundTripPlainAndGzipAndImportIsIdempotent) {
    TempDir dir;
    RunStore source(dir.file("a.sqlite"));
    const int64_t id = source.createRun(makeRun("dimerec", 5, "sweep", "bundle me"));
    source.appendSteps(id, {{1, 0, {{"total", 2.0}}}, {2, 0, {{"total", 1.0 / 3.0}}}});
    source.addTags(id, {"paper"});
    source.setNotes(id, "notes survive");
    source.addEmbeddingSnapshot(id, {0, 2, "best", 2, 2, {0.6f, 0.8f, 1.0f, 0.0f}});
    RunResult result;
    result.status = "finished";
    result.test = {{"ndcg@10", 0.123456789012345}};
    source.finishRun(id, result);
    source.setFinalMetrics(id, "test/interests", {{"ndcg@10", 0.25}});

    for (const std::string name : {"run.json", "run.json.gz"}) {
        source.exportBundle(id, dir.file(name));
        RunStore target(dir.file("b-" + name + ".sqlite"));
        const int64_t imported = target.importBundle(dir.file(name), "imports");
        EXPECT_EQ(target.importBundle(dir.file(name)), imported);
        EXPECT_EQ(target.countRuns(RunQuery{}), 1);
        const RunDetails a = source.run(id);
        const RunDetails b = target.run(imported);
        EXPECT_EQ(b.summary.uuid, a.summary.uuid);
        EXPECT_EQ(b.summary.study, "imports");
        EXPECT_EQ(b.summary.configHash, a.summary.configHash);
        EXPECT_EQ(b.summary.tags, a.summary.tags);
        EXPECT_EQ(b.summary.testMetrics, a.summary.testMetrics);  // exact: JSON round-trips doubles
        EXPECT_EQ(b.summary.readoutMetrics, a.summary.readoutMetrics);
        EXPECT_EQ(b.notes, "notes survive");
        EXPECT_EQ(b.provenance.gitCommit, a.provenance.gitCommit);
        EXPECT_EQ(b.provenance.cpu, a.provenance.cpu);
        EXPECT_EQ(b.provenance.blasKernels, a.provenance.blasKernels);
        const auto series = target.series(imported, "train", "total");
        ASSERT_EQ(series.size(), 2u);
        EXPECT_EQ(series[1].value, 1.0 / 3.0);
        ASSERT_EQ(b.embeddings.size(), 1u);
        EXPECT_EQ(target.embeddingSnapshot(b.embeddings[0].id).data,
                  (std::vector<float>{0.6f, 0.8f, 1.0f, 0.0f}));
    }
    std::ifstream gz(dir.file("run.json.gz"), std::ios::binary);
    EXPECT_EQ(gz.get(), 0x1f);  // gzip magic
    // Version 2 wrote snapshots as plain base64: 0.6f, 0.8f, 1.0f, 0.0f are 0x3F19999A,
    // 0x3F4CCCCD, 0x3F800000, 0 → little-endian bytes 9A 99 19 3F CD CC 4C 3F 00 00 80 3F 00 00
    // 00 00 → "mpkZP83MTD8AAIA/AAAAAA==" (by hand).
    nlohmann::json v2 = nlohmann::json::parse(std::ifstream(dir.file("run.json")));
    v2["formatVersion"] = 2;
    v2["embeddings"][0]["data"] = "mpkZP83MTD8AAIA/AAAAAA==";
    std::ofstream(dir.file("v2.json")) << v2.dump();
    RunStore target(dir.file("v2.sqlite"));
    const RunDetails fromV2 = target.run(target.importBundle(dir.file("v2.json")));
    ASSERT_EQ(fromV2.embeddings.size(), 1u);
    EXPECT_EQ(target.embeddingSnapshot(fromV2.embeddings[0].id).data,
              (std::vector<float>{0.6f, 0.8f, 1.0f, 0.0f}));
}

// ComiRec-like ranks: several targets for some cases.
TargetRanks sampleRanks() {
    TargetRanks ranks;
    ranks.addCase(4, {1});
    ranks.addCase(0, {17, 2, 3706});
    ranks.addCase(9, {250});
    return ranks;
}

TEST(RunStoreTest, TestEvaluationKeepsTargetRanksAndBundlesCarryThem) {
    TempDir dir;
    RunStore source(dir.file("a.sqlite"));
    int64_t id = source.createRun(makeRun("dimerec", 5));
    const int64_t without = source.createRun(makeRun("sasrec", 5));
    EvaluationPoint valid{1, 0, "valid", {{"hr@10", 0.5}}, sampleRanks()};
    source.appendEvaluation(id, valid);
    EXPECT_FALSE(source.targetRanks(id, "test").has_value());  // validation ranks are not kept
    EvaluationPoint test{2, 0, "test", {{"hr@10", 0.25}}, sampleRanks()};
    source.appendEvaluation(id, test);
    source.appendEvaluation(without, {2, 0, "test", {{"hr@10", 0.2}}, {}});
    ASSERT_TRUE(source.targetRanks(id).has_value());
    EXPECT_EQ(*source.targetRanks(id), sampleRanks());
    EXPECT_FALSE(source.targetRanks(without).has_value());
    // The test under the other history setting keeps its own ranks beside its metrics.
    TargetRanks kept;
    kept.addCase(4, {2});
    kept.addCase(0, {1, 3, 3000});
    kept.addCase(9, {7});
    source.setFinalMetrics(id, otherHistorySplit(false), {{"hr@10", 0.4}}, &kept);
    // A readout's test keeps its ranks too; one whose ranks equal another split's (a fused
    // readout with w = 0 ranks as the interests) is written once in a bundle.
    source.setFinalMetrics(id, "test/interests", {{"hr@10", 0.4}}, &kept);
    source.setFinalMetrics(id, "test/algorithm2", {{"hr@10", 0.25}}, &test.ranks);
    ASSERT_TRUE(source.targetRanks(id, otherHistorySplit(false)).has_value());
    EXPECT_EQ(*source.targetRanks(id, otherHistorySplit(false)), kept);
    EXPECT_EQ(*source.targetRanks(id), sampleRanks());

    for (const std::string name : {"run.json", "run.json.gz"}) {
        source.exportBundle(id, dir.file(name));
        source.exportBundle(without, dir.file("without-" + name));
        RunStore target(dir.file("b-" + name + ".sqlite"));
        const int64_t imported = target.importBundle(dir.file(name));
        ASSERT_TRUE(target.targetRanks(imported).has_value());
        EXPECT_EQ(*target.targetRanks(imported), sampleRanks());
        ASSERT_TRUE(target.targetRanks(imported, otherHistorySplit(false)).has_value());
        EXPECT_EQ(*target.targetRanks(imported, otherHistorySplit(false)), kept);
        EXPECT_EQ(target.run(imported).summary.readoutMetrics.at(otherHistorySplit(false)),
                  (std::map<std::string, double>{{"hr@10", 0.4}}));
        EXPECT_EQ(*target.targetRanks(imported, "test/interests"), kept);
        EXPECT_EQ(*target.targetRanks(imported, "test/algorithm2"), sampleRanks());
        EXPECT_FALSE(
            target.targetRanks(target.importBundle(dir.file("without-" + name))).has_value());
    }
    // Compact: packed little-endian int32 (BundleColumnTest), not JSON number arrays, the users
    // as differences (all of a run's test users in order become a run of ones): users 4, 0, 9 →
    // 4, −4, 9. Equal ranks are named once.
    nlohmann::json bundle = nlohmann::json::parse(std::ifstream(dir.file("run.json")));
    const nlohmann::json& ranks = bundle.at("targetRanks");
    EXPECT_EQ(unpackColumn(ranks.at("test").at("usersDelta"), 4), packInt32({4, -4, 9}));
    EXPECT_EQ(ranks.at("test/algorithm2"), (nlohmann::json{{"sameAs", "test"}}));
    EXPECT_EQ(ranks.at("test/interests"), (nlohmann::json{{"sameAs", otherHistorySplit(false)}}));
    // Version 2 wrote the same columns as plain base64: 4, −4, 9 → bytes 04 00 00 00 FC FF FF
    // FF 09 00 00 00 → "BAAAAPz///8JAAAA"; the targets per case 1, 3, 1 and the ranks 1 | 2,
    // 17, 3706 | 250 likewise (RFC 4648 by hand).
    bundle["formatVersion"] = 2;
    nlohmann::json& v2Test = bundle["targetRanks"]["test"];
    v2Test["usersDelta"] = "BAAAAPz///8JAAAA";
    v2Test["targetCounts"] = "AQAAAAMAAAABAAAA";
    v2Test["ranks"] = "AQAAAAIAAAARAAAAeg4AAPoAAAA=";
    bundle["targetRanks"].erase(otherHistorySplit(false));
    bundle["targetRanks"].erase("test/algorithm2");
    bundle["targetRanks"].erase("test/interests");
    std::ofstream(dir.file("v2.json")) << bundle.dump();
    source.deleteRun(id);
    id = source.importBundle(dir.file("v2.json"));
    EXPECT_EQ(*source.targetRanks(id), sampleRanks());
    // Version 1 wrote the users as they are ("users": 4, 0, 9) and no readout ranks.
    bundle["formatVersion"] = 1;
    v2Test["users"] = "BAAAAAAAAAAJAAAA";
    v2Test.erase("usersDelta");
    std::ofstream(dir.file("v1.json")) << bundle.dump();
    source.deleteRun(id);
    const int64_t fromV1 = source.importBundle(dir.file("v1.json"));
    EXPECT_EQ(*source.targetRanks(fromV1), sampleRanks());
    id = fromV1;
    // A split said to equal one the bundle does not hold is refused, naming the file.
    bundle["run"]["uuid"] = "0badbad0-0000-4000-8000-000000000000";
    bundle["targetRanks"]["test/fused"] = {{"sameAs", "test/nothing"}};
    std::ofstream(dir.file("broken.json")) << bundle.dump();
    try {
        source.importBundle(dir.file("broken.json"));
        FAIL() << "a dangling sameAs was imported";
    } catch (const StoreError& error) {
        EXPECT_NE(std::string(error.what()).find("broken.json"), std::string::npos);
        EXPECT_NE(std::string(error.what())
                      .find("test/fused target ranks are the same as "
                            "\"test/nothing\""),
                  std::string::npos)
            << error.what();
    }
    EXPECT_EQ(source.countRuns(RunQuery{}), 2);  // the broken bundle stored nothing
    source.deleteRun(id);                        // the ranks go with the run (foreign key cascade)
    EXPECT_FALSE(source.targetRanks(id).has_value());
}

// Three snapshots of a 50 × 8 item table, 1,600 bytes of float32 each, packed (packColumn).
// Every mode keeps metrics, readouts and target ranks.
TEST(RunStoreTest, BundlesCarryAllTheFinalOrNoSnapshotsAndAlwaysTheEvaluation) {
    TempDir dir;
    RunStore source(dir.file("a.sqlite"));
    const int64_t id = source.createRun(makeRun("dimerec", 3, "sizes"));
    for (int epoch = 1; epoch <= 3; ++epoch) {
        source.addEmbeddingSnapshot(id, {0, 100 * epoch, "epoch " + std::to_string(epoch), 50, 8,
                                         std::vector<float>(400, static_cast<float>(epoch))});
    }
    source.appendEvaluation(id, {300, 2, "test", {{"hr@10", 0.25}}, sampleRanks()});
    RunResult result;
    result.status = "finished";
    result.test = {{"hr@10", 0.25}};
    source.finishRun(id, result);
    source.setFinalMetrics(id, "test/interests", {{"hr@10", 0.5}});

    const std::pair<RunStore::Snapshots, const char*> modes[] = {
        {RunStore::Snapshots::All, "all.json"},
        {RunStore::Snapshots::Final, "final.json"},
        {RunStore::Snapshots::None, "none.json"}};
    for (const auto& [mode, name] : modes) source.exportBundle(id, dir.file(name), mode);
    const auto size = [&](const char* name) {
        return static_cast<int64_t>(std::filesystem::file_size(dir.file(name)));
    };
    // Each snapshot adds its packed text plus a few dozen characters of step, label, rows, dim.
    const auto text = [](float value) {
        const std::vector<float> data(400, value);
        return static_cast<int64_t>(
            packColumn(std::string(reinterpret_cast<const char*>(data.data()), 1600), 4).size());
    };
    EXPECT_GT(size("final.json") - size("none.json"), text(3));
    EXPECT_LT(size("final.json") - size("none.json"), text(3) + 100);
    EXPECT_GT(size("all.json") - size("final.json"), text(1) + text(2));
    EXPECT_LT(size("all.json") - size("final.json"), text(1) + text(2) + 200);

    const std::pair<const char*, std::vector<int64_t>> kept[] = {
        {"all.json", {100, 200, 300}}, {"final.json", {300}}, {"none.json", {}}};
    for (const auto& [name, steps] : kept) {
        SCOPED_TRACE(name);
        RunStore target(dir.file(std::string(name) + ".sqlite"));
        const int64_t imported = target.importBundle(dir.file(name));
        const RunDetails details = target.run(imported);
        std::vector<int64_t> stored;
        for (const EmbeddingSnapshot& e : details.embeddings) stored.push_back(e.step);
        EXPECT_EQ(stored, steps);
        if (!details.embeddings.empty()) {
            EXPECT_EQ(target.embeddingSnapshot(details.embeddings.back().id).data,
                      std::vector<float>(400, 3.0f));
        }
        ASSERT_TRUE(target.targetRanks(imported).has_value());
        EXPECT_EQ(*target.targetRanks(imported), sampleRanks());
        EXPECT_EQ(details.summary.testMetrics.at("hr@10"), 0.25);
        EXPECT_EQ(details.summary.readoutMetrics.at("test/interests").at("hr@10"), 0.5);
    }
}

// A converged run logs its losses every step; a bundle may keep every k-th point of them
// (exact values at their steps, the first, each epoch's last and the last included), never
// thinning the validation series. 1,000 points in epochs of 250 at most 100: stride
// ceil(1000 / 100) = 10, steps 1, 11, …, 991, the epoch ends 250, 500, 750 and 1,000: 104 points.
TEST(RunStoreTest, BundlesMayThinTheTrainingLossesButNotTheValidations) {
    TempDir dir;
    RunStore source(dir.file("a.sqlite"));
    const int64_t id = source.createRun(makeRun("dimerec", 1, "thin"));
    std::vector<StepPoint> steps;
    for (int64_t step = 1; step <= 1000; ++step)
        steps.push_back({step, (step - 1) / 250, {{"total", 1.0 / static_cast<double>(step)}}});
    source.appendSteps(id, steps);
    for (int64_t epoch = 0; epoch < 4; ++epoch)
        source.appendEvaluation(id, {(epoch + 1) * 250, epoch, "valid", {{"ndcg@10", 0.1}}, {}});
    source.exportBundle(id, dir.file("thin.json.gz"), RunStore::Snapshots::None, 100);
    RunStore target(dir.file("b.sqlite"));
    const int64_t imported = target.importBundle(dir.file("thin.json.gz"));
    const std::vector<SeriesPoint> loss = target.series(imported, "train", "total");
    std::vector<int64_t> expected;
    for (int64_t step = 1; step <= 991; step += 10) expected.push_back(step);
    for (int64_t end : {250, 500, 750, 1000}) expected.push_back(end);
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(loss.size(), 104u);
    for (size_t i = 0; i < loss.size(); ++i) {
        EXPECT_EQ(loss[i].step, expected[i]);
        EXPECT_EQ(loss[i].value, 1.0 / static_cast<double>(loss[i].step));
        EXPECT_EQ(loss[i].epoch, (loss[i].step - 1) / 250);
    }
    EXPECT_EQ(target.series(imported, "valid", "ndcg@10").size(), 4u);
}

// Steps per epoch from the stored points: the largest step / (epoch + 1), reached at an
// epoch's last step. Here epochs of 7 steps, logged every step up to step 19 (mid-epoch 3),
// validated every 5 steps (mid-epoch, so only the losses reach the bound): 7. It is known
// from the first point of the second epoch on. A bundle thinned to steps 1, 11 and 19 keeps
// the epoch ends 7 and 14 (without them: 19 / 3 → 6), and a test evaluation recorded at step
// 14 with epoch 0 (14 / 1) is not read.
TEST(RunStoreTest, StepsPerEpochComeFromTheEpochsLastPoints) {
    TempDir dir;
    RunStore store(dir.file("a.sqlite"));
    const int64_t id = store.createRun(makeRun("dimerec", 1));
    EXPECT_EQ(store.stepsPerEpoch(id), std::nullopt);  // nothing logged yet
    std::vector<StepPoint> firstEpoch;
    for (int64_t step = 1; step <= 7; ++step) firstEpoch.push_back({step, 0, {{"total", 1.0}}});
    store.appendSteps(id, firstEpoch);
    store.appendEvaluation(id, {5, 0, "valid", {{"ndcg@10", 0.1}}, {}});
    EXPECT_EQ(store.stepsPerEpoch(id), std::nullopt);  // one epoch: it may go on
    std::vector<StepPoint> later;
    for (int64_t step = 8; step <= 19; ++step)
        later.push_back({step, (step - 1) / 7, {{"total", 1.0}}});
    store.appendSteps(id, later);
    for (int64_t step : {10, 15})
        store.appendEvaluation(id, {step, (step - 1) / 7, "valid", {{"ndcg@10", 0.1}}, {}});
    store.appendEvaluation(id, {14, 0, "test", {{"ndcg@10", 0.1}}, {}});
    EXPECT_EQ(store.stepsPerEpoch(id), 7);
    store.exportBundle(id, dir.file("thin.json.gz"), RunStore::Snapshots::None, 2);
    RunStore target(dir.file("b.sqlite"));
    EXPECT_EQ(target.stepsPerEpoch(target.importBundle(dir.file("thin.json.gz"))), 7);
}

TEST(RunStoreTest, ImportSaysWhetherItAddedTheRun) {
    TempDir dir;
    RunStore source(dir.file("a.sqlite"));
    const int64_t id = source.createRun(makeRun("dimerec", 1));
    source.exportBundle(id, dir.file("run.json.gz"), RunStore::Snapshots::None);
    RunStore target(dir.file("b.sqlite"));
    bool added = false;
    const int64_t imported = target.importBundle(dir.file("run.json.gz"), "", &added);
    EXPECT_TRUE(added);
    EXPECT_EQ(target.importBundle(dir.file("run.json.gz"), "", &added), imported);
    EXPECT_FALSE(added);
    EXPECT_EQ(target.countRuns(RunQuery{}), 1);
}

// A run cut short on one machine (cancelled at a session's end) travels with its last.pt and
// continues where it is imported; its finished bundle later replaces it there.
TEST(RunStoreTest, UnfinishedRunsCarryTheirLastCheckpointWhenAsked) {
    TempDir dir;
    RunStore source(dir.file("a/runs.sqlite"));
    const int64_t id = source.createRun(makeRun("sasrec", 2));
    const std::string last =
        (std::filesystem::path(source.checkpointDir("x")) / "last.pt").string();
    std::filesystem::create_directories(std::filesystem::path(last).parent_path());
    std::string bytes = "PK\x03\x04 not parsed by the store";
    bytes += {'\0', '\xff'};  // binary, as a checkpoint is
    std::ofstream(last, std::ios::binary) << bytes;
    source.addCheckpoint(id, {last, 400, false});
    RunResult cancelled;
    cancelled.status = "cancelled";
    cancelled.steps = 400;
    source.finishRun(id, cancelled);
    source.exportBundle(id, dir.file("plain.json.gz"), RunStore::Snapshots::None);
    source.exportBundle(id, dir.file("carried.json.gz"), RunStore::Snapshots::None, 0, true);

    RunStore without(dir.file("b/runs.sqlite"));
    const int64_t withoutId = without.importBundle(dir.file("plain.json.gz"));
    EXPECT_EQ(without.run(withoutId).lastCheckpoint, last);

    RunStore target(dir.file("c/runs.sqlite"));
    const int64_t imported = target.importBundle(dir.file("carried.json.gz"));
    const RunDetails details = target.run(imported);
    const std::string here =
        (std::filesystem::path(target.checkpointDir(details.summary.uuid)) / "last.pt").string();
    EXPECT_EQ(details.summary.status, "cancelled");
    EXPECT_EQ(details.lastCheckpoint, here);
    ASSERT_EQ(details.checkpoints.size(), 1u);
    EXPECT_EQ(details.checkpoints[0].path, here);
    std::ifstream in(here, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), bytes);

    // Finished elsewhere (here: in the source store): its bundle replaces the unfinished run;
    // an unfinished bundle never replaces a stored run.
    source.setStatus(id, "finished");
    source.exportBundle(id, dir.file("finished.json.gz"), RunStore::Snapshots::None);
    bool added = false;
    EXPECT_EQ(target.importBundle(dir.file("carried.json.gz"), "", &added), imported);
    EXPECT_FALSE(added);
    const int64_t replaced = target.importBundle(dir.file("finished.json.gz"), "", &added);
    EXPECT_TRUE(added);
    EXPECT_EQ(target.run(replaced).summary.status, "finished");
    EXPECT_EQ(target.countRuns(RunQuery{}), 1);
    EXPECT_EQ(target.importBundle(dir.file("carried.json.gz"), "", &added), replaced);
    EXPECT_FALSE(added);
    EXPECT_EQ(target.run(replaced).summary.status, "finished");
    EXPECT_EQ(RunStore::resumableCheckpoint(target.run(replaced)), "");  // finished

    // The run imported without its checkpoint names the source's file; on a machine without
    // it (here: deleted) a bundle asked to carry it (as the workbench's "Export bundles…"
    // always asks) is written without it instead of failing.
    EXPECT_EQ(RunStore::resumableCheckpoint(without.run(withoutId)), last);
    std::filesystem::remove(last);
    EXPECT_EQ(RunStore::resumableCheckpoint(without.run(withoutId)), "");
    without.exportBundle(withoutId, dir.file("again.json.gz"), RunStore::Snapshots::None, 0, true);
    RunStore fourth(dir.file("d/runs.sqlite"));
    const RunDetails again = fourth.run(fourth.importBundle(dir.file("again.json.gz")));
    EXPECT_EQ(again.summary.status, "cancelled");
    EXPECT_EQ(again.lastCheckpoint, last);  // not carried: still the source's name for it
}

TEST(RunStoreTest, ReadoutSplitsAreKeptApartFromTestAndValid) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t id = store.createRun(makeRun("dimerec", 1, "readouts"));
    RunResult result;
    result.status = "finished";
    result.test = {{"ndcg@10", 0.04}};
    result.bestValid = {{"ndcg@10", 0.05}};
    store.finishRun(id, result);
    store.setFinalMetrics(id, "test/interests", {{"ndcg@10", 0.08}});
    store.setFinalMetrics(id, "valid/fused", {{"ndcg@10", 0.09}, {"fused_w", 2.0}});
    const RunSummary summary = store.run(id).summary;
    EXPECT_EQ(summary.testMetrics, (std::map<std::string, double>{{"ndcg@10", 0.04}}));
    EXPECT_EQ(summary.validMetrics, (std::map<std::string, double>{{"ndcg@10", 0.05}}));
    ASSERT_EQ(summary.readoutMetrics.size(), 2u);
    EXPECT_EQ(summary.readoutMetrics.at("test/interests").at("ndcg@10"), 0.08);
    EXPECT_EQ(summary.readoutMetrics.at("valid/fused").at("fused_w"), 2.0);
    // Writing a split again replaces it; listings carry the readouts too.
    store.setFinalMetrics(id, "test/interests", {{"hr@10", 0.2}});
    EXPECT_EQ(store.listRuns(RunQuery{}).front().readoutMetrics.at("test/interests"),
              (std::map<std::string, double>{{"hr@10", 0.2}}));
    EXPECT_THROW(store.setFinalMetrics(id + 1, "test/interests", {{"hr@10", 0.2}}), StoreError);
}

TEST(RunStoreTest, RejectsFilesThatAreNotBundles) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const std::string notJson = dir.file("notes.txt");
    std::ofstream(notJson) << "hello";
    EXPECT_THROW(store.importBundle(notJson), StoreError);
    const std::string otherJson = dir.file("other.json");
    std::ofstream(otherJson) << R"({"format": "something-else"})";
    EXPECT_THROW(store.importBundle(otherJson), StoreError);
    const std::string truncated = dir.file("truncated.json");
    std::ofstream(truncated) << R"({"format": "dimerec-run-bundle", "run": {"uuid": "x"}})";
    EXPECT_THROW(store.importBundle(truncated), StoreError);
    // A format or version of another JSON type threw nlohmann's type error, which names no
    // file (found while writing the fuzz target fuzz_bundle).
    const std::string numberFormat = dir.file("number-format.json");
    std::ofstream(numberFormat) << R"({"format": 5})";
    const std::string textVersion = dir.file("text-version.json");
    std::ofstream(textVersion) << R"({"format": "dimerec-run-bundle", "formatVersion": "x"})";
    const auto message = [&](const std::string& path) -> std::string {
        try {
            store.importBundle(path);
        } catch (const StoreError& error) {
            return error.what();
        }
        return "imported";
    };
    EXPECT_EQ(message(numberFormat),
              numberFormat +
                  ": is not a DimeRec run bundle (no \"format\": \"dimerec-run-bundle\"); give a "
                  "file that dimerec runs export wrote");
    EXPECT_EQ(message(textVersion),
              textVersion +
                  ": is not a valid run bundle: formatVersion must be a whole number, got \"x\"; "
                  "export the run again with dimerec runs export");
    EXPECT_EQ(store.countRuns(RunQuery{}), 0);
}

TEST(RunStoreTest, FindsRunsByUuidPrefix) {
    TempDir dir;
    RunStore store(dir.file("runs.sqlite"));
    const int64_t id = store.createRun(makeRun("dimerec", 1));
    const std::string uuid = store.run(id).summary.uuid;
    EXPECT_EQ(store.findRun(uuid), id);
    EXPECT_EQ(store.findRun(uuid.substr(0, 8)), id);
    EXPECT_EQ(store.findRun("zzzz"), 0);
    EXPECT_EQ(store.findRun("%%%%"), 0);
}

TEST(RunStoreTest, DefaultPathFollowsXdg) {
    const char* saved = std::getenv("XDG_DATA_HOME");
    const std::string restore = saved ? saved : "";
    setenv("XDG_DATA_HOME", "/data/home", 1);
    EXPECT_EQ(RunStore::defaultPath(), "/data/home/dimerec/runs.sqlite");
    setenv("XDG_DATA_HOME", "relative/ignored", 1);
    EXPECT_EQ(RunStore::defaultPath(),
              std::string(std::getenv("HOME")) + "/.local/share/dimerec/runs.sqlite");
    if (saved) {
        setenv("XDG_DATA_HOME", restore.c_str(), 1);
    } else {
        unsetenv("XDG_DATA_HOME");
    }
}

}  // namespace
}  // namespace dimerec

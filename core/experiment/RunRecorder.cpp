#include "experiment/RunRecorder.h"

#include "store/RunStore.h"

namespace dimerec {

RunResult runResultOf(const TrainResult& result) {
    RunResult stored;
    stored.status = result.status;
    stored.message = result.message;
    if (result.status == "early-stopped") {
        stored.status = "finished";
        stored.message =
            result.message.empty() ? "early-stopped" : "early-stopped: " + result.message;
    }
    stored.steps = result.steps;
    stored.elapsedSeconds = result.elapsedSeconds;
    stored.bestValid = result.bestValid;
    stored.test = result.test;
    stored.bestCheckpoint = result.bestCheckpoint;
    stored.lastCheckpoint = result.lastCheckpoint;
    return stored;
}

RunRecorder::RunRecorder(RunStore& store, int64_t run, RunRecorderOptions options)
    : store_(store), run_(run), options_(options), lastFlush_(std::chrono::steady_clock::now()) {}

RunRecorder::~RunRecorder() {
    try {
        flush();
    } catch (...) {
        // The trainer already learnt of any store failure from onFinished or an earlier flush.
    }
}

void RunRecorder::onProgress(const ProgressEvent& event) {
    buffer_.push_back({event.step, event.epoch, event.losses});
    lastStep_ = event.step;
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - lastFlush_).count() >= options_.flushIntervalSeconds) {
        flush();
    }
}

void RunRecorder::onEvaluation(const EvaluationEvent& event) {
    flush();
    store_.appendEvaluation(run_,
                            {event.step, event.epoch, event.split, event.metrics, event.ranks});
}

void RunRecorder::onCheckpoint(const std::string& path, bool best) {
    flush();
    store_.addCheckpoint(run_, {path, lastStep_, best});
}

void RunRecorder::onItemEmbeddings(const ItemEmbeddingsEvent& event) {
    if (embeddingSnapshots_ >= options_.maxEmbeddingSnapshots) return;
    EmbeddingSnapshot snapshot;
    snapshot.step = event.step;
    snapshot.label =
        "epoch " + std::to_string(event.epoch + 1) + ", step " + std::to_string(event.step);
    snapshot.rows = event.rows;
    snapshot.dim = event.dim;
    snapshot.data = event.data;
    store_.addEmbeddingSnapshot(run_, snapshot);
    ++embeddingSnapshots_;
}

void RunRecorder::onFinished(const TrainResult& result) {
    flush();
    store_.finishRun(run_, runResultOf(result));
}

void RunRecorder::flush() {
    lastFlush_ = std::chrono::steady_clock::now();
    if (buffer_.empty()) return;
    // Cleared only after the write succeeded, so a failed flush loses nothing it could retry.
    store_.appendSteps(run_, buffer_);
    buffer_.clear();
}

}  // namespace dimerec

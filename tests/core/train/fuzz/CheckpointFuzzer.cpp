// libFuzzer target over checkpoint loading (`dimerec evaluate --checkpoint`, `train --resume`):
// the input is the checkpoint file's bytes, read with readCheckpointConfig and loaded with
// loadCheckpoint into a small fixed model, the one whose checkpoint seeds the corpus. Both may
// throw only their documented std::runtime_error; anything else, or a sanitizer report, is a
// bug (in our archive check, or in LibTorch's reader behind it).
//
// With DIMEREC_FUZZ_WRITE_SEED=<file>, the first input also writes the fixed model's checkpoint
// there: the seed of tests/fixtures/fuzz/fuzz_checkpoint.
#include "FuzzInputFile.h"
#include "model/Recommender.h"
#include "train/Checkpoint.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace {

using namespace dimerec;

constexpr int32_t kItems = 6;

RunConfig fixedConfig() {
    RunConfig config;
    // The smallest model with parameters, so that the seed stays small (13 KB, 5 KB
    // of which the random generator's state).
    config.model.model = ModelKind::MeanPool;
    config.model.dim = 2;
    config.data.maxLength = 4;
    config.train.threads = 1;
    return config;
}

Recommender& fixedModel() {
    static const std::unique_ptr<Recommender> model = [] {
        torch::manual_seed(1);
        const RunConfig config = fixedConfig();
        auto made = makeRecommender(config.model, kItems, config.data.maxLength, {});
        if (const char* seed = std::getenv("DIMEREC_FUZZ_WRITE_SEED"))
            saveCheckpoint(seed, config, *made, nullptr, TrainingState{}, snapshotModel(*made));
        return made;
    }();
    return *model;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    torch::set_num_threads(1);
    Recommender& model = fixedModel();
    const std::string path = writeFuzzInput(data, size, "fuzz.pt");
    try {
        (void)readCheckpointConfig(path);
        (void)loadCheckpoint(path, model, nullptr);
    } catch (const std::runtime_error&) {
    }
    return 0;
}

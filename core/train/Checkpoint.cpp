#include "train/Checkpoint.h"

#include "model/Recommender.h"
#include "train/CheckpointArchive.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>

namespace dimerec {
namespace {

constexpr int64_t kFormatVersion = 1;

std::vector<torch::Tensor> stateTensors(Recommender& model) {
    std::vector<torch::Tensor> out = model.parameters();
    for (const torch::Tensor& buffer : model.buffers()) out.push_back(buffer);
    return out;
}

torch::Tensor stateVector(const TrainingState& s) {
    return torch::tensor(std::vector<int64_t>{kFormatVersion, s.step, s.samplerEpoch,
                                              s.samplerBatch, s.evaluations, s.badEvaluations,
                                              s.bestStep});
}

std::runtime_error checkpointError(const std::string& path, const std::string& what) {
    return std::runtime_error("checkpoint '" + path + "': " + what);
}

void readArchive(const std::string& path, torch::serialize::InputArchive& archive,
                 c10::optional<torch::Device> device = c10::nullopt) {
    if (!std::filesystem::is_regular_file(path)) throw checkpointError(path, "no such file");
    // LibTorch 1.13's reader crashes on some damaged archives: ours refuses them first.
    checkCheckpointArchive(path);
    try {
        archive.load_from(path, device);
    } catch (const c10::Error& error) {
        throw checkpointError(
            path, "not a DimeRec checkpoint (" + std::string(error.what_without_backtrace()) + ")");
    } catch (const std::exception& error) {
        // Not every failure of LibTorch's reader is a c10::Error: the TorchScript importer
        // throws torch::jit::ErrorReport for code it cannot compile (found by fuzz_checkpoint).
        const std::string what = error.what();
        throw checkpointError(path, "not a DimeRec checkpoint (LibTorch cannot read it" +
                                        (what.empty() ? std::string() : ": " + what) + ")");
    }
}

RunConfig configOf(const std::string& path, torch::serialize::InputArchive& archive) {
    c10::IValue text;
    if (!archive.try_read("config", text) || !text.isString())
        throw checkpointError(path, "has no run config");
    try {
        return runConfigFromJson(nlohmann::json::parse(text.toStringRef()));
    } catch (const std::exception& error) {
        throw checkpointError(path, std::string("stored config is invalid: ") + error.what());
    }
}

}  // namespace

std::vector<torch::Tensor> snapshotModel(Recommender& model) {
    std::vector<torch::Tensor> out;
    for (const torch::Tensor& t : stateTensors(model)) out.push_back(t.detach().clone());
    return out;
}

void restoreModel(Recommender& model, const std::vector<torch::Tensor>& snapshot) {
    std::vector<torch::Tensor> live = stateTensors(model);
    if (live.size() != snapshot.size())
        throw std::logic_error("model snapshot does not fit the model");
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < live.size(); ++i) live[i].copy_(snapshot[i]);
}

void saveCheckpoint(const std::string& path, const RunConfig& config, Recommender& model,
                    torch::optim::Optimizer* optimizer, const TrainingState& state,
                    const std::vector<torch::Tensor>& best) {
    torch::serialize::OutputArchive archive;
    archive.write("config", c10::IValue(toJson(config).dump()));
    torch::serialize::OutputArchive modelArchive;
    model.save(modelArchive);
    archive.write("model", modelArchive);
    if (optimizer != nullptr) {
        torch::serialize::OutputArchive optimizerArchive;
        optimizer->save(optimizerArchive);
        archive.write("optimizer", optimizerArchive);
    }
    archive.write("state", stateVector(state));
    archive.write("bestMetric", torch::tensor(state.bestMetric, torch::kFloat64));
    archive.write("bestValid", c10::IValue(nlohmann::json(state.bestValid).dump()));
    archive.write("seconds", torch::tensor(state.seconds, torch::kFloat64));
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    {
        std::lock_guard<std::mutex> lock(generator.mutex());
        archive.write("rng", generator.get_state());
    }
    torch::serialize::OutputArchive bestArchive;
    for (size_t i = 0; i < best.size(); ++i)
        bestArchive.write(std::to_string(i), best[i].to(torch::kCPU));
    archive.write("best", bestArchive);

    const std::filesystem::path target(path);
    if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
    const std::string temporary = path + ".partial";
    archive.save_to(temporary);
    std::filesystem::rename(temporary, target);
}

RunConfig readCheckpointConfig(const std::string& path) {
    torch::serialize::InputArchive archive;
    readArchive(path, archive);
    return configOf(path, archive);
}

CheckpointContents loadCheckpoint(const std::string& path, Recommender& model,
                                  torch::optim::Optimizer* optimizer) {
    torch::serialize::InputArchive archive;
    // Tensors land on the model's device, so parameters stay where the optimiser expects them.
    readArchive(path, archive, model.device());
    CheckpointContents out;
    out.config = configOf(path, archive);
    try {
        torch::serialize::InputArchive modelArchive;
        archive.read("model", modelArchive);
        model.load(modelArchive);
        if (optimizer != nullptr) {
            torch::serialize::InputArchive optimizerArchive;
            if (archive.try_read("optimizer", optimizerArchive)) optimizer->load(optimizerArchive);
        }
        torch::Tensor state;
        archive.read("state", state);
        state = state.to(torch::kCPU);
        if (state.numel() != 7 || state[0].item<int64_t>() != kFormatVersion) {
            throw checkpointError(path, "unsupported checkpoint format");
        }
        auto s = state.accessor<int64_t, 1>();
        out.state.step = s[1];
        out.state.samplerEpoch = s[2];
        out.state.samplerBatch = s[3];
        out.state.evaluations = s[4];
        out.state.badEvaluations = s[5];
        out.state.bestStep = s[6];
        torch::Tensor bestMetric;
        archive.read("bestMetric", bestMetric);
        out.state.bestMetric = bestMetric.to(torch::kCPU).item<double>();
        c10::IValue bestValid;
        archive.read("bestValid", bestValid);
        out.state.bestValid =
            nlohmann::json::parse(bestValid.toStringRef()).get<std::map<std::string, double>>();
        torch::Tensor seconds;  // absent from checkpoints written before it was kept
        if (archive.try_read("seconds", seconds))
            out.state.seconds = seconds.to(torch::kCPU).item<double>();
        torch::Tensor rng;
        archive.read("rng", rng);
        at::Generator generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        generator.set_state(rng.to(torch::kCPU));
        torch::serialize::InputArchive bestArchive;
        archive.read("best", bestArchive);
        const torch::Device device = model.device();
        for (size_t i = 0;; ++i) {
            torch::Tensor tensor;
            if (!bestArchive.try_read(std::to_string(i), tensor)) break;
            out.best.push_back(tensor.to(device));
        }
    } catch (const c10::Error& error) {
        throw checkpointError(
            path, "does not fit this model (" + std::string(error.what_without_backtrace()) + ")");
    } catch (const nlohmann::json::exception& error) {
        throw checkpointError(
            path, std::string("stored best validation metrics are invalid: ") + error.what());
    }
    return out;
}

}  // namespace dimerec

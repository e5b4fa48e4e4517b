#include "util/Device.h"

#include "util/BuildInfo.h"

#include <torch/torch.h>

#include <sstream>
#include <stdexcept>
#include <thread>

namespace dimerec {

c10::Device resolveDevice(const std::string& name) {
    if (name == "auto") {
        return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    }
    if (name == "cpu") return c10::Device(c10::kCPU);
    if (name.rfind("cuda", 0) == 0) {
        if (!torch::cuda::is_available()) {
            throw std::invalid_argument("device '" + name +
                                        "': CUDA is not available in this LibTorch build or on "
                                        "this machine; use --device cpu or auto");
        }
        try {
            return c10::Device(name);
        } catch (const c10::Error&) {
            throw std::invalid_argument("device '" + name + "' is not a valid CUDA device name");
        }
    }
    throw std::invalid_argument("device '" + name + "': expected auto, cpu, cuda or cuda:N");
}

int configureThreads(int requested) {
    if (requested < 0) {
        throw std::invalid_argument("threads: must be >= 0 (0 = all cores), got " +
                                    std::to_string(requested));
    }
    const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int count = requested == 0 ? hardware : requested;
    torch::set_num_threads(count);
    return count;
}

std::string cudaAvailability() {
    if (!torch::cuda::is_available()) return "no";
    return "yes (" + std::to_string(torch::cuda::device_count()) + " devices)";
}

std::string versionText() {
    const BuildInfo& info = buildInfo();
    std::ostringstream out;
    out << "dimerec " << info.programVersion << " (commit " << info.gitCommit << ")\n"
        << "LibTorch " << info.libtorchVersion << ", CUDA available: " << cudaAvailability() << "\n"
        << "BLAS: " << blasDescription(info.blasLibrary, info.blasKernels) << "\n"
        << "CPU: " << info.cpu << ", " << info.hardwareThreads << " threads, host: " << info.host
        << "\n";
    return out.str();
}

}  // namespace dimerec

#include "util/BuildInfo.h"

#include "util/BuildConfig.h"

#include <torch/torch.h>

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <sstream>
#include <thread>

namespace dimerec {
namespace {

// The BLAS that LibTorch's matrix products go through is whichever library provides
// the Fortran symbol sgemm_ in this process (Debian picks it via update-alternatives).
std::string resolveBlasLibrary() {
    void* symbol = dlsym(RTLD_DEFAULT, "sgemm_");
    Dl_info info{};
    if (symbol == nullptr || dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) {
        return "built into LibTorch (no external sgemm_)";
    }
    char resolved[PATH_MAX];
    if (realpath(info.dli_fname, resolved) != nullptr) return resolved;
    return info.dli_fname;
}

std::string hostName() {
    char name[256] = {};
    if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
    return name;
}

BuildInfo collect() {
    BuildInfo info;
    info.programVersion = DIMEREC_VERSION;
    info.gitCommit = DIMEREC_GIT_COMMIT;
    info.libtorchVersion = TORCH_VERSION;
    info.blasLibrary = resolveBlasLibrary();
    const bool cuda = torch::cuda::is_available();
    info.cudaAvailable =
        cuda ? "yes (" + std::to_string(torch::cuda::device_count()) + " devices)" : "no";
    info.host = hostName();
    info.hardwareThreads = static_cast<int>(std::thread::hardware_concurrency());
    return info;
}

}  // namespace

const BuildInfo& buildInfo() {
    static const BuildInfo info = collect();
    return info;
}

std::string versionText() {
    const BuildInfo& info = buildInfo();
    std::ostringstream out;
    out << "dimerec " << info.programVersion << " (commit " << info.gitCommit << ")\n"
        << "LibTorch " << info.libtorchVersion << ", CUDA available: " << info.cudaAvailable << "\n"
        << "BLAS: " << info.blasLibrary << "\n"
        << "CPU threads: " << info.hardwareThreads << ", host: " << info.host << "\n";
    return out.str();
}

}  // namespace dimerec

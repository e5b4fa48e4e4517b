#include "util/BuildInfo.h"

#include "util/BuildConfig.h"
#include "util/GitCommit.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <string>
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

std::string resolveBlasKernels() {
    using CoreName = const char* (*)();
    const auto coreName = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    const char* name = coreName != nullptr ? coreName() : nullptr;
    return name != nullptr ? name : "";
}

std::string cpuModel() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        const size_t colon = line.find(':');
        if (line.rfind("model name", 0) != 0 || colon == std::string::npos) continue;
        const size_t value = line.find_first_not_of(" \t", colon + 1);
        if (value != std::string::npos) return line.substr(value);
    }
    return "unknown";
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
    info.libtorchVersion = DIMEREC_LIBTORCH_VERSION;
    info.blasLibrary = resolveBlasLibrary();
    info.blasKernels = resolveBlasKernels();
    info.cpu = cpuModel();
    info.host = hostName();
    info.hardwareThreads = static_cast<int>(std::thread::hardware_concurrency());
    return info;
}

}  // namespace

std::string blasDescription(const std::string& library, const std::string& kernels) {
    return kernels.empty() ? library : library + " (kernels " + kernels + ")";
}

const BuildInfo& buildInfo() {
    static const BuildInfo info = collect();
    return info;
}

}  // namespace dimerec

#include "util/BuildInfo.h"

#include "util/BuildConfig.h"
#include "util/GitCommit.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
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
    info.libtorchVersion = DIMEREC_LIBTORCH_VERSION;
    info.blasLibrary = resolveBlasLibrary();
    info.host = hostName();
    info.hardwareThreads = static_cast<int>(std::thread::hardware_concurrency());
    return info;
}

}  // namespace

const BuildInfo& buildInfo() {
    static const BuildInfo info = collect();
    return info;
}

}  // namespace dimerec

#pragma once

#include <string>

namespace dimerec {

// Facts about this build and the machine it runs on, recorded with every run.
struct BuildInfo {
    std::string programVersion;   // project version, e.g. "0.1.0"
    std::string gitCommit;        // `git describe --dirty` at configure time
    std::string libtorchVersion;  // TORCH_VERSION of the LibTorch we were built against
    std::string blasLibrary;      // resolved path of the BLAS providing sgemm_ at run time
    // The kernels that BLAS chose for this CPU ("Haswell", "SkylakeX": OpenBLAS's core name,
    // OPENBLAS_CORETYPE when set), "" when it does not say. They fix the order of a product's
    // sums: runs of one config and seed agree bit for bit only on the same kernels.
    std::string blasKernels;
    std::string cpu;          // the CPU's model name (/proc/cpuinfo), "unknown" elsewhere
    std::string host;         // host name
    int hardwareThreads = 0;  // std::thread::hardware_concurrency()
};

// Collects the build info once; cheap to call again. Needs no LibTorch (the store records it).
const BuildInfo& buildInfo();

// "/usr/lib/…/libblas.so.3 (kernels Haswell)", or the library alone when its kernels are
// unknown: how --version, `runs show` and the workbench name a BLAS.
std::string blasDescription(const std::string& library, const std::string& kernels);

}  // namespace dimerec

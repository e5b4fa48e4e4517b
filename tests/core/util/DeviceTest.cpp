#include "util/BuildInfo.h"
#include "util/Device.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

namespace dimerec {
namespace {

TEST(Device, ResolvesCpuAndAutoAndRejectsNonsense) {
    EXPECT_TRUE(resolveDevice("cpu").is_cpu());
    EXPECT_EQ(resolveDevice("auto").is_cuda(), torch::cuda::is_available());
    EXPECT_THROW(resolveDevice("tpu"), std::invalid_argument);
    if (!torch::cuda::is_available()) {
        EXPECT_THROW(resolveDevice("cuda"), std::invalid_argument);
    }
}

TEST(Device, ConfiguresThreadCount) {
    EXPECT_EQ(configureThreads(1), 1);
    EXPECT_EQ(torch::get_num_threads(), 1);
    EXPECT_GE(configureThreads(0), 1);
    EXPECT_THROW(configureThreads(-2), std::invalid_argument);
}

TEST(BuildInfo, ReportsVersionsAndBlas) {
    const BuildInfo& info = buildInfo();
    EXPECT_FALSE(info.programVersion.empty());
    EXPECT_EQ(info.libtorchVersion, TORCH_VERSION);
    EXPECT_FALSE(info.blasLibrary.empty());
    EXPECT_NE(versionText().find("BLAS: "), std::string::npos);
    EXPECT_FALSE(info.cpu.empty());
    EXPECT_EQ(blasDescription("/lib/libblas.so.3", "Haswell"),
              "/lib/libblas.so.3 (kernels Haswell)");
    EXPECT_EQ(blasDescription("/lib/libblas.so.3", ""), "/lib/libblas.so.3");
    EXPECT_NE(versionText().find("CPU: " + info.cpu), std::string::npos);
    // OpenBLAS (Debian's LibTorch) names the kernels it chose; another BLAS may say nothing.
    if (info.blasLibrary.find("openblas") != std::string::npos) {
        EXPECT_FALSE(info.blasKernels.empty());
    }
}

}  // namespace
}  // namespace dimerec

#pragma once

#include <c10/core/Device.h>

#include <string>

namespace dimerec {

// Turns "auto", "cpu", "cuda" or "cuda:N" into a device. "auto" picks CUDA when this
// LibTorch build and machine have it, else the CPU. Asking for CUDA where there is none
// throws std::invalid_argument with a message that says so.
c10::Device resolveDevice(const std::string& name);

// "yes (N devices)" when this LibTorch build and machine have CUDA, else "no".
std::string cudaAvailability();

// Multi-line human-readable summary of the build (BuildInfo) and the devices, used by
// `dimerec --version` and the About box.
std::string versionText();

// Sets LibTorch's intra-op thread count; 0 means every hardware thread. Returns the count used.
int configureThreads(int requested);

}  // namespace dimerec

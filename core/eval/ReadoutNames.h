#pragma once

#include <string>
#include <vector>

namespace dimerec {

// DimeRec's readouts (eval/Readouts.h) by name, in the order they are stored: algorithm2,
// samples, interests, fused. Without LibTorch, for the tables and the command line.
const std::vector<std::string>& readoutNames();

}  // namespace dimerec

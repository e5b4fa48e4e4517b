#include "eval/ReadoutNames.h"

namespace dimerec {

const std::vector<std::string>& readoutNames() {
    static const std::vector<std::string> names = {"algorithm2", "samples", "interests", "fused"};
    return names;
}

}  // namespace dimerec

#include "util/OpenMpEnvironment.h"

#include <unistd.h>

#include <cstdlib>

namespace dimerec {

void ensurePassiveOpenMpWait(char** argv) {
    if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
    if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0) return;
    execv("/proc/self/exe", argv);
}

}  // namespace dimerec

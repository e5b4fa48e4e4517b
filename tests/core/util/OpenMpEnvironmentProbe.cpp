// Calls ensurePassiveOpenMpWait like the programs do, then prints the wait policy it runs
// under and its arguments, so that CTest can check the re-execution (tests/core/util).
#include "util/OpenMpEnvironment.h"

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    dimerec::ensurePassiveOpenMpWait(argv);
    const char* policy = std::getenv("OMP_WAIT_POLICY");
    std::cout << "OMP_WAIT_POLICY=" << (policy != nullptr ? policy : "(unset)") << " args";
    for (int i = 1; i < argc; ++i) std::cout << " [" << argv[i] << "]";
    std::cout << "\n";
    return 0;
}

// libFuzzer target over experiment files (`dimerec sweep FILE [--profile P]`). The input is the
// file's bytes, optionally followed by a NUL byte and the profile's name. The reader may throw
// only its documented std::invalid_argument; a file it accepts must expand to trials whose
// keys can be computed. Anything else, or a sanitizer report, is a bug.
#include "FuzzInputFile.h"
#include "experiment/Sweep.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace dimerec;
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t cut = input.find('\0');
    const std::string file = input.substr(0, cut);
    const std::string profile = cut == std::string::npos ? "" : input.substr(cut + 1);
    try {
        const ExperimentFile experiment =
            loadExperimentFile(writeFuzzInput(reinterpret_cast<const uint8_t*>(file.data()),
                                              file.size(), "experiment.json"),
                               profile);
        for (const Trial& trial : expandTrials(experiment)) (void)trialKey(trial);
    } catch (const std::invalid_argument&) {
    }
    return 0;
}

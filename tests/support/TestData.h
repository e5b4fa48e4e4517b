#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace dimerec::test {

// Root of the real datasets: $DIMEREC_DATA_DIR, or ../shared/data beside the checkout.
inline std::filesystem::path dataDir() {
    if (const char* env = std::getenv("DIMEREC_DATA_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return std::filesystem::path(DIMEREC_SOURCE_DIR) / ".." / "shared" / "data";
}

inline bool runningInCi() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

inline std::filesystem::path fixturesDir() {
    return DIMEREC_FIXTURES_DIR;
}

}  // namespace dimerec::test

// Resolves a file under the data root into `var`; a missing file fails under CI=true and skips
// the test elsewhere.
#define DIMEREC_REQUIRE_DATA(var, relative)                                     \
    const std::filesystem::path var = ::dimerec::test::dataDir() / (relative);  \
    if (!std::filesystem::exists(var)) {                                        \
        if (::dimerec::test::runningInCi()) {                                   \
            FAIL() << "dataset file missing under CI: " << var;                 \
        }                                                                       \
        GTEST_SKIP() << "dataset file missing (set DIMEREC_DATA_DIR): " << var; \
    }

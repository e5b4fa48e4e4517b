#pragma once

#include <string>

namespace dimerec {

struct Dataset;
struct RawLog;

// How raw interactions become a Dataset.
struct PreprocessOptions {
    float minRating = 0.0f;  // keep rows with rating >= this (0 keeps all)
    int userCore = 0;        // iterative k-core: users need at least this many items (0 = off)
    int itemCore = 0;        // iterative k-core: items need at least this many users (0 = off)
};

// Orders each user's rows by timestamp (stable for ties), applies the rating threshold and
// k-core filter, and re-indexes users and items densely in order of first appearance.
// Throws std::runtime_error naming the dataset when nothing is left.
Dataset preprocess(const RawLog& log, const PreprocessOptions& options);

// Stable text form of the options, part of the dataset fingerprint.
std::string describe(const PreprocessOptions& options);

}  // namespace dimerec

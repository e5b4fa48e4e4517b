#pragma once

#include <string>

namespace dimerec {

struct DataConfig;
struct Dataset;
struct RawLog;

// Orders each user's rows by timestamp (stable for ties), applies the config's preprocessing
// fields (the rating threshold and the iterative user / item k-cores), and re-indexes users and
// items densely in order of first appearance. Throws std::runtime_error naming the dataset when
// nothing is left.
Dataset preprocess(const RawLog& log, const DataConfig& config);

// The preprocessing as text, part of the dataset fingerprint and so of the cache key:
// "name=value" for every field flagged kPreprocessing, in the table's order, joined by ';'
// ("minRating=0;userCore=5;itemCore=5"); a field added later (kAddedAfterHashV1) only when it
// is not at its default, so that existing fingerprints stay. Numbers print as an ostream does
// by default (reals to 6 significant digits): the key written out by hand before the table.
std::string preprocessingKey(const DataConfig& config);

}  // namespace dimerec

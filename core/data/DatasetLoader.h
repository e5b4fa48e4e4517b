#pragma once

#include "config/RunConfig.h"
#include "data/DelimitedLog.h"

#include <filesystem>
#include <string>

namespace dimerec {

struct DataConfig;
struct Dataset;

// How a dataset path is read, beyond what the run config says.
struct LoadOptions {
    ColumnMapping columns;      // column mapping of generic delimited logs
    bool skipBadLines = false;  // skip malformed lines, counted in Dataset::skippedLines
    bool useCache = true;       // reuse / write the prepared dataset in the binary cache
    std::string cacheDir;       // "" = DatasetCache::defaultDirectory()
};

// The files a dataset path stands for and the reader that fits them.
struct DatasetSource {
    std::string reader;                  // movielens-100k | movielens-dat | movielens-csv |
                                         // sequences | delimited | embedded
    std::string name;                    // display name
    std::filesystem::path interactions;  // the interaction file (empty for embedded)
    std::filesystem::path itemInfo;      // titles / categories file, empty when none
};

// Decides which files and reader a path means. format "auto" looks at names: a folder with
// u.data (ML-100K), ratings.dat (ML-1M/10M), ratings.csv (ML-20M/25M/32M/latest),
// sequences.txt, or X.txt beside X_item2attributes.json; a file named u.data, *.dat,
// ratings.csv (MovieLens), other *.csv / *.tsv (generic log), anything else a sequence file.
// Each may end in .gz (or .xz). Item files are found beside the interactions: u.item,
// movies.dat, movies.csv, <stem>_item2attributes.json. format "movielens", "sequences" or
// "csv" forces the reader family. Throws std::invalid_argument when nothing fits.
DatasetSource resolveDatasetSource(const std::string& path, DataFormat format);

// The single entry point: "default" is the embedded MovieLens latest-small; anything else a
// path resolved as above. Applies the preprocessing fields (preprocess()) and fills
// Dataset::fingerprint (SHA-256 of reader, input bytes and options). With the cache on, an
// unchanged input and option set loads from the cache. Bad input throws ParseError naming
// file, line and field; a filter that leaves nothing throws std::runtime_error.
Dataset loadDataset(const DataConfig& config, const LoadOptions& options);
Dataset loadDataset(const DataConfig& config);

}  // namespace dimerec

#include "data/DatasetLoader.h"

#include "config/RunConfig.h"
#include "data/BadLines.h"
#include "data/Dataset.h"
#include "data/DatasetCache.h"
#include "data/DefaultDataset.h"
#include "data/EmbeddedDataset.h"
#include "data/FileDecoding.h"
#include "data/MovieLensCsv.h"
#include "data/MovieLensFiles.h"
#include "data/ParseError.h"
#include "data/Preprocess.h"
#include "data/RawLog.h"
#include "data/SequenceFile.h"
#include "util/Hash.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace dimerec {
namespace fs = std::filesystem;
namespace {

// Bump when a reader's interpretation of the same bytes changes, so that caches rebuild.
constexpr const char* kReaderVersion = "dimerec-dataset-v1";

// name without a trailing .gz / .xz.
std::string plainName(const fs::path& path) {
    std::string name = path.filename().string();
    for (const char* suffix : {".gz", ".xz"}) {
        const std::string s(suffix);
        if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
            return name.substr(0, name.size() - s.size());
        }
    }
    return name;
}

// dir/name, dir/name.gz or dir/name.xz, whichever exists; empty when none does.
fs::path findBeside(const fs::path& directory, const std::string& name) {
    for (const char* suffix : {"", ".gz", ".xz"}) {
        const fs::path candidate = directory / (name + suffix);
        if (fs::is_regular_file(candidate)) return candidate;
    }
    return {};
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string stemOf(const std::string& plain) {
    const size_t dot = plain.rfind('.');
    return dot == std::string::npos ? plain : plain.substr(0, dot);
}

DatasetSource sequencesSource(const fs::path& file, const std::string& name) {
    const fs::path directory = file.parent_path();
    fs::path info = findBeside(directory, stemOf(plainName(file)) + "_item2attributes.json");
    if (info.empty()) info = findBeside(directory, "movies.dat");
    return {"sequences", name, file, info};
}

DatasetSource fileSource(const fs::path& file, DataFormat format) {
    const std::string plain = plainName(file);
    const fs::path directory = file.parent_path();
    const std::string name = directory.filename().string() + "/" + plain;
    const bool movielens = format == DataFormat::Auto || format == DataFormat::MovieLens;
    if (format == DataFormat::Sequences) return sequencesSource(file, name);
    if (movielens && plain == "u.data") {
        return {"movielens-100k", name, file, findBeside(directory, "u.item")};
    }
    if (movielens && endsWith(plain, ".dat")) {
        if (plain == "movies.dat" || plain == "users.dat") {
            throw std::invalid_argument("dataset '" + file.string() + "': " + plain +
                                        " holds no interactions; give the ratings file or the "
                                        "folder");
        }
        return {"movielens-dat", name, file, findBeside(directory, "movies.dat")};
    }
    if (movielens && plain == "ratings.csv") {
        return {"movielens-csv", name, file, findBeside(directory, "movies.csv")};
    }
    if (format == DataFormat::Csv ||
        (format == DataFormat::Auto && (endsWith(plain, ".csv") || endsWith(plain, ".tsv")))) {
        return {"delimited", name, file, {}};
    }
    if (format == DataFormat::Auto) return sequencesSource(file, name);
    throw std::invalid_argument("dataset '" + file.string() +
                                "': not a MovieLens file (u.data, "
                                "*.dat or ratings.csv) although format is movielens");
}

DatasetSource directorySource(const fs::path& directory, DataFormat format) {
    const bool any = format == DataFormat::Auto;
    const std::string name = directory.filename().empty()
                                 ? directory.parent_path().filename().string()
                                 : directory.filename().string();
    std::vector<std::pair<std::string, DataFormat>> candidates;  // file, reader family
    if (any || format == DataFormat::MovieLens) {
        candidates.insert(candidates.end(), {{"u.data", DataFormat::MovieLens},
                                             {"ratings.dat", DataFormat::MovieLens},
                                             {"ratings.csv", DataFormat::MovieLens}});
    }
    if (any || format == DataFormat::Sequences) {
        candidates.push_back({"sequences.txt", DataFormat::Sequences});
    }
    for (const auto& [file, family] : candidates) {
        const fs::path found = findBeside(directory, file);
        if (!found.empty()) {
            DatasetSource source = fileSource(found, family);
            source.name = name;
            return source;
        }
    }
    if (any || format == DataFormat::Sequences) {
        // S3-Rec layout: X.txt beside X_item2attributes.json.
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(directory)) {
            if (entry.is_regular_file()) files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const fs::path& file : files) {
            const std::string plain = plainName(file);
            if (endsWith(plain, ".txt") &&
                !findBeside(directory, stemOf(plain) + "_item2attributes.json").empty()) {
                return sequencesSource(file, name);
            }
        }
    }
    throw std::invalid_argument(
        "dataset folder '" + directory.string() +
        "': found none of u.data, ratings.dat, ratings.csv, sequences.txt or X.txt with "
        "X_item2attributes.json" +
        (any ? "" : " for format " + nameOf(format)) + "; give the interaction file itself");
}

struct InputFile {
    std::string label;  // the name in error messages
    std::string bytes;  // as on disk (possibly compressed)
};

RawLog parse(const DatasetSource& source, std::vector<InputFile>& inputs,
             const LoadOptions& options, BadLines& badLines) {
    const std::string& mainName = inputs[0].label;
    const std::string main = decompressIfNeeded(std::move(inputs[0].bytes), mainName);
    if (main.empty()) throw ParseError(mainName, 0, "", "the file is empty");
    std::string info;
    std::string infoName;
    if (inputs.size() > 1) {
        infoName = inputs[1].label;
        info = decompressIfNeeded(std::move(inputs[1].bytes), infoName);
        if (info.empty()) throw ParseError(infoName, 0, "", "the file is empty");
    }
    if (source.reader == "movielens-100k") {
        return readMovieLens100k(main, mainName, info, infoName, badLines);
    }
    if (source.reader == "movielens-csv") {
        return readMovieLensCsv(main, mainName, utf8OrLatin1ToUtf8(std::move(info)), infoName,
                                badLines);
    }
    if (source.reader == "delimited")
        return readDelimitedLog(main, mainName, options.columns, badLines);
    RawLog log = source.reader == "movielens-dat"
                     ? readMovieLensDatRatings(main, mainName, badLines)
                     : readSequenceFile(main, mainName, badLines);
    if (!info.empty()) {
        if (plainName(source.itemInfo) == "movies.dat") {
            log.items = readMovieLensDatMovies(info, infoName, badLines);
        } else {
            readItemAttributesJson(info, infoName, log);
        }
    }
    return log;
}

}  // namespace

DatasetSource resolveDatasetSource(const std::string& path, DataFormat format) {
    if (path == "default") return {"embedded", "MovieLens latest-small", {}, {}};
    const fs::path location(path);
    std::error_code error;
    if (fs::is_directory(location, error)) return directorySource(location, format);
    if (fs::is_regular_file(location, error)) return fileSource(location, format);
    throw std::invalid_argument("dataset '" + path + "': no such file or folder");
}

Dataset loadDataset(const DataConfig& config) {
    return loadDataset(config, LoadOptions{});
}

Dataset loadDataset(const DataConfig& config, const LoadOptions& options) {
    const DatasetSource source = resolveDatasetSource(config.dataset, config.format);

    Sha256 hasher;
    hasher.update(std::string(kReaderVersion) + "\n" + source.reader + "\n" +
                  preprocessingKey(config) + "\nskip=" + (options.skipBadLines ? "1" : "0") + "\n");
    if (source.reader == "delimited") hasher.update(describe(options.columns) + "\n");
    std::vector<InputFile> inputs;
    if (source.reader == "embedded") {
        const EmbeddedDatasetFiles& files = embeddedDatasetFiles();
        hasher.update(files.ratingsCsv);
        hasher.update(files.moviesCsv);
    } else {
        for (const fs::path& file : {source.interactions, source.itemInfo}) {
            if (file.empty()) continue;
            InputFile input{file.string(), readFileBytes(file)};
            hasher.update(plainName(file) + "\n" + std::to_string(input.bytes.size()) + "\n");
            hasher.update(input.bytes);
            inputs.push_back(std::move(input));
        }
    }
    const std::string fingerprint = hasher.hexDigest();
    const std::string location =
        source.reader == "embedded" ? "embedded:ml-latest-small" : config.dataset;

    const DatasetCache cache(options.cacheDir);
    if (options.useCache) {
        if (std::optional<Dataset> cached = cache.load(fingerprint)) {
            cached->name = source.name;
            cached->source = location;
            return std::move(*cached);
        }
    }
    BadLines badLines(options.skipBadLines);
    RawLog log = source.reader == "embedded" ? readDefaultRawLog()
                                             : parse(source, inputs, options, badLines);
    log.name = source.name;
    log.source = location;
    log.skippedLines = badLines.count();
    log.firstSkipped = badLines.first();
    Dataset data = preprocess(log, config);
    data.fingerprint = fingerprint;
    if (options.useCache) cache.store(data);
    return data;
}

}  // namespace dimerec

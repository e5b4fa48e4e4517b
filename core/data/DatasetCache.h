#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace dimerec {

struct Dataset;

// Prepared datasets on disk in a compact binary form, one file per fingerprint (the hash of
// the input files' bytes and the preprocessing options), so that reopening a dataset skips
// parsing and filtering. A file that is damaged, truncated, of another version or
// inconsistent is treated as absent.
class DatasetCache {
public:
    // directory "" = the default directory.
    explicit DatasetCache(std::filesystem::path directory = {});

    // $DIMEREC_CACHE_DIR, else $XDG_CACHE_HOME/dimerec, else ~/.cache/dimerec.
    static std::filesystem::path defaultDirectory();

    const std::filesystem::path& directory() const { return directory_; }
    std::filesystem::path fileFor(const std::string& fingerprint) const;

    // The dataset stored under data.fingerprint; nullopt when there is no valid one.
    std::optional<Dataset> load(const std::string& fingerprint) const;
    // Writes data under data.fingerprint (atomically: a temporary file renamed); false when
    // the directory is not writable. The cache only saves time, so callers may ignore it.
    bool store(const Dataset& data) const;

private:
    std::filesystem::path directory_;
};

}  // namespace dimerec

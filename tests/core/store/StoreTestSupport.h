#pragma once

#include "config/RunConfig.h"
#include "store/RunRecords.h"

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

namespace dimerec::test {

// A fresh folder under the system temp directory, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::random_device random;
        path_ = std::filesystem::temp_directory_path() /
                ("dimerec-store-" + std::to_string(getpid()) + "-" + std::to_string(random()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// A run of `model` with `seed` in `study`; everything else at its defaults.
inline NewRun makeRun(const std::string& model, uint64_t seed, const std::string& study = "default",
                      const std::string& name = "") {
    NewRun run;
    run.study = study;
    run.config.name = name;
    run.config.model.model = choiceNamed<ModelKind>("model.model", model);
    run.config.train.seed = seed;
    run.datasetName = "ml-1m";
    run.provenance = currentProvenance("cpu", 2);
    return run;
}

}  // namespace dimerec::test

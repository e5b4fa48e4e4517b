#pragma once

#include "store/RunStore.h"

#include <cstdint>
#include <map>
#include <string>

namespace dimerec::test {

// A finished run of `config` in `study`, 10 steps that took `elapsedSeconds` on this machine's
// CPU, with the given test metrics: what a sweep leaves in the store, for the estimates and
// tables that read it.
inline int64_t addFinishedRun(RunStore& store, const RunConfig& config, const std::string& study,
                              double elapsedSeconds, std::map<std::string, double> test = {}) {
    NewRun run;
    run.study = study;
    run.config = config;
    run.datasetName = "ml-latest-small";
    run.provenance = currentProvenance("cpu", 1);
    const int64_t id = store.createRun(run);
    RunResult result;
    result.status = "finished";
    result.steps = 10;
    result.elapsedSeconds = elapsedSeconds;
    result.test = std::move(test);
    store.finishRun(id, result);
    return id;
}

}  // namespace dimerec::test

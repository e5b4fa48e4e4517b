#pragma once

#include "store/RunRecords.h"

#include <map>
#include <string>
#include <vector>

namespace dimerec {

class RunStore;

// A finished run of a study with the numeric fields of its config, for the study views.
struct StudyRun {
    RunSummary summary;
    std::map<std::string, double> numbers;  // every numeric config leaf by dotted path
};

// Every finished run of a study, oldest first, without a limit (the runs a study view and
// a study's comparison entries are built from).
RunQuery finishedStudyRuns(const std::string& study);

// The finished runs of `study`, in id order.
std::vector<StudyRun> loadStudyRuns(const RunStore& store, const std::string& study);

// The numeric config fields whose value is not the same in every run, sorted: the axes a
// sweep varied. The seed is left out, since the views average over seeds.
std::vector<std::string> sweptNumericFields(const std::vector<StudyRun>& runs);

// A metric over a two-field grid: one cell per (x, y) pair of values that occur, holding the
// statistics over the runs there (their seeds, and any other variation of the study).
struct HeatMapGrid {
    std::vector<double> xs;          // distinct values of the x field, ascending
    std::vector<double> ys;          // distinct values of the y field, ascending
    std::vector<MetricStats> cells;  // ys.size() × xs.size(), y-major; n = 0 where no run is

    const MetricStats& at(size_t x, size_t y) const { return cells.at(y * xs.size() + x); }
};

// Runs lacking either field or the metric (in `split`: test | valid) are left out.
HeatMapGrid heatMapGrid(const std::vector<StudyRun>& runs, const std::string& xField,
                        const std::string& yField, const std::string& metric,
                        const std::string& split = "test");

// The final metric of a run in `split`, or nullptr.
const double* splitMetric(const RunSummary& run, const std::string& metric,
                          const std::string& split);

}  // namespace dimerec

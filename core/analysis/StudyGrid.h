#pragma once

#include "store/RunRecords.h"

#include <map>
#include <string>
#include <vector>

namespace dimerec {

class RunStore;

// One value of a config field on a study view's axis: a number, or a category (a string, or a
// boolean as "false" / "true").
struct FieldValue {
    bool numeric = false;
    double number = 0.0;  // the value, when numeric
    std::string label;    // as an axis shows it: "0.5", "100", "cosine", "true"

    static FieldValue of(double number);
    static FieldValue category(std::string label);
    bool operator==(const FieldValue& other) const;
    bool operator!=(const FieldValue& other) const { return !(*this == other); }
};

// A finished run of a study with the scalar fields of its config, for the study views.
struct StudyRun {
    RunSummary summary;
    std::map<std::string, FieldValue> fields;  // every config leaf but arrays, by dotted path
};

// The scalar leaves (numbers, strings, booleans) of a run's config JSON by dotted path; arrays
// (eval.topK) are left out. Throws std::invalid_argument when the text is not JSON.
std::map<std::string, FieldValue> configFields(const std::string& configJson);

// Every finished run of a study, oldest first, without a limit (the runs a study view and
// a study's comparison entries are built from).
RunQuery finishedStudyRuns(const std::string& study);

// The finished runs of `study`, in id order.
std::vector<StudyRun> loadStudyRuns(const RunStore& store, const std::string& study);

// The distinct values of one field over runs, in axis order: numbers ascending, categories in
// the order the runs first show them (the runs come in id order, so a sweep's categories keep
// the order of its grid: linear, cosine, exp), any numbers before any categories.
struct FieldAxis {
    std::string field;               // dotted path; "" for the single-value axis of no field
    std::vector<FieldValue> values;  // distinct, in axis order

    // Every value is a number (an axis without values is not).
    bool numeric() const;
    std::vector<std::string> labels() const;
    // The position of `value` on the axis, or values.size() when it is not there.
    size_t indexOf(const FieldValue& value) const;
};

// The axis of `field` over the runs that have it.
FieldAxis fieldAxis(const std::vector<StudyRun>& runs, const std::string& field);

// The config fields with more than one value among the runs that have them, sorted: the axes
// a sweep varied. Left out like in configHash, since they do not change what is computed:
// the seed (the views average over seeds), the run's name, threads and device.
std::vector<std::string> sweptFields(const std::vector<StudyRun>& runs);

// A metric over one or two fields: one cell per (x, y) pair of values that occur, holding the
// statistics over the runs there (their seeds, and any other variation of the study). The heat
// map shows it as colours, the sweep plot as one line per y value.
struct MetricGrid {
    FieldAxis x;
    FieldAxis y;                     // without a y field: one value labelled ""
    std::vector<MetricStats> cells;  // y.values.size() × x.values.size(), y-major; n = 0: no run
    // Cells marked as differing significantly from a baseline series (drawn with a dagger),
    // shaped as cells; empty: no marks.
    std::vector<bool> marked;

    const MetricStats& at(size_t xIndex, size_t yIndex) const {
        return cells.at(yIndex * x.values.size() + xIndex);
    }
    bool isMarked(size_t xIndex, size_t yIndex) const {
        return !marked.empty() && marked.at(yIndex * x.values.size() + xIndex);
    }
};

// The grid of `metric` (in `split`: test | valid) over xField and yField ("" = no y field).
// Runs lacking a field or the metric are left out, and so are axis values only they have.
MetricGrid metricGrid(const std::vector<StudyRun>& runs, const std::string& xField,
                      const std::string& yField, const std::string& metric,
                      const std::string& split = "test");

// The grid as CSV, one row per cell (x varying fastest): x label, y label (only with a y
// field), mean, sample std, n; the header names the fields. Empty mean and std where n = 0.
std::string metricGridCsv(const MetricGrid& grid);

// The final metric of a run in `split`, or nullptr.
const double* splitMetric(const RunSummary& run, const std::string& metric,
                          const std::string& split);

}  // namespace dimerec

#include "analysis/StudyGrid.h"

#include "analysis/Aggregate.h"
#include "analysis/TableExport.h"
#include "store/RunStore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace dimerec {

namespace {

// Fields that do not change what a run computes (configHash leaves them out too).
const std::set<std::string> kUnsweptFields = {"name", "train.seed", "train.threads",
                                              "train.device"};

void collectFields(const nlohmann::json& value, const std::string& path,
                   std::map<std::string, FieldValue>& fields) {
    if (value.is_object()) {
        for (const auto& [key, child] : value.items()) {
            collectFields(child, path.empty() ? key : path + "." + key, fields);
        }
    } else if (value.is_number()) {
        fields[path] = FieldValue::of(value.get<double>());
    } else if (value.is_boolean()) {
        fields[path] = FieldValue::category(value.get<bool>() ? "true" : "false");
    } else if (value.is_string()) {
        fields[path] = FieldValue::category(value.get<std::string>());
    }
}

// Numbers ascending before categories; categories keep the order they came in.
void sortAxis(std::vector<FieldValue>& values) {
    std::stable_sort(values.begin(), values.end(), [](const FieldValue& a, const FieldValue& b) {
        if (a.numeric != b.numeric) return a.numeric;
        return a.numeric && a.number < b.number;
    });
}

bool hasFields(const StudyRun& run, const std::string& xField, const std::string& yField) {
    return run.fields.count(xField) > 0 && (yField.empty() || run.fields.count(yField) > 0);
}

}  // namespace

FieldValue FieldValue::of(double number) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", number);
    FieldValue value;
    value.numeric = true;
    value.number = number;
    value.label = text;
    return value;
}

FieldValue FieldValue::category(std::string label) {
    FieldValue value;
    value.label = std::move(label);
    return value;
}

bool FieldValue::operator==(const FieldValue& other) const {
    if (numeric != other.numeric) return false;
    return numeric ? number == other.number : label == other.label;
}

std::map<std::string, FieldValue> configFields(const std::string& configJson) {
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(configJson);
    } catch (const nlohmann::json::parse_error& error) {
        throw std::invalid_argument(std::string("run config: ") + error.what());
    }
    std::map<std::string, FieldValue> fields;
    collectFields(json, "", fields);
    return fields;
}

const double* splitMetric(const RunSummary& run, const std::string& metric,
                          const std::string& split) {
    const auto& metrics = split == "test" ? run.testMetrics : run.validMetrics;
    const auto found = metrics.find(metric);
    return found == metrics.end() ? nullptr : &found->second;
}

RunQuery finishedStudyRuns(const std::string& study) {
    RunQuery query;
    query.study = study;
    query.statuses = {"finished"};
    query.sortBy = "id";
    query.descending = false;
    query.limit = 0;
    return query;
}

std::vector<StudyRun> loadStudyRuns(const RunStore& store, const std::string& study) {
    std::vector<StudyRun> runs;
    for (RunSummary& summary : store.listRuns(finishedStudyRuns(study))) {
        StudyRun run;
        run.fields = configFields(store.run(summary.id).configJson);
        run.summary = std::move(summary);
        runs.push_back(std::move(run));
    }
    return runs;
}

bool FieldAxis::numeric() const {
    return !values.empty() && std::all_of(values.begin(), values.end(),
                                          [](const FieldValue& value) { return value.numeric; });
}

std::vector<std::string> FieldAxis::labels() const {
    std::vector<std::string> labels;
    for (const FieldValue& value : values) labels.push_back(value.label);
    return labels;
}

size_t FieldAxis::indexOf(const FieldValue& value) const {
    return static_cast<size_t>(std::find(values.begin(), values.end(), value) - values.begin());
}

FieldAxis fieldAxis(const std::vector<StudyRun>& runs, const std::string& field) {
    FieldAxis axis;
    axis.field = field;
    for (const StudyRun& run : runs) {
        const auto found = run.fields.find(field);
        if (found != run.fields.end() && axis.indexOf(found->second) == axis.values.size()) {
            axis.values.push_back(found->second);
        }
    }
    sortAxis(axis.values);
    return axis;
}

std::vector<std::string> sweptFields(const std::vector<StudyRun>& runs) {
    std::set<std::string> names;
    for (const StudyRun& run : runs) {
        for (const auto& [field, value] : run.fields) names.insert(field);
    }
    std::vector<std::string> fields;
    for (const std::string& field : names) {
        if (kUnsweptFields.count(field) == 0 && fieldAxis(runs, field).values.size() > 1) {
            fields.push_back(field);
        }
    }
    return fields;
}

MetricGrid metricGrid(const std::vector<StudyRun>& runs, const std::string& xField,
                      const std::string& yField, const std::string& metric,
                      const std::string& split) {
    std::vector<StudyRun> used;
    std::vector<double> values;
    for (const StudyRun& run : runs) {
        const double* value = splitMetric(run.summary, metric, split);
        if (value != nullptr && hasFields(run, xField, yField)) {
            used.push_back(run);
            values.push_back(*value);
        }
    }
    MetricGrid grid;
    grid.x = fieldAxis(used, xField);
    if (yField.empty()) {
        grid.y.values = {FieldValue::category("")};
    } else {
        grid.y = fieldAxis(used, yField);
    }
    std::vector<std::vector<double>> samples(grid.x.values.size() * grid.y.values.size());
    for (size_t r = 0; r < used.size(); ++r) {
        const size_t x = grid.x.indexOf(used[r].fields.at(xField));
        const size_t y = yField.empty() ? 0 : grid.y.indexOf(used[r].fields.at(yField));
        samples[y * grid.x.values.size() + x].push_back(values[r]);
    }
    for (const std::vector<double>& sample : samples) grid.cells.push_back(aggregate(sample));
    return grid;
}

std::string metricGridCsv(const MetricGrid& grid) {
    const bool hasY = !grid.y.field.empty();
    std::string csv =
        csvField(grid.x.field) + (hasY ? "," + csvField(grid.y.field) : "") + ",mean,std,n\n";
    for (size_t y = 0; y < grid.y.values.size(); ++y) {
        for (size_t x = 0; x < grid.x.values.size(); ++x) {
            const MetricStats& stats = grid.at(x, y);
            csv += csvField(grid.x.values[x].label);
            if (hasY) csv += "," + csvField(grid.y.values[y].label);
            csv += stats.n > 0 ? "," + exactNumber(stats.mean) + "," + exactNumber(stats.stdDev)
                               : std::string(",,");
            csv += "," + std::to_string(stats.n) + "\n";
        }
    }
    return csv;
}

}  // namespace dimerec

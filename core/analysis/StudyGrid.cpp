#include "analysis/StudyGrid.h"

#include "analysis/Aggregate.h"
#include "store/RunStore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace dimerec {

namespace {

constexpr const char* kSeedField = "train.seed";

void collectNumbers(const nlohmann::json& value, const std::string& path,
                    std::map<std::string, double>& numbers) {
    if (value.is_object()) {
        for (const auto& [key, child] : value.items()) {
            collectNumbers(child, path.empty() ? key : path + "." + key, numbers);
        }
    } else if (value.is_number()) {
        numbers[path] = value.get<double>();
    }
}

// Sorted distinct values.
std::vector<double> distinct(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

size_t indexOf(const std::vector<double>& sorted, double value) {
    return static_cast<size_t>(std::lower_bound(sorted.begin(), sorted.end(), value) -
                               sorted.begin());
}

}  // namespace

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
        collectNumbers(nlohmann::json::parse(store.run(summary.id).configJson), "", run.numbers);
        run.summary = std::move(summary);
        runs.push_back(std::move(run));
    }
    return runs;
}

std::vector<std::string> sweptNumericFields(const std::vector<StudyRun>& runs) {
    std::map<std::string, std::set<double>> values;
    for (const StudyRun& run : runs) {
        for (const auto& [field, value] : run.numbers) {
            values[field].insert(value);
        }
    }
    std::vector<std::string> fields;
    for (const auto& [field, seen] : values) {
        if (seen.size() > 1 && field != kSeedField) {
            fields.push_back(field);
        }
    }
    return fields;
}

HeatMapGrid heatMapGrid(const std::vector<StudyRun>& runs, const std::string& xField,
                        const std::string& yField, const std::string& metric,
                        const std::string& split) {
    struct Point {
        double x;
        double y;
        double value;
    };
    std::vector<Point> points;
    for (const StudyRun& run : runs) {
        const auto x = run.numbers.find(xField);
        const auto y = run.numbers.find(yField);
        const double* value = splitMetric(run.summary, metric, split);
        if (x != run.numbers.end() && y != run.numbers.end() && value != nullptr) {
            points.push_back(Point{x->second, y->second, *value});
        }
    }
    HeatMapGrid grid;
    std::vector<double> xs;
    std::vector<double> ys;
    for (const Point& point : points) {
        xs.push_back(point.x);
        ys.push_back(point.y);
    }
    grid.xs = distinct(std::move(xs));
    grid.ys = distinct(std::move(ys));
    std::vector<std::vector<double>> samples(grid.xs.size() * grid.ys.size());
    for (const Point& point : points) {
        samples[indexOf(grid.ys, point.y) * grid.xs.size() + indexOf(grid.xs, point.x)].push_back(
            point.value);
    }
    for (const std::vector<double>& sample : samples) {
        grid.cells.push_back(aggregate(sample));
    }
    return grid;
}

}  // namespace dimerec

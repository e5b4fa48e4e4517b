// The read side of RunStore: the paged run table, details, series and seed groups.
#include "store/RunStore.h"

#include "store/RunStoreImpl.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace dimerec {
namespace {

// Sortable columns; user input only ever selects one of these fixed SQL fragments.
const std::map<std::string, std::string> kSortColumns = {{"id", "r.id"},
                                                         {"name", "r.name"},
                                                         {"study", "s.name"},
                                                         {"model", "r.model"},
                                                         {"dataset", "r.dataset"},
                                                         {"protocol", "r.protocol"},
                                                         {"seed", "r.seed"},
                                                         {"status", "r.status"},
                                                         {"started", "r.started_at"},
                                                         {"ended", "r.ended_at"},
                                                         {"steps", "r.steps"},
                                                         {"elapsed", "r.elapsed_seconds"},
                                                         {"config_hash", "r.config_hash"}};

constexpr const char* kSummaryColumns =
    "SELECT r.id, r.uuid, s.name, r.name, r.model, r.dataset, r.protocol, r.config_hash, "
    "r.seed, r.status, r.message, r.started_at, r.ended_at, r.steps, r.elapsed_seconds, "
    "r.archived ";

// The FROM … WHERE … of a run query; `join` (with its parameters first) lets a caller add a
// table to sort by.
struct Filter {
    std::string sql;
    std::vector<std::string> params;
};

std::string likePattern(const std::string& text) {
    std::string pattern = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    return pattern + "%";
}

Filter buildFilter(const RunQuery& query, const std::string& join = "",
                   const std::vector<std::string>& joinParams = {}) {
    Filter filter{"FROM runs r JOIN studies s ON s.id = r.study_id " + join + " WHERE 1 = 1",
                  joinParams};
    auto equals = [&](const std::string& column, const std::string& value) {
        if (value.empty()) return;
        filter.sql += " AND " + column + " = ?";
        filter.params.push_back(value);
    };
    if (!query.includeArchived) filter.sql += " AND r.archived = 0";
    if (!query.text.empty()) {
        filter.sql +=
            " AND (r.name LIKE ?1x ESCAPE '\\' OR r.model LIKE ?1x ESCAPE '\\' OR r.dataset LIKE "
            "?1x ESCAPE '\\' OR s.name LIKE ?1x ESCAPE '\\' OR r.notes LIKE ?1x ESCAPE '\\' OR "
            "EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.tag LIKE ?1x ESCAPE '\\'))";
        const std::string pattern = likePattern(query.text);
        std::string::size_type at = 0;
        while ((at = filter.sql.find("?1x", at)) != std::string::npos) {
            filter.sql.replace(at, 3, "?");
            filter.params.push_back(pattern);
        }
    }
    for (const std::string& tag : query.tags) {
        filter.sql += " AND EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.tag = ?)";
        filter.params.push_back(tag);
    }
    if (!query.statuses.empty()) {
        filter.sql += " AND r.status IN (";
        for (size_t i = 0; i < query.statuses.size(); ++i) {
            filter.sql += i == 0 ? "?" : ", ?";
            filter.params.push_back(query.statuses[i]);
        }
        filter.sql += ")";
    }
    equals("r.model", query.model);
    equals("r.dataset", query.dataset);
    equals("s.name", query.study);
    equals("r.config_hash", query.configHash);
    return filter;
}

void bindAll(SQLite::Statement& statement, const std::vector<std::string>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
        statement.bind(static_cast<int>(i + 1), params[i]);
    }
}

RunSummary readSummary(SQLite::Statement& row) {
    RunSummary s;
    s.id = row.getColumn(0).getInt64();
    s.uuid = row.getColumn(1).getString();
    s.study = row.getColumn(2).getString();
    s.name = row.getColumn(3).getString();
    s.model = row.getColumn(4).getString();
    s.dataset = row.getColumn(5).getString();
    s.protocol = row.getColumn(6).getString();
    s.configHash = row.getColumn(7).getString();
    s.seed = static_cast<uint64_t>(row.getColumn(8).getInt64());
    s.status = row.getColumn(9).getString();
    s.message = row.getColumn(10).getString();
    s.startedAt = row.getColumn(11).getDouble();
    s.endedAt = row.getColumn(12).getDouble();
    s.steps = row.getColumn(13).getInt64();
    s.elapsedSeconds = row.getColumn(14).getDouble();
    s.archived = row.getColumn(15).getInt() != 0;
    return s;
}

MetricStats statsOf(const std::vector<double>& values) {
    MetricStats stats;
    stats.n = static_cast<int64_t>(values.size());
    if (values.empty()) return stats;
    stats.min = stats.max = values.front();
    double sum = 0.0;
    for (double v : values) {
        sum += v;
        stats.min = std::min(stats.min, v);
        stats.max = std::max(stats.max, v);
    }
    stats.mean = sum / static_cast<double>(stats.n);
    if (stats.n > 1) {
        double squares = 0.0;
        for (double v : values) squares += (v - stats.mean) * (v - stats.mean);
        stats.stdDev = std::sqrt(squares / static_cast<double>(stats.n - 1));
        stats.stdErr = stats.stdDev / std::sqrt(static_cast<double>(stats.n));
    }
    return stats;
}

// Reads a run's tags and final metrics into its summary.
void completeSummary(const RunStore::Impl& impl, RunSummary& summary) {
    SQLite::Statement& tags = impl.prepare("SELECT tag FROM tags WHERE run_id = ? ORDER BY tag");
    tags.bind(1, summary.id);
    while (tags.executeStep()) summary.tags.push_back(tags.getColumn(0).getString());
    SQLite::Statement& metrics =
        impl.prepare("SELECT split, name, value FROM final_metrics WHERE run_id = ?");
    metrics.bind(1, summary.id);
    while (metrics.executeStep()) {
        const std::string split = metrics.getColumn(0).getString();
        auto& target = split == "test"    ? summary.testMetrics
                       : split == "valid" ? summary.validMetrics
                                          : summary.readoutMetrics[split];
        target[metrics.getColumn(1).getString()] = metrics.getColumn(2).getDouble();
    }
}

}  // namespace

std::vector<std::string> RunStore::studies() const {
    return impl_->read("listing studies", [&] {
        std::vector<std::string> names;
        SQLite::Statement& query = impl_->prepare("SELECT name FROM studies ORDER BY name");
        while (query.executeStep()) names.push_back(query.getColumn(0).getString());
        return names;
    });
}

std::vector<RunSummary> RunStore::listRuns(const RunQuery& query) const {
    std::string join;
    std::vector<std::string> joinParams;
    std::string order;
    const auto colon = query.sortBy.find(':');
    if (colon != std::string::npos) {
        const std::string split = query.sortBy.substr(0, colon);
        if (split != "test" && split != "valid") {
            throw std::invalid_argument("sort key '" + query.sortBy +
                                        "': a metric sort key is test:<metric> or valid:<metric>");
        }
        join = "LEFT JOIN final_metrics m ON m.run_id = r.id AND m.split = ? AND m.name = ?";
        joinParams = {split, query.sortBy.substr(colon + 1)};
        order = "(m.value IS NULL), m.value";
    } else {
        const auto column = kSortColumns.find(query.sortBy);
        if (column == kSortColumns.end()) {
            std::string known;
            for (const auto& [key, sql] : kSortColumns) known += (known.empty() ? "" : ", ") + key;
            throw std::invalid_argument("unknown sort key '" + query.sortBy +
                                        "' (expected one of " + known +
                                        ", or test:<metric> / valid:<metric>)");
        }
        order = column->second;
    }
    const char* direction = query.descending ? " DESC" : " ASC";
    const Filter filter = buildFilter(query, join, joinParams);
    const std::string sql = kSummaryColumns + filter.sql + " ORDER BY " + order + direction +
                            ", r.id" + direction + " LIMIT ? OFFSET ?";
    return impl_->read("listing runs", [&] {
        SQLite::Statement& statement = impl_->prepare(sql);
        bindAll(statement, filter.params);
        const int next = static_cast<int>(filter.params.size()) + 1;
        statement.bind(next, query.limit > 0 ? query.limit : int64_t{-1});
        statement.bind(next + 1, std::max<int64_t>(query.offset, 0));
        std::vector<RunSummary> runs;
        while (statement.executeStep()) runs.push_back(readSummary(statement));
        for (RunSummary& summary : runs) completeSummary(*impl_, summary);
        return runs;
    });
}

int64_t RunStore::countRuns(const RunQuery& query) const {
    const Filter filter = buildFilter(query);
    return impl_->read("counting runs", [&] {
        SQLite::Statement& statement = impl_->prepare("SELECT count(*) " + filter.sql);
        bindAll(statement, filter.params);
        statement.executeStep();
        return statement.getColumn(0).getInt64();
    });
}

RunDetails RunStore::run(int64_t run) const {
    return impl_->read("reading run " + std::to_string(run), [&] {
        SQLite::Statement& row = impl_->prepare(
            std::string(kSummaryColumns) +
            ", d.config_json, r.dataset_fingerprint, d.provenance_json, r.notes, "
            "r.best_checkpoint, r.last_checkpoint FROM runs r JOIN studies s ON s.id = "
            "r.study_id JOIN run_documents d ON d.run_id = r.id WHERE r.id = ?");
        row.bind(1, run);
        if (!row.executeStep()) {
            throw StoreError(impl_->path, "has no run with id " + std::to_string(run));
        }
        RunDetails details;
        details.summary = readSummary(row);
        details.configJson = row.getColumn(16).getString();
        details.datasetFingerprint = row.getColumn(17).getString();
        const auto provenance =
            nlohmann::json::parse(row.getColumn(18).getString(), nullptr, false);
        if (provenance.is_object()) details.provenance = provenanceFromJson(provenance);
        details.notes = row.getColumn(19).getString();
        details.bestCheckpoint = row.getColumn(20).getString();
        details.lastCheckpoint = row.getColumn(21).getString();
        completeSummary(*impl_, details.summary);

        SQLite::Statement& checkpoints =
            impl_->prepare("SELECT path, step, best FROM checkpoints WHERE run_id = ? ORDER BY id");
        checkpoints.bind(1, run);
        while (checkpoints.executeStep()) {
            details.checkpoints.push_back({checkpoints.getColumn(0).getString(),
                                           checkpoints.getColumn(1).getInt64(),
                                           checkpoints.getColumn(2).getInt() != 0});
        }
        details.series = seriesList(run);
        SQLite::Statement& embeddings = impl_->prepare(
            "SELECT id, step, label, rows, dim FROM embeddings WHERE run_id = ? ORDER BY id");
        embeddings.bind(1, run);
        while (embeddings.executeStep()) {
            EmbeddingSnapshot snapshot;
            snapshot.id = embeddings.getColumn(0).getInt64();
            snapshot.step = embeddings.getColumn(1).getInt64();
            snapshot.label = embeddings.getColumn(2).getString();
            snapshot.rows = embeddings.getColumn(3).getInt64();
            snapshot.dim = embeddings.getColumn(4).getInt64();
            details.embeddings.push_back(std::move(snapshot));
        }
        return details;
    });
}

int64_t RunStore::findRun(const std::string& uuidOrPrefix) const {
    if (uuidOrPrefix.size() < 4 ||
        uuidOrPrefix.find_first_not_of("0123456789abcdefABCDEF-") != std::string::npos) {
        return 0;
    }
    return impl_->read("looking up run " + uuidOrPrefix, [&] {
        SQLite::Statement& query =
            impl_->prepare("SELECT id FROM runs WHERE uuid LIKE ? || '%' LIMIT 2");
        query.bind(1, uuidOrPrefix);
        if (!query.executeStep()) return int64_t{0};
        const int64_t id = query.getColumn(0).getInt64();
        if (query.executeStep()) {
            throw std::invalid_argument("run uuid prefix '" + uuidOrPrefix +
                                        "' matches several runs; give more of it");
        }
        return id;
    });
}

int64_t RunStore::resolveRun(const std::string& reference) const {
    if (!reference.empty() && reference.size() < 12 &&
        reference.find_first_not_of("0123456789") == std::string::npos) {
        const int64_t id = std::stoll(reference);
        run(id);  // throws, naming the database, if there is no such run
        return id;
    }
    const int64_t id = findRun(reference);
    if (id == 0) {
        throw std::invalid_argument("no run in " + path() + " has id or uuid '" + reference + "'");
    }
    return id;
}

std::vector<SeriesPoint> RunStore::series(int64_t run, const std::string& source,
                                          const std::string& name) const {
    return impl_->read(
        "reading series " + source + "/" + name + " of run " + std::to_string(run), [&] {
            SQLite::Statement& query = impl_->prepare(
                "SELECT p.step, p.epoch, p.value FROM series s JOIN points p ON "
                "p.series_id = s.id WHERE s.run_id = ? AND s.source = ? AND "
                "s.name = ? ORDER BY p.step");
            query.bind(1, run);
            query.bind(2, source);
            query.bind(3, name);
            std::vector<SeriesPoint> points;
            while (query.executeStep()) {
                points.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getInt64(),
                                  query.getColumn(2).getDouble()});
            }
            return points;
        });
}

std::optional<int64_t> RunStore::stepsPerEpoch(int64_t run) const {
    return impl_->read("reading the epochs of run " + std::to_string(run), [&] {
        SQLite::Statement& query = impl_->prepare(
            "SELECT max(CAST(p.step AS REAL) / (p.epoch + 1)), min(p.epoch) < max(p.epoch) "
            "FROM series s JOIN points p ON p.series_id = s.id WHERE s.run_id = ? AND "
            "s.source IN ('train', 'valid')");
        query.bind(1, run);
        query.executeStep();
        std::optional<int64_t> steps;
        if (query.getColumn(1).getInt() != 0) steps = std::llround(query.getColumn(0).getDouble());
        return steps;
    });
}

TrainingExtent RunStore::trainingExtent(int64_t run) const {
    const RunDetails details = this->run(run);
    if (details.summary.steps == 0) return {};
    const nlohmann::json config = nlohmann::json::parse(details.configJson, nullptr, false);
    const nlohmann::json::json_pointer metric("/train/earlyStopMetric");
    const bool given = config.is_object() && config.contains(metric) && config[metric].is_string();
    const std::vector<SeriesPoint> points = series(
        run, "valid", given ? config[metric].get<std::string>() : TrainConfig{}.earlyStopMetric);
    if (points.empty()) return {};
    const auto best = std::max_element(
        points.begin(), points.end(),
        [](const SeriesPoint& a, const SeriesPoint& b) { return a.value < b.value; });
    return {points.back().epoch + 1, best->epoch + 1};
}

std::vector<SeriesInfo> RunStore::seriesList(int64_t run) const {
    return impl_->read("listing the series of run " + std::to_string(run), [&] {
        SQLite::Statement& query = impl_->prepare(
            "SELECT s.source, s.name, (SELECT count(*) FROM points p WHERE p.series_id = s.id) "
            "FROM series s WHERE s.run_id = ? ORDER BY CASE s.source WHEN 'train' THEN 0 WHEN "
            "'valid' THEN 1 ELSE 2 END, s.source, s.name");
        query.bind(1, run);
        std::vector<SeriesInfo> list;
        while (query.executeStep()) {
            list.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                            query.getColumn(2).getInt64()});
        }
        return list;
    });
}

EmbeddingSnapshot RunStore::embeddingSnapshot(int64_t snapshotId) const {
    return impl_->read("reading embedding snapshot " + std::to_string(snapshotId), [&] {
        SQLite::Statement& query =
            impl_->prepare("SELECT step, label, rows, dim, data FROM embeddings WHERE id = ?");
        query.bind(1, snapshotId);
        if (!query.executeStep()) {
            throw StoreError(impl_->path,
                             "has no embedding snapshot with id " + std::to_string(snapshotId));
        }
        EmbeddingSnapshot snapshot;
        snapshot.id = snapshotId;
        snapshot.step = query.getColumn(0).getInt64();
        snapshot.label = query.getColumn(1).getString();
        snapshot.rows = query.getColumn(2).getInt64();
        snapshot.dim = query.getColumn(3).getInt64();
        const SQLite::Column data = query.getColumn(4);
        const size_t count = static_cast<size_t>(data.getBytes()) / sizeof(float);
        if (static_cast<int64_t>(count) != snapshot.rows * snapshot.dim) {
            throw StoreError(impl_->path, "embedding snapshot " + std::to_string(snapshotId) +
                                              " is damaged (wrong size)");
        }
        snapshot.data.resize(count);
        if (count > 0) std::memcpy(snapshot.data.data(), data.getBlob(), count * sizeof(float));
        return snapshot;
    });
}

std::optional<TargetRanks> RunStore::targetRanks(int64_t run, const std::string& split) const {
    return impl_->read(
        "reading the target ranks of run " + std::to_string(run),
        [&]() -> std::optional<TargetRanks> {
            SQLite::Statement& query = impl_->prepare(
                "SELECT users, target_counts, ranks FROM target_ranks "
                "WHERE run_id = ? AND split = ?");
            query.bind(1, run);
            query.bind(2, split);
            if (!query.executeStep()) return std::nullopt;
            const std::string what = "the " + split + " target ranks of run " + std::to_string(run);
            const auto column = [&](int index) {
                const SQLite::Column blob = query.getColumn(index);
                return unpackInt32(blob.getBlob(), static_cast<size_t>(blob.getBytes()), what);
            };
            try {
                return TargetRanks::fromColumns(column(0), column(1), column(2), what);
            } catch (const std::invalid_argument& error) {
                throw StoreError(impl_->path, std::string("is damaged: ") + error.what());
            }
        });
}

std::vector<SeedGroup> RunStore::seedGroups(const RunQuery& query, const std::string& split) const {
    const Filter filter = buildFilter(query);
    return impl_->read("grouping runs by seed", [&] {
        std::vector<SeedGroup> groups;
        std::map<std::string, size_t> groupOf;
        std::map<int64_t, size_t> groupOfRun;
        SQLite::Statement& runs =
            impl_->prepare("SELECT r.id, r.config_hash, r.name, r.model, r.dataset, r.seed " +
                           filter.sql + " ORDER BY r.id");
        bindAll(runs, filter.params);
        while (runs.executeStep()) {
            const std::string hash = runs.getColumn(1).getString();
            auto [found, added] = groupOf.emplace(hash, groups.size());
            if (added) {
                SeedGroup group;
                group.configHash = hash;
                group.name = runs.getColumn(2).getString();
                group.model = runs.getColumn(3).getString();
                group.dataset = runs.getColumn(4).getString();
                groups.push_back(std::move(group));
            }
            SeedGroup& group = groups[found->second];
            const int64_t id = runs.getColumn(0).getInt64();
            group.runIds.push_back(id);
            group.seeds.push_back(static_cast<uint64_t>(runs.getColumn(5).getInt64()));
            groupOfRun[id] = found->second;
        }
        std::vector<std::map<std::string, std::vector<double>>> values(groups.size());
        SQLite::Statement& metrics = impl_->prepare(
            "SELECT f.run_id, f.name, f.value FROM final_metrics f WHERE f.split = ? AND "
            "f.run_id IN (SELECT r.id " +
            filter.sql + ") ORDER BY f.run_id");
        metrics.bind(1, split);
        for (size_t i = 0; i < filter.params.size(); ++i) {
            metrics.bind(static_cast<int>(i + 2), filter.params[i]);
        }
        while (metrics.executeStep()) {
            const size_t group = groupOfRun.at(metrics.getColumn(0).getInt64());
            values[group][metrics.getColumn(1).getString()].push_back(
                metrics.getColumn(2).getDouble());
        }
        for (size_t g = 0; g < groups.size(); ++g) {
            for (const auto& [name, list] : values[g]) groups[g].metrics[name] = statsOf(list);
        }
        return groups;
    });
}

std::vector<std::string> RunStore::tags() const {
    return impl_->read("listing tags", [&] {
        std::vector<std::string> all;
        SQLite::Statement& query = impl_->prepare("SELECT DISTINCT tag FROM tags ORDER BY tag");
        while (query.executeStep()) all.push_back(query.getColumn(0).getString());
        return all;
    });
}

}  // namespace dimerec

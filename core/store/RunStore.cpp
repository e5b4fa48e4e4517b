#include "store/RunStore.h"

#include "store/RunStoreImpl.h"
#include "util/BuildInfo.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <stdexcept>

namespace dimerec {
namespace {

namespace fs = std::filesystem;

// A writer that holds the lock longer than this (it never should: our transactions are
// short) makes the other side fail with a clear message instead of hanging.
constexpr int kBusyTimeoutMs = 5000;

const std::set<std::string> kStatuses = {"queued", "running",   "finished",
                                         "failed", "cancelled", "interrupted"};

// DIMEREC_COMMIT_LOG=<file>: after each committed run write, one line
// "<database>\t<run>\t<what>\t<step>" appended with a single write(2), so that a process
// killed at any moment leaves only whole lines, each for a write that is in the database. The
// kill soak (tests/soak/) checks every line against the file; unset, this costs one getenv.
void logCommit(const std::string& database, int64_t run, const std::string& what, int64_t step) {
    static const char* const logPath = std::getenv("DIMEREC_COMMIT_LOG");
    if (logPath == nullptr || *logPath == '\0') return;
    std::error_code error;
    const fs::path absolute = fs::absolute(database, error);
    const std::string line = (error ? database : absolute.string()) + "\t" + std::to_string(run) +
                             "\t" + what + "\t" + std::to_string(step) + "\n";
    const int fd = ::open(logPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    [[maybe_unused]] const ssize_t written = ::write(fd, line.data(), line.size());
    ::close(fd);
}

std::string newUuid() {
    std::random_device device;
    std::mt19937_64 random(
        (static_cast<uint64_t>(device()) << 32) ^ device() ^
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    const uint64_t high = (random() & ~0xF000ULL) | 0x4000ULL;                 // version 4
    const uint64_t low = (random() & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // variant 1
    char text[37];
    std::snprintf(text, sizeof(text), "%08llx-%04llx-%04llx-%04llx-%012llx",
                  static_cast<unsigned long long>(high >> 32),
                  static_cast<unsigned long long>((high >> 16) & 0xFFFF),
                  static_cast<unsigned long long>(high & 0xFFFF),
                  static_cast<unsigned long long>(low >> 48),
                  static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
    return text;
}

bool processGone(int64_t pid) {
    if (pid <= 0 || pid == static_cast<int64_t>(getpid())) return false;
    return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

StoreError storeError(const std::string& path, const SQLite::Exception& error,
                      const std::string& action) {
    const std::string detail = error.what();
    // A write that the disk or the file size limit refused reaches SQLite as a failed write
    // (SQLITE_IOERR_WRITE), not always as SQLITE_FULL; a failing disk is the rarer cause.
    const bool writeFailed = error.getExtendedErrorCode() == SQLITE_IOERR_WRITE;
    switch (writeFailed ? SQLITE_FULL : error.getErrorCode() & 0xFF) {
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
            return StoreError(
                path, "is not a DimeRec run database (not an SQLite file, or damaged: " + detail +
                          ") — found while " + action +
                          "; give another file, or restore this one from a backup");
        case SQLITE_FULL:
            return StoreError(path, "the disk is full (or the file size limit was reached) while " +
                                        action + (writeFailed ? " (" + detail + ")" : "") +
                                        "; nothing from this change was stored — free some "
                                        "space and try again");
        case SQLITE_READONLY:
            return StoreError(path, "is read-only; nothing from " + action + " was stored");
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return StoreError(path, "stayed locked by another process for more than " +
                                        std::to_string(kBusyTimeoutMs / 1000) + " s while " +
                                        action + "; nothing from this change was stored");
        case SQLITE_IOERR:
            return StoreError(path, "input/output error while " + action + " (" + detail +
                                        "); nothing from this change was stored");
        case SQLITE_CANTOPEN:
            return StoreError(path, "cannot be opened (" + detail + ")");
        default:
            return StoreError(path, detail + " (while " + action + ")");
    }
}

int openFlags(bool readOnly) {
    return readOnly ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
}

void requireStatus(const std::string& status) {
    if (kStatuses.count(status) == 0) {
        throw std::invalid_argument("run status '" + status +
                                    "' is not one of queued, running, finished, failed, "
                                    "cancelled, interrupted");
    }
}

}  // namespace

double unixNow() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

nlohmann::json provenanceToJson(const Provenance& p) {
    return {{"programVersion", p.programVersion},
            {"gitCommit", p.gitCommit},
            {"libtorchVersion", p.libtorchVersion},
            {"blasLibrary", p.blasLibrary},
            {"blasKernels", p.blasKernels},
            {"cpu", p.cpu},
            {"device", p.device},
            {"threads", p.threads},
            {"host", p.host},
            {"pid", p.pid}};
}

std::string otherHistoryName(bool excludeHistory) {
    return excludeHistory ? "history-excluded" : "history-kept";
}

std::string otherHistorySplit(bool excludeHistory) {
    return "test/" + otherHistoryName(excludeHistory);
}

nlohmann::json toJson(const RunSummary& s) {
    return {{"id", s.id},
            {"uuid", s.uuid},
            {"study", s.study},
            {"name", s.name},
            {"model", s.model},
            {"dataset", s.dataset},
            {"protocol", s.protocol},
            {"configHash", s.configHash},
            {"seed", s.seed},
            {"status", s.status},
            {"message", s.message},
            {"startedAt", s.startedAt},
            {"endedAt", s.endedAt},
            {"steps", s.steps},
            {"elapsedSeconds", s.elapsedSeconds},
            {"archived", s.archived},
            {"tags", s.tags},
            {"testMetrics", s.testMetrics},
            {"validMetrics", s.validMetrics},
            {"readoutMetrics", s.readoutMetrics}};
}

Provenance provenanceFromJson(const nlohmann::json& json) {
    Provenance p;
    p.programVersion = json.value("programVersion", "");
    p.gitCommit = json.value("gitCommit", "");
    p.libtorchVersion = json.value("libtorchVersion", "");
    p.blasLibrary = json.value("blasLibrary", "");
    p.blasKernels = json.value("blasKernels", "");
    p.cpu = json.value("cpu", "");
    p.device = json.value("device", "");
    p.threads = json.value("threads", 0);
    p.host = json.value("host", "");
    p.pid = json.value("pid", int64_t{0});
    return p;
}

Provenance currentProvenance(const std::string& device, int threads) {
    const BuildInfo& info = buildInfo();
    Provenance p;
    p.programVersion = info.programVersion;
    p.gitCommit = info.gitCommit;
    p.libtorchVersion = info.libtorchVersion;
    p.blasLibrary = info.blasLibrary;
    p.blasKernels = info.blasKernels;
    p.cpu = info.cpu;
    p.device = device;
    p.threads = threads;
    p.host = info.host;
    p.pid = static_cast<int64_t>(getpid());
    return p;
}

std::string defaultRunName(const std::string& model, const std::string& dataset, int64_t runId) {
    std::string name;
    const auto append = [&name](const std::string& part) {
        for (const char c : part) {
            if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
                name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            } else if (!name.empty() && name.back() != '-') {
                name += '-';
            }
        }
        if (!name.empty() && name.back() != '-') name += '-';
    };
    append(model);
    append(dataset.substr(0, dataset.find('/')));
    return name + std::to_string(runId);
}

RunStore::Impl::Impl(const std::string& file, bool readOnlyMode)
    : path(file), readOnly(readOnlyMode), db(file, openFlags(readOnlyMode), kBusyTimeoutMs) {}

SQLite::Statement& RunStore::Impl::prepare(const std::string& sql) const {
    auto& slot = statements[sql];
    if (!slot) {
        slot = std::make_unique<SQLite::Statement>(db, sql);
    } else {
        slot->reset();
        slot->clearBindings();
    }
    return *slot;
}

void RunStore::Impl::resetStatements() const {
    for (auto& [sql, statement] : statements) statement->tryReset();
}

StoreError RunStore::Impl::translate(const SQLite::Exception& error,
                                     const std::string& action) const {
    return storeError(path, error, action);
}

void RunStore::Impl::requireWritable(const std::string& action) const {
    if (readOnly) {
        throw StoreError(path, "is open read-only; nothing from " + action + " was stored");
    }
}

void RunStore::Impl::requireRun(int64_t run) const {
    SQLite::Statement& query = prepare("SELECT 1 FROM runs WHERE id = ?");
    query.bind(1, run);
    if (!query.executeStep()) throw StoreError(path, "has no run with id " + std::to_string(run));
}

int64_t RunStore::Impl::studyId(const std::string& name) {
    if (name.empty()) throw std::invalid_argument("a study needs a name");
    SQLite::Statement& find = prepare("SELECT id FROM studies WHERE name = ?");
    find.bind(1, name);
    if (find.executeStep()) return find.getColumn(0).getInt64();
    SQLite::Statement& insert = prepare("INSERT INTO studies(name, created_at) VALUES(?, ?)");
    insert.bind(1, name);
    insert.bind(2, unixNow());
    insert.exec();
    return db.getLastInsertRowid();
}

int64_t RunStore::Impl::seriesId(int64_t run, const std::string& source, const std::string& name) {
    SQLite::Statement& find =
        prepare("SELECT id FROM series WHERE run_id = ? AND source = ? AND name = ?");
    find.bind(1, run);
    find.bind(2, source);
    find.bind(3, name);
    if (find.executeStep()) return find.getColumn(0).getInt64();
    SQLite::Statement& insert = prepare("INSERT INTO series(run_id, source, name) VALUES(?, ?, ?)");
    insert.bind(1, run);
    insert.bind(2, source);
    insert.bind(3, name);
    insert.exec();
    return db.getLastInsertRowid();
}

void RunStore::Impl::insertPoint(int64_t series, int64_t step, int64_t epoch, double value) {
    // A resumed run logs again from its checkpoint's step: the newer value wins.
    SQLite::Statement& insert =
        prepare("INSERT OR REPLACE INTO points(series_id, step, epoch, value) VALUES(?, ?, ?, ?)");
    insert.bind(1, series);
    insert.bind(2, step);
    insert.bind(3, epoch);
    insert.bind(4, value);
    insert.exec();
}

void RunStore::Impl::insertDocuments(int64_t run, const std::string& configJson,
                                     const std::string& provenanceJson) {
    SQLite::Statement& insert =
        prepare("INSERT INTO run_documents(run_id, config_json, provenance_json) VALUES(?, ?, ?)");
    insert.bind(1, run);
    insert.bind(2, configJson);
    insert.bind(3, provenanceJson);
    insert.exec();
}

void RunStore::Impl::setFinalMetrics(int64_t run, const std::string& split,
                                     const std::map<std::string, double>& metrics) {
    if (metrics.empty()) return;
    SQLite::Statement& clear = prepare("DELETE FROM final_metrics WHERE run_id = ? AND split = ?");
    clear.bind(1, run);
    clear.bind(2, split);
    clear.exec();
    for (const auto& [name, value] : metrics) {
        SQLite::Statement& insert =
            prepare("INSERT INTO final_metrics(run_id, split, name, value) VALUES(?, ?, ?, ?)");
        insert.bind(1, run);
        insert.bind(2, split);
        insert.bind(3, name);
        insert.bind(4, value);
        insert.exec();
    }
}

void RunStore::Impl::setTargetRanks(int64_t run, const std::string& split,
                                    const TargetRanks& ranks) {
    const std::string users = packInt32(ranks.users());
    const std::string counts = packInt32(ranks.targetCounts());
    const std::string values = packInt32(ranks.ranks());
    SQLite::Statement& insert = prepare(
        "INSERT OR REPLACE INTO target_ranks(run_id, split, users, target_counts, ranks) "
        "VALUES(?, ?, ?, ?, ?)");
    insert.bind(1, run);
    insert.bind(2, split);
    insert.bind(3, users.data(), static_cast<int>(users.size()));
    if (counts.empty()) {
        insert.bind(4);
    } else {
        insert.bind(4, counts.data(), static_cast<int>(counts.size()));
    }
    insert.bind(5, values.data(), static_cast<int>(values.size()));
    insert.exec();
}

RunStore::RunStore(const std::string& path, Mode mode) {
    bool readOnly = mode == Mode::ReadOnly;
    std::error_code error;
    if (fs::exists(path, error)) {
        if (fs::is_directory(path, error))
            throw StoreError(path, "is a folder, not a database file; give a file in it, e.g. " +
                                       (fs::path(path) / "runs.sqlite").string());
        readOnly = readOnly || access(path.c_str(), W_OK) != 0;
    } else if (readOnly) {
        throw StoreError(path, "does not exist");
    } else if (const fs::path folder = fs::path(path).parent_path(); !folder.empty()) {
        fs::create_directories(folder, error);
        if (error) throw StoreError(path, "cannot create its folder: " + error.message());
    }
    try {
        impl_ = std::make_unique<Impl>(path, readOnly);
        impl_->openSchema();
    } catch (const SQLite::Exception& failure) {
        throw storeError(path, failure, "opening the database");
    }
    if (!readOnly) recoverInterruptedRuns();
}

RunStore::~RunStore() = default;
RunStore::RunStore(RunStore&&) noexcept = default;
RunStore& RunStore::operator=(RunStore&&) noexcept = default;

std::string RunStore::defaultPath() {
    const char* dataHome = std::getenv("XDG_DATA_HOME");
    if (dataHome != nullptr && fs::path(dataHome).is_absolute()) {
        return (fs::path(dataHome) / "dimerec" / "runs.sqlite").string();
    }
    const char* home = std::getenv("HOME");
    const fs::path base = home != nullptr && *home != '\0' ? fs::path(home) : fs::current_path();
    return (base / ".local" / "share" / "dimerec" / "runs.sqlite").string();
}

const std::string& RunStore::path() const {
    return impl_->path;
}

std::string RunStore::checkpointDir(const std::string& runUuid) const {
    return (fs::absolute(path()).parent_path() / "checkpoints" / runUuid).string();
}

bool RunStore::readOnly() const {
    return impl_->readOnly;
}

int64_t RunStore::ensureStudy(const std::string& name) {
    int64_t id = 0;
    impl_->write("creating study '" + name + "'", [&] { id = impl_->studyId(name); });
    return id;
}

int64_t RunStore::createRun(const NewRun& run) {
    if (run.status != "queued" && run.status != "running") {
        throw std::invalid_argument("a new run is queued or running, not '" + run.status + "'");
    }
    const std::string configJson = toJson(run.config).dump(2);
    const std::string hash = configHash(run.config);
    const std::string provenance = provenanceToJson(run.provenance).dump();
    const std::string dataset = run.datasetName.empty() ? run.config.data.dataset : run.datasetName;
    int64_t id = 0;
    impl_->write("creating a run", [&] {
        const int64_t study = impl_->studyId(run.study);
        SQLite::Statement& insert = impl_->prepare(
            "INSERT INTO runs(uuid, study_id, name, config_hash, seed, model, dataset, "
            "dataset_fingerprint, protocol, status, started_at, pid, host) "
            "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, newUuid());
        insert.bind(2, study);
        insert.bind(3, run.config.name);
        insert.bind(4, hash);
        insert.bind(5, static_cast<int64_t>(run.config.train.seed));
        insert.bind(6, nameOf(run.config.model.model));
        insert.bind(7, dataset);
        insert.bind(8, run.datasetFingerprint);
        insert.bind(9, nameOf(run.config.data.protocol));
        insert.bind(10, run.status);
        insert.bind(11, unixNow());
        insert.bind(12, run.provenance.pid);
        insert.bind(13, run.provenance.host);
        insert.exec();
        id = impl_->db.getLastInsertRowid();
        if (run.config.name.empty()) {
            SQLite::Statement& name = impl_->prepare("UPDATE runs SET name = ? WHERE id = ?");
            name.bind(1, defaultRunName(nameOf(run.config.model.model), dataset, id));
            name.bind(2, id);
            name.exec();
        }
        impl_->insertDocuments(id, configJson, provenance);
    });
    logCommit(impl_->path, id, "run", 0);
    return id;
}

void RunStore::appendSteps(int64_t run, const std::vector<StepPoint>& points) {
    if (points.empty()) return;
    int64_t lastStep = 0;
    impl_->write("appending loss points of run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        std::map<std::string, int64_t> seriesOf;
        for (const StepPoint& point : points) {
            for (const auto& [name, value] : point.losses) {
                auto found = seriesOf.find(name);
                if (found == seriesOf.end()) {
                    found = seriesOf.emplace(name, impl_->seriesId(run, "train", name)).first;
                }
                impl_->insertPoint(found->second, point.step, point.epoch, value);
            }
            lastStep = std::max(lastStep, point.step);
        }
        SQLite::Statement& steps =
            impl_->prepare("UPDATE runs SET steps = max(steps, ?) WHERE id = ?");
        steps.bind(1, lastStep);
        steps.bind(2, run);
        steps.exec();
    });
    logCommit(impl_->path, run, "steps", lastStep);
}

void RunStore::appendEvaluation(int64_t run, const EvaluationPoint& evaluation) {
    if (evaluation.split.empty()) throw std::invalid_argument("an evaluation needs a split");
    impl_->write("storing the " + evaluation.split + " evaluation of run " + std::to_string(run),
                 [&] {
                     impl_->requireRun(run);
                     for (const auto& [name, value] : evaluation.metrics) {
                         impl_->insertPoint(impl_->seriesId(run, evaluation.split, name),
                                            evaluation.step, evaluation.epoch, value);
                     }
                     // The final test is the run's result even if the process dies before
                     // finishing.
                     if (evaluation.split == "test") {
                         impl_->setFinalMetrics(run, "test", evaluation.metrics);
                         if (!evaluation.ranks.empty())
                             impl_->setTargetRanks(run, "test", evaluation.ranks);
                     }
                 });
    logCommit(impl_->path, run, evaluation.split, evaluation.step);
}

void RunStore::addCheckpoint(int64_t run, const CheckpointRef& checkpoint) {
    impl_->write("recording a checkpoint of run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        SQLite::Statement& insert =
            impl_->prepare("INSERT INTO checkpoints(run_id, path, step, best) VALUES(?, ?, ?, ?)");
        insert.bind(1, run);
        insert.bind(2, checkpoint.path);
        insert.bind(3, checkpoint.step);
        insert.bind(4, checkpoint.best ? 1 : 0);
        insert.exec();
        SQLite::Statement& update =
            impl_->prepare(checkpoint.best ? "UPDATE runs SET best_checkpoint = ? WHERE id = ?"
                                           : "UPDATE runs SET last_checkpoint = ? WHERE id = ?");
        update.bind(1, checkpoint.path);
        update.bind(2, run);
        update.exec();
    });
    logCommit(impl_->path, run, "checkpoint", checkpoint.step);
}

void RunStore::finishRun(int64_t run, const RunResult& result) {
    requireStatus(result.status);
    impl_->write("storing the result of run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        SQLite::Statement& update = impl_->prepare(
            "UPDATE runs SET status = ?, message = ?, ended_at = ?, steps = max(steps, ?), "
            "elapsed_seconds = ?, best_checkpoint = CASE WHEN ? = '' THEN best_checkpoint "
            "ELSE ? END, last_checkpoint = CASE WHEN ? = '' THEN last_checkpoint ELSE ? END "
            "WHERE id = ?");
        update.bind(1, result.status);
        update.bind(2, result.message);
        update.bind(3, unixNow());
        update.bind(4, result.steps);
        update.bind(5, result.elapsedSeconds);
        update.bind(6, result.bestCheckpoint);
        update.bind(7, result.bestCheckpoint);
        update.bind(8, result.lastCheckpoint);
        update.bind(9, result.lastCheckpoint);
        update.bind(10, run);
        update.exec();
        impl_->setFinalMetrics(run, "valid", result.bestValid);
        impl_->setFinalMetrics(run, "test", result.test);
    });
}

void RunStore::setFinalMetrics(int64_t run, const std::string& split,
                               const std::map<std::string, double>& metrics,
                               const TargetRanks* ranks) {
    if (split.empty()) throw std::invalid_argument("final metrics: the split has no name");
    impl_->write("storing the " + split + " metrics of run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        impl_->setFinalMetrics(run, split, metrics);
        if (ranks != nullptr && !ranks->empty()) impl_->setTargetRanks(run, split, *ranks);
    });
}

void RunStore::setStatus(int64_t run, const std::string& status, const std::string& message) {
    requireStatus(status);
    const bool active = status == "queued" || status == "running";
    impl_->write("setting the status of run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        // A run set running (again, when resumed) belongs to this process from now on.
        SQLite::Statement& update = impl_->prepare(
            "UPDATE runs SET status = ?, message = ?, ended_at = ?, "
            "pid = CASE WHEN ? THEN ? ELSE pid END, host = CASE WHEN ? THEN ? ELSE host END "
            "WHERE id = ?");
        const bool claim = status == "running";
        update.bind(1, status);
        update.bind(2, message);
        update.bind(3, active ? 0.0 : unixNow());
        update.bind(4, claim ? 1 : 0);
        update.bind(5, static_cast<int64_t>(getpid()));
        update.bind(6, claim ? 1 : 0);
        update.bind(7, buildInfo().host);
        update.bind(8, run);
        update.exec();
    });
}

int64_t RunStore::addEmbeddingSnapshot(int64_t run, const EmbeddingSnapshot& snapshot) {
    if (snapshot.rows < 0 || snapshot.dim <= 0 ||
        static_cast<int64_t>(snapshot.data.size()) != snapshot.rows * snapshot.dim) {
        throw std::invalid_argument("embedding snapshot '" + snapshot.label +
                                    "': " + std::to_string(snapshot.data.size()) +
                                    " values do not make " + std::to_string(snapshot.rows) +
                                    " rows of " + std::to_string(snapshot.dim));
    }
    int64_t id = 0;
    impl_->write("storing an embedding snapshot of run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        SQLite::Statement& insert = impl_->prepare(
            "INSERT INTO embeddings(run_id, step, label, rows, dim, data) VALUES(?, ?, ?, ?, ?, "
            "?)");
        insert.bind(1, run);
        insert.bind(2, snapshot.step);
        insert.bind(3, snapshot.label);
        insert.bind(4, snapshot.rows);
        insert.bind(5, snapshot.dim);
        insert.bind(6, snapshot.data.data(),
                    static_cast<int>(snapshot.data.size() * sizeof(float)));
        insert.exec();
        id = impl_->db.getLastInsertRowid();
    });
    return id;
}

int RunStore::recoverInterruptedRuns() {
    // Looked up first without the write lock, so that merely opening the store (every
    // `dimerec runs list`) does not queue behind a writer when there is nothing to recover.
    const std::vector<std::pair<int64_t, int64_t>> gone =
        impl_->read("looking for interrupted runs", [&] {
            SQLite::Statement& running =
                impl_->prepare("SELECT id, pid FROM runs WHERE status = 'running' AND host = ?");
            running.bind(1, buildInfo().host);
            std::vector<std::pair<int64_t, int64_t>> found;
            while (running.executeStep()) {
                const int64_t pid = running.getColumn(1).getInt64();
                if (processGone(pid)) found.emplace_back(running.getColumn(0).getInt64(), pid);
            }
            return found;
        });
    if (gone.empty()) return 0;
    int recovered = 0;
    impl_->write("marking interrupted runs", [&] {
        for (const auto& [run, pid] : gone) {
            SQLite::Statement& update = impl_->prepare(
                "UPDATE runs SET status = 'interrupted', message = ?, ended_at = ? "
                "WHERE id = ? AND status = 'running' AND pid = ?");
            update.bind(1, "process " + std::to_string(pid) +
                               " ended without finishing the run; what it logged is kept");
            update.bind(2, unixNow());
            update.bind(3, run);
            update.bind(4, pid);
            recovered += update.exec();
        }
    });
    return recovered;
}

void RunStore::addTags(int64_t run, const std::vector<std::string>& tags) {
    impl_->write("tagging run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        for (const std::string& tag : tags) {
            if (tag.empty()) throw std::invalid_argument("a tag cannot be empty");
            SQLite::Statement& insert =
                impl_->prepare("INSERT OR IGNORE INTO tags(run_id, tag) VALUES(?, ?)");
            insert.bind(1, run);
            insert.bind(2, tag);
            insert.exec();
        }
    });
}

void RunStore::removeTags(int64_t run, const std::vector<std::string>& tags) {
    impl_->write("untagging run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        for (const std::string& tag : tags) {
            SQLite::Statement& remove =
                impl_->prepare("DELETE FROM tags WHERE run_id = ? AND tag = ?");
            remove.bind(1, run);
            remove.bind(2, tag);
            remove.exec();
        }
    });
}

void RunStore::setNotes(int64_t run, const std::string& notes) {
    impl_->write("saving the notes of run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        SQLite::Statement& update = impl_->prepare("UPDATE runs SET notes = ? WHERE id = ?");
        update.bind(1, notes);
        update.bind(2, run);
        update.exec();
    });
}

void RunStore::setArchived(int64_t run, bool archived) {
    impl_->write("archiving run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        SQLite::Statement& update = impl_->prepare("UPDATE runs SET archived = ? WHERE id = ?");
        update.bind(1, archived ? 1 : 0);
        update.bind(2, run);
        update.exec();
    });
}

void RunStore::deleteRun(int64_t run) {
    impl_->write("deleting run " + std::to_string(run), [&] {
        impl_->requireRun(run);
        SQLite::Statement& remove = impl_->prepare("DELETE FROM runs WHERE id = ?");
        remove.bind(1, run);
        remove.exec();
    });
}

}  // namespace dimerec

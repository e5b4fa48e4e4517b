// The run store's schema and its forward migrations. A database records its schema version
// in SQLite's user_version and is marked as ours by application_id; migration N brings a
// database from version N - 1 to N, inside the same transaction as the version bump.
#include "store/RunStoreImpl.h"

#include <array>

namespace dimerec {
namespace {

// "DREC": tells our databases from other programs' SQLite files.
constexpr int kApplicationId = 0x44524543;

// Version 1: studies, runs, series of points, final metrics, tags, checkpoints.
constexpr const char* kMigrationTo1 = R"sql(
CREATE TABLE studies(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  study_id INTEGER NOT NULL REFERENCES studies(id),
  name TEXT NOT NULL DEFAULT '',
  config_json TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  seed INTEGER NOT NULL,
  model TEXT NOT NULL,
  dataset TEXT NOT NULL,
  dataset_fingerprint TEXT NOT NULL DEFAULT '',
  protocol TEXT NOT NULL,
  status TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  started_at REAL NOT NULL,
  ended_at REAL NOT NULL DEFAULT 0,
  steps INTEGER NOT NULL DEFAULT 0,
  elapsed_seconds REAL NOT NULL DEFAULT 0,
  provenance_json TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  best_checkpoint TEXT NOT NULL DEFAULT '',
  last_checkpoint TEXT NOT NULL DEFAULT '');
CREATE TABLE series(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE(run_id, source, name));
CREATE TABLE points(
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY(series_id, step)) WITHOUT ROWID;
CREATE TABLE final_metrics(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY(run_id, split, name)) WITHOUT ROWID;
CREATE TABLE tags(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY(run_id, tag)) WITHOUT ROWID;
CREATE INDEX tags_by_tag ON tags(tag);
CREATE TABLE checkpoints(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  step INTEGER NOT NULL,
  best INTEGER NOT NULL);
CREATE INDEX checkpoints_by_run ON checkpoints(run_id);
)sql";

// Version 2: archiving, the writing process as columns (crash recovery looks runs up by
// host), embedding snapshots, and what makes the paged run table fast: the bulky JSON
// documents move out of `runs` (a filter or count then scans 10x fewer pages) and indexes
// for the columns it sorts and filters by.
constexpr const char* kMigrationTo2 = R"sql(
ALTER TABLE runs ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN host TEXT NOT NULL DEFAULT '';
UPDATE runs SET pid = coalesce(json_extract(provenance_json, '$.pid'), 0),
                host = coalesce(json_extract(provenance_json, '$.host'), '')
  WHERE json_valid(provenance_json);
CREATE TABLE run_documents(
  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  config_json TEXT NOT NULL,
  provenance_json TEXT NOT NULL);
INSERT INTO run_documents(run_id, config_json, provenance_json)
  SELECT id, config_json, provenance_json FROM runs;
ALTER TABLE runs DROP COLUMN config_json;
ALTER TABLE runs DROP COLUMN provenance_json;
CREATE TABLE embeddings(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  label TEXT NOT NULL,
  rows INTEGER NOT NULL,
  dim INTEGER NOT NULL,
  data BLOB NOT NULL);
CREATE INDEX embeddings_by_run ON embeddings(run_id);
CREATE INDEX runs_by_started ON runs(archived, started_at);
CREATE INDEX runs_by_status ON runs(status, host);
CREATE INDEX runs_by_model ON runs(model);
CREATE INDEX runs_by_dataset ON runs(dataset);
CREATE INDEX runs_by_study ON runs(study_id);
CREATE INDEX runs_by_config ON runs(config_hash);
CREATE INDEX final_metrics_by_metric ON final_metrics(split, name, value);
)sql";

// Version 3: per-user evaluation data, the rank of every target of a run's test evaluation
// (TargetRanks) as little-endian int32 columns: users (one per case), target_counts (targets
// per case; NULL when every case has one) and ranks. Runs stored before have none; the
// comparisons then fall back to seed-level tests and say so.
constexpr const char* kMigrationTo3 = R"sql(
CREATE TABLE target_ranks(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL,
  users BLOB NOT NULL,
  target_counts BLOB,
  ranks BLOB NOT NULL,
  UNIQUE(run_id, split));
)sql";

constexpr std::array<const char*, 3> kMigrations = {kMigrationTo1, kMigrationTo2, kMigrationTo3};

}  // namespace

int RunStore::schemaVersion() {
    return static_cast<int>(kMigrations.size());
}

void RunStore::Impl::openSchema() {
    const int current = RunStore::schemaVersion();
    // Nothing is written before the file is known to be ours (or empty) and not newer.
    const int applicationId = db.execAndGet("PRAGMA application_id").getInt();
    const int version = db.execAndGet("PRAGMA user_version").getInt();
    const int64_t objects = db.execAndGet("SELECT count(*) FROM sqlite_master").getInt64();
    if (applicationId != kApplicationId && (applicationId != 0 || objects > 0)) {
        throw StoreError(path,
                         "is an SQLite database of another program, not a DimeRec run "
                         "database; it was left untouched — give another file for the runs");
    }
    if (version > current) {
        throw StoreError(path, "was written by a newer DimeRec (schema version " +
                                   std::to_string(version) + "; this program knows up to " +
                                   std::to_string(current) +
                                   "); upgrade DimeRec to open it. The file was left untouched");
    }
    if (readOnly) {
        if (version < current) {
            throw StoreError(path, "has schema version " + std::to_string(version) +
                                       " and must be opened writable once to be upgraded to " +
                                       std::to_string(current));
        }
        db.exec("PRAGMA foreign_keys = ON");
        return;
    }
    // Separate statements: a pending PRAGMA result would hold a read transaction open, and the
    // journal mode cannot change inside one.
    const std::string journal = db.execAndGet("PRAGMA journal_mode").getString();
    if (journal != "wal") {
        const std::string switched = db.execAndGet("PRAGMA journal_mode = WAL").getString();
        if (switched != "wal") throw StoreError(path, "cannot switch the database to WAL mode");
    }
    db.exec("PRAGMA foreign_keys = ON");
    // In WAL mode NORMAL survives any crash of the process; a power cut may lose the last
    // commits but never corrupts the file.
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA cache_size = -16384");  // 16 MiB: the run table of 10,000 runs stays cached
    if (version == current) return;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Another process may have migrated while we waited for the write lock.
    const int from = db.execAndGet("PRAGMA user_version").getInt();
    for (int next = from; next < current; ++next) db.exec(kMigrations[static_cast<size_t>(next)]);
    db.exec("PRAGMA user_version = " + std::to_string(current));
    db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    transaction.commit();
}

}  // namespace dimerec

// The run store under bad input, old files, crashes and concurrent processes.
#include "StoreTestSupport.h"

#include "store/RunStore.h"
#include "store/StoreError.h"
#include "util/BuildInfo.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace dimerec {
namespace {

using test::makeRun;
using test::TempDir;

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::string integrity(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    return db.execAndGet("PRAGMA integrity_check").getString();
}

// "{db}" in an expected message stands for the database's path.
std::string expand(std::string text, const std::string& path) {
    for (size_t at = text.find("{db}"); at != std::string::npos; at = text.find("{db}", at))
        text.replace(at, 4, path);
    return text;
}

constexpr const char* kNotADatabase =
    "{db}: is not a DimeRec run database (not an SQLite file, or damaged: file is not a "
    "database) — found while opening the database; give another file, or restore this one "
    "from a backup";

// A file given as the run database that the store must refuse to open.
struct BadDatabase {
    const char* name;
    std::function<void(const std::string& path)> make;  // writes the bad file at path
    std::string message;                                // exact, "{db}" for the path
};

// Each is refused with its exact message and left byte for byte as it was
// (docs/reliability.md, catalogue "databases").
TEST(RunStoreFailureTest, BadDatabasesAreRefusedAndLeftUntouched) {
    const std::vector<BadDatabase> cases = {
        {"another program's SQLite database",
         [](const std::string& path) {
             SQLite::Database other(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
             other.exec("CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES('Ada')");
         },
         "{db}: is an SQLite database of another program, not a DimeRec run database; it was "
         "left untouched — give another file for the runs"},
        {"a text file",
         [](const std::string& path) {
             std::string text;
             for (int i = 0; i < 200; ++i) text += "1,2,5.0,978300760\n";
             std::ofstream(path) << text;
         },
         kNotADatabase},
        {"a damaged database (SQLite header, garbage pages)",
         [](const std::string& path) {
             std::ofstream(path, std::ios::binary)
                 << std::string("SQLite format 3\0", 16) << std::string(4080, 'Z');
         },
         kNotADatabase},
        {"a database of a newer DimeRec",
         [](const std::string& path) {
             {
                 RunStore store(path);
                 store.createRun(makeRun("dimerec", 1));
             }
             SQLite::Database raw(path, SQLite::OPEN_READWRITE);
             raw.exec("PRAGMA user_version = 99");
         },
         "{db}: was written by a newer DimeRec (schema version 99; this program knows up to 3); "
         "upgrade DimeRec to open it. The file was left untouched"},
        {"a folder", [](const std::string& path) { std::filesystem::create_directory(path); },
         "{db}: is a folder, not a database file; give a file in it, e.g. {db}/runs.sqlite"},
    };
    for (const BadDatabase& bad : cases) {
        SCOPED_TRACE(bad.name);
        TempDir dir;
        const std::string path = dir.file("runs.sqlite");
        bad.make(path);
        const std::string before = readBytes(path);
        try {
            RunStore store(path);
            ADD_FAILURE() << "opened " << path;
        } catch (const StoreError& error) {
            EXPECT_EQ(std::string(error.what()), expand(bad.message, path));
        }
        EXPECT_EQ(readBytes(path), before);
    }
    TempDir dir;
    const std::string missing = dir.file("missing.sqlite");
    try {
        RunStore store(missing, RunStore::Mode::ReadOnly);
        ADD_FAILURE() << "opened a missing file read-only";
    } catch (const StoreError& error) {
        EXPECT_EQ(std::string(error.what()), expand("{db}: does not exist", missing));
    }
    EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST(RunStoreFailureTest, MigratesADatabaseWrittenBySchemaVersion1) {
    TempDir dir;
    const std::string path = dir.file("old.sqlite");
    {
        SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        old.exec(readBytes(std::string(DIMEREC_FIXTURES_DIR) + "/store/schema-v1.sql"));
        // The fixture's running run belongs to a dead process of *this* host, so that opening
        // the store must also recover it.
        SQLite::Statement host(old,
                               "UPDATE runs SET provenance_json = "
                               "json_set(provenance_json, '$.host', ?) WHERE id = 2");
        host.bind(1, buildInfo().host);
        host.exec();
    }
    RunStore store(path);
    {
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), RunStore::schemaVersion());
    }
    const RunDetails finished = store.run(1);
    EXPECT_EQ(finished.summary.uuid, "0b7e3a52-9d41-4c8e-a6f1-2f3c5d7e9a10");
    EXPECT_EQ(finished.summary.study, "baseline sweep");
    EXPECT_EQ(finished.summary.status, "finished");
    EXPECT_FALSE(finished.summary.archived);
    EXPECT_EQ(finished.summary.tags, std::vector<std::string>{"baseline"});
    EXPECT_DOUBLE_EQ(finished.summary.testMetrics.at("ndcg@10"), 0.1);
    EXPECT_EQ(finished.notes, "first try");
    EXPECT_EQ(finished.provenance.host, "old-host");
    EXPECT_EQ(finished.provenance.pid, 4242);
    EXPECT_EQ(finished.checkpoints.size(), 1u);
    EXPECT_EQ(store.series(1, "train", "total").size(), 3u);

    const RunDetails crashed = store.run(2);
    EXPECT_EQ(crashed.summary.status, "interrupted");
    EXPECT_EQ(store.series(2, "train", "total").size(), 2u);

    // The new schema's features work on the migrated file.
    store.setArchived(1, true);
    EXPECT_EQ(store.countRuns(RunQuery{}), 1);
    EXPECT_GT(store.addEmbeddingSnapshot(1, {0, 3, "best", 1, 2, {0.6f, 0.8f}}), 0);
    // Runs stored before version 3 have no per-user ranks; new test evaluations keep theirs.
    EXPECT_FALSE(store.targetRanks(1).has_value());
    TargetRanks ranks;
    ranks.addCase(0, {3});
    store.appendEvaluation(1, {5, 1, "test", {{"ndcg@10", 0.1}}, ranks});
    EXPECT_EQ(store.targetRanks(1), ranks);
    EXPECT_EQ(integrity(path), "ok");
}

TEST(RunStoreFailureTest, ReadOnlyStoreReadsButRefusesWrites) {
    TempDir dir;
    const std::string path = dir.file("runs.sqlite");
    int64_t id = 0;
    {
        RunStore store(path);
        id = store.createRun(makeRun("dimerec", 1));
    }
    RunStore reader(path, RunStore::Mode::ReadOnly);
    EXPECT_TRUE(reader.readOnly());
    EXPECT_EQ(reader.countRuns(RunQuery{}), 1);
    try {
        reader.addTags(id, {"paper"});
        FAIL() << "a read-only store accepted a write";
    } catch (const StoreError& error) {
        EXPECT_EQ(std::string(error.what()),
                  expand("{db}: is open read-only; nothing from tagging run 1 was stored", path));
    }
    EXPECT_TRUE(reader.run(id).summary.tags.empty());
}

// Another process holds the write lock for longer than the store waits: the write fails
// with a message that says who to look for, and the file keeps everything stored before.
TEST(RunStoreFailureTest, DatabaseLockedByAnotherWriterFailsCleanly) {
    TempDir dir;
    const std::string path = dir.file("runs.sqlite");
    int64_t id = 0;
    {
        RunStore store(path);
        id = store.createRun(makeRun("dimerec", 1));
        store.appendSteps(id, {{1, 0, {{"total", 1.0}}}});
    }
    SQLite::Database other(path, SQLite::OPEN_READWRITE);
    other.exec("BEGIN IMMEDIATE");
    RunStore store(path);
    try {
        store.appendSteps(id, {{2, 0, {{"total", 0.5}}}});
        ADD_FAILURE() << "wrote while another connection held the write lock";
    } catch (const StoreError& error) {
        EXPECT_EQ(std::string(error.what()),
                  expand("{db}: stayed locked by another process for more than 5 s while "
                         "appending loss points of run 1; nothing from this change was stored",
                         path));
    }
    other.exec("ROLLBACK");
    EXPECT_EQ(store.series(id, "train", "total").size(), 1u);
    store.appendSteps(id, {{2, 0, {{"total", 0.5}}}});
    EXPECT_EQ(store.series(id, "train", "total").size(), 2u);
    EXPECT_EQ(integrity(path), "ok");
}

TEST(RunStoreFailureTest, ReadOnlyFileOpensReadOnly) {
    if (geteuid() == 0) GTEST_SKIP() << "root writes to read-only files; covered by Mode::ReadOnly";
    TempDir dir;
    const std::string path = dir.file("runs.sqlite");
    { RunStore store(path); }
    chmod(path.c_str(), 0444);
    RunStore store(path);
    EXPECT_TRUE(store.readOnly());
    EXPECT_THROW(store.createRun(makeRun("dimerec", 1)), StoreError);
}

// A child process whose file size limit stops the database from growing (as a full disk
// would) fails to store a large batch; what was stored before stays complete and readable.
TEST(RunStoreFailureTest, FullDiskFailsCleanlyAndKeepsStoredRuns) {
    TempDir dir;
    const std::string path = dir.file("runs.sqlite");
    int64_t id = 0;
    {
        RunStore store(path);
        id = store.createRun(makeRun("dimerec", 1));
        std::vector<StepPoint> points;
        for (int64_t step = 1; step <= 100; ++step) points.push_back({step, 0, {{"total", 1.0}}});
        store.appendSteps(id, points);
    }
    int pipeFds[2];
    ASSERT_EQ(pipe(pipeFds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        close(pipeFds[0]);
        std::string report = "no error";
        try {
            RunStore store(path);
            signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{64 * 1024, 64 * 1024};
            setrlimit(RLIMIT_FSIZE, &limit);
            std::vector<StepPoint> points;
            for (int64_t step = 101; step <= 100000; ++step) {
                points.push_back({step, 0, {{"total", 0.5}, {"gem", 0.25}}});
            }
            store.appendSteps(id, points);
        } catch (const StoreError& error) {
            report = error.what();
        } catch (const std::exception& error) {
            report = std::string("unexpected: ") + error.what();
        }
        const ssize_t written = write(pipeFds[1], report.data(), report.size());
        _exit(written == static_cast<ssize_t>(report.size()) ? 0 : 1);
    }
    close(pipeFds[1]);
    std::string report;
    char buffer[512];
    ssize_t got = 0;
    while ((got = read(pipeFds[0], buffer, sizeof(buffer))) > 0)
        report.append(buffer, static_cast<size_t>(got));
    close(pipeFds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_EQ(report, expand("{db}: the disk is full (or the file size limit was reached) while "
                             "appending loss points of run 1 (disk I/O error); nothing from "
                             "this change was stored — free some space and try again",
                             path));

    RunStore store(path);
    EXPECT_EQ(store.series(id, "train", "total").size(), 100u);
    EXPECT_TRUE(store.series(id, "train", "gem").empty());
    EXPECT_EQ(integrity(path), "ok");
}

// Kills a writing process at random points; every transaction it saw commit must be there,
// the file must be intact and the run marked interrupted.
TEST(RunStoreFailureTest, KilledWriterLosesNoCommittedTransaction) {
    TempDir dir;
    const std::string path = dir.file("runs.sqlite");
    { RunStore create(path); }
    std::mt19937 random(20261128);
    constexpr int kKills = 12;
    constexpr int64_t kPointsPerBatch = 10;
    for (int round = 0; round < kKills; ++round) {
        int pipeFds[2];
        ASSERT_EQ(pipe(pipeFds), 0);
        const pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            close(pipeFds[0]);
            RunStore store(path);
            const int64_t run = store.createRun(makeRun("dimerec", static_cast<uint64_t>(round)));
            if (write(pipeFds[1], &run, sizeof(run)) != sizeof(run)) _exit(1);
            for (int64_t batch = 1;; ++batch) {
                std::vector<StepPoint> points;
                for (int64_t i = 0; i < kPointsPerBatch; ++i) {
                    const int64_t step = (batch - 1) * kPointsPerBatch + i + 1;
                    points.push_back({step, 0, {{"total", static_cast<double>(step)}}});
                }
                store.appendSteps(run, points);
                if (write(pipeFds[1], &batch, sizeof(batch)) != sizeof(batch)) _exit(1);
            }
        }
        close(pipeFds[1]);
        int64_t run = 0;
        ASSERT_EQ(read(pipeFds[0], &run, sizeof(run)), static_cast<ssize_t>(sizeof(run)));
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(1, 60)(random)));
        kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);
        int64_t acknowledged = 0;
        int64_t batch = 0;
        while (read(pipeFds[0], &batch, sizeof(batch)) == static_cast<ssize_t>(sizeof(batch))) {
            acknowledged = batch;
        }
        close(pipeFds[0]);

        EXPECT_EQ(integrity(path), "ok");
        RunStore store(path);
        const auto points = store.series(run, "train", "total");
        // Committed batches are all there; the one in flight is there entirely or not at all.
        EXPECT_GE(static_cast<int64_t>(points.size()), acknowledged * kPointsPerBatch);
        EXPECT_LE(static_cast<int64_t>(points.size()), (acknowledged + 1) * kPointsPerBatch);
        EXPECT_EQ(static_cast<int64_t>(points.size()) % kPointsPerBatch, 0);
        EXPECT_EQ(store.run(run).summary.status, "interrupted");
    }
    RunQuery interrupted;
    interrupted.statuses = {"interrupted"};
    EXPECT_EQ(RunStore(path).countRuns(interrupted), kKills);
}

TEST(RunStoreFailureTest, TwoConnectionsSeeEachOthersWrites) {
    TempDir dir;
    const std::string path = dir.file("runs.sqlite");
    RunStore workbench(path);
    RunStore trainer(path);
    const int64_t id = trainer.createRun(makeRun("dimerec", 1));
    EXPECT_EQ(workbench.run(id).summary.status, "running");  // alive: this process owns it
    workbench.addTags(id, {"watching"});
    trainer.appendSteps(id, {{1, 0, {{"total", 1.0}}}});
    EXPECT_EQ(workbench.series(id, "train", "total").size(), 1u);
    EXPECT_EQ(trainer.run(id).summary.tags, std::vector<std::string>{"watching"});
    RunStore third(path);  // opening again must not mark our own live run interrupted
    EXPECT_EQ(third.run(id).summary.status, "running");
}

TEST(RunStoreFailureTest, TwoProcessesWriteAtTheSameTime) {
    TempDir dir;
    const std::string path = dir.file("runs.sqlite");
    { RunStore create(path); }
    constexpr int kRunsEach = 40;
    auto writeRuns = [&](const std::string& model) {
        RunStore store(path);
        for (int i = 0; i < kRunsEach; ++i) {
            const int64_t id = store.createRun(makeRun(model, static_cast<uint64_t>(i)));
            store.appendSteps(id, {{1, 0, {{"total", 1.0}}}, {2, 0, {{"total", 0.5}}}});
            RunResult result;
            result.status = "finished";
            result.test = {{"ndcg@10", 0.1}};
            store.finishRun(id, result);
        }
    };
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        try {
            writeRuns("sasrec");
        } catch (...) {
            _exit(1);
        }
        _exit(0);
    }
    writeRuns("dimerec");
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    RunStore store(path);
    RunQuery finished;
    finished.statuses = {"finished"};
    EXPECT_EQ(store.countRuns(finished), 2 * kRunsEach);
    EXPECT_EQ(integrity(path), "ok");
}

}  // namespace
}  // namespace dimerec

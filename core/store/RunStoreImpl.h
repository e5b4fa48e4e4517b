#pragma once

// Internal to core/store: the connection behind a RunStore, shared by the source files that
// implement its parts (schema, writes, queries, bundles).

#include "store/RunStore.h"
#include "store/StoreError.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json_fwd.hpp>

#include <map>
#include <memory>
#include <string>

namespace dimerec {

struct RunStore::Impl {
    Impl(const std::string& path, bool readOnly);

    std::string path;
    bool readOnly = false;
    SQLite::Database db;
    // Prepared once per connection; each use starts from a reset statement.
    mutable std::map<std::string, std::unique_ptr<SQLite::Statement>> statements;

    SQLite::Statement& prepare(const std::string& sql) const;
    // The StoreError for a failed SQLite call during `action` ("appending loss points").
    StoreError translate(const SQLite::Exception& error, const std::string& action) const;
    void requireWritable(const std::string& action) const;
    void requireRun(int64_t run) const;

    // Runs `body` in one IMMEDIATE transaction (so a writer never has to upgrade a read lock
    // and deadlock with another process); any failure rolls everything back.
    template <class Body>
    void write(const std::string& action, Body&& body) {
        requireWritable(action);
        const Use use(*this);
        try {
            SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
            body();
            resetStatements();
            transaction.commit();
        } catch (const SQLite::Exception& error) {
            throw translate(error, action);
        }
    }

    template <class Body>
    auto read(const std::string& action, Body&& body) const -> decltype(body()) {
        const Use use(*this);
        try {
            return body();
        } catch (const SQLite::Exception& error) {
            throw translate(error, action);
        }
    }

    // A statement left on a row keeps its read transaction (and an old snapshot of the file)
    // open; every outermost read or write therefore ends with all statements reset.
    void resetStatements() const;
    class Use {
    public:
        explicit Use(const Impl& impl) : impl_(impl) { ++impl_.depth; }
        ~Use() {
            if (--impl_.depth == 0) impl_.resetStatements();
        }
        Use(const Use&) = delete;
        Use& operator=(const Use&) = delete;

    private:
        const Impl& impl_;
    };
    mutable int depth = 0;

    // Schema (RunSchema.cpp): checks the file is ours and not newer, then migrates it.
    void openSchema();
    int64_t studyId(const std::string& name);
    int64_t seriesId(int64_t run, const std::string& source, const std::string& name);
    void insertPoint(int64_t series, int64_t step, int64_t epoch, double value);
    void insertDocuments(int64_t run, const std::string& configJson,
                         const std::string& provenanceJson);
    void setFinalMetrics(int64_t run, const std::string& split,
                         const std::map<std::string, double>& metrics);
    void setTargetRanks(int64_t run, const std::string& split, const TargetRanks& ranks);
};

// Current time as Unix seconds.
double unixNow();

Provenance provenanceFromJson(const nlohmann::json& json);

}  // namespace dimerec

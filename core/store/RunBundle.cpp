// Run bundles: one JSON document (optionally gzip-compressed) that carries a run from one
// database to another. Format "dimerec-run-bundle", version 3:
//   run        identity, names, status, times, notes, checkpoint paths
//   config     the full run config;  provenance, tags, finalMetrics {test, valid, readout splits}
//   series     [{source, name, steps[], epochs[], values[]}]  (columns keep files small); the
//              training losses may be every k-th point and each epoch's last only
//              (exportBundle's trainPoints)
//   embeddings [{step, label, rows, dim, data}]  data: little-endian float32, packed
//              (packColumn: byte planes, deflated, base64); every snapshot, the last one, or
//              none (Snapshots: they are most of a run's size)
//   targetRanks {test: {usersDelta, targetCounts, ranks}, and the same for otherHistorySplit's
//              split and the readouts' test splits ("test/interests", …) where the run has
//              them}  each little-endian int32, packed (TargetRanks' columns, the users as
//              differences to the previous one, which compress to almost nothing;
//              targetCounts empty when every case has one target), or {sameAs: split} for
//              ranks equal to another split's (a fused readout whose w is 0 ranks as the
//              interests); absent for runs stored without per-user data.
//   resume     {checkpoint: base64 of the run's last.pt}, only in bundles of unfinished runs
//              exported with `carryCheckpoint`: the import writes it into the run's checkpoint
//              folder there, so that a sweep or the workbench's Resume continues the run
//              (older readers ignore it: the run imports, not resumable)
// Older versions are read: version 2 wrote the same with plain base64 columns; version 1 also
// wrote every split in full with its users as they are ("users"), and only test and the other
// history setting.
#include "store/RunStore.h"

#include "store/BundleColumn.h"
#include "store/RunStoreImpl.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <type_traits>

#include <unistd.h>

namespace dimerec {
namespace {

// Two's-complement addition without signed overflow: the users' differences of a bundle come
// back to the users exactly, and a damaged bundle's cannot make the sum undefined.
int32_t wrappingAdd(int32_t a, int32_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

using nlohmann::json;

constexpr const char* kBundleFormat = "dimerec-run-bundle";
constexpr int kBundleVersion = 3;
// What to do about a damaged or hand-edited bundle.
constexpr const char* kExportAgain = "; export the run again with dimerec runs export";

// A required member of the bundle's "run" object; missing or of another type, the error
// names it (nlohmann's own message does not say which key).
template <class T>
T runField(const json& run, const char* key, const char* expected, const std::string& path) {
    const auto found = run.find(key);
    if (found == run.end()) {
        throw StoreError(path, std::string("is not a valid run bundle: run.") + key +
                                   " is missing" + kExportAgain);
    }
    // nlohmann converts a double to an integer without a check (undefined beyond its range).
    const bool integerExpected = std::is_integral_v<T> && !std::is_same_v<T, bool>;
    if (integerExpected &&
        !(found->is_number_integer() && (std::is_signed_v<T> || found->is_number_unsigned()))) {
        throw StoreError(path, std::string("is not a valid run bundle: run.") + key + " must be " +
                                   expected + ", got " + found->dump() + kExportAgain);
    }
    try {
        return found->get<T>();
    } catch (const json::exception&) {
        throw StoreError(path, std::string("is not a valid run bundle: run.") + key + " must be " +
                                   expected + ", got " + found->dump() + kExportAgain);
    }
}

// An optional whole-number member (0 when absent), refused unless an integer that int64_t
// holds: value("steps", int64_t{0}) converts a double without a check (undefined beyond its
// range, e.g. 1e30).
int64_t wholeNumber(const json& object, const char* key, const std::string& path) {
    const auto found = object.find(key);
    if (found == object.end()) return 0;
    if (!found->is_number_integer() ||
        (found->is_number_unsigned() &&
         found->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
        throw StoreError(path, std::string("is not a valid run bundle: ") + key +
                                   " must be a whole number, got " + found->dump() + kExportAgain);
    }
    return found->get<int64_t>();
}

// A list of whole numbers (a series' steps or epochs), checked as wholeNumber checks one.
std::vector<int64_t> wholeNumbers(const json& list, const char* key, const std::string& path) {
    std::vector<int64_t> out;
    for (const json& number : list.get<std::vector<json>>())
        out.push_back(wholeNumber(json{{key, number}}, key, path));
    return out;
}

// Binary data of the bundle: an embedding snapshot's floats or a target-rank column, packed
// (packColumn) since version 3, or the checkpoint, plain base64 in every version. Damaged, it
// is refused naming the file and `what`.
std::string binaryData(const json& text, bool packed, size_t width, const std::string& what,
                       const std::string& path) {
    if (!text.is_string()) {
        throw StoreError(path, "is not a valid run bundle: " + what + " must be base64 text, got " +
                                   std::string(text.type_name()) + kExportAgain);
    }
    if (text.get<std::string>().empty()) return {};  // no values (a column may be empty)
    try {
        return packed ? unpackColumn(text.get<std::string>(), width)
                      : fromBase64(text.get<std::string>());
    } catch (const std::invalid_argument& error) {
        throw StoreError(path,
                         "is not a valid run bundle: " + what + ": " + error.what() + kExportAgain);
    }
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Written next to the target and renamed over it, so a failed export never leaves half a file.
void writeFile(const std::string& path, const std::string& content,
               const char* what = "the bundle") {
    const std::string temporary = path + ".partial";
    bool ok = false;
    if (endsWith(path, ".gz")) {
        gzFile file = gzopen(temporary.c_str(), "wb");
        if (file != nullptr) {
            ok = gzwrite(file, content.data(), static_cast<unsigned>(content.size())) ==
                 static_cast<int>(content.size());
            ok = gzclose(file) == Z_OK && ok;
        }
    } else {
        std::ofstream out(temporary, std::ios::binary);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.close();
        ok = static_cast<bool>(out);
    }
    std::error_code error;
    if (ok) std::filesystem::rename(temporary, path, error);
    if (!ok || error) {
        std::filesystem::remove(temporary, error);
        throw StoreError(path,
                         std::string("cannot write ") + what + " (disk full, or no permission?)");
    }
}

// A run that stopped before its end, which a checkpoint continues (what sweepState resumes).
bool isResumable(const std::string& status) {
    return status == "cancelled" || status == "interrupted";
}

// Reads plain or gzip-compressed files alike (zlib passes plain files through, a checkpoint
// too).
std::string readFile(const std::string& path, const char* what = "the bundle") {
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr)
        throw StoreError(path,
                         std::string("cannot open ") + what + " (no such file, or no permission)");
    std::string content;
    char buffer[1 << 16];
    int read = 0;
    while ((read = gzread(file, buffer, sizeof(buffer))) > 0)
        content.append(buffer, static_cast<size_t>(read));
    const bool failed = read < 0;
    gzclose(file);
    if (failed)
        throw StoreError(path, std::string("the bundle is damaged (gzip error)") + kExportAgain);
    return content;
}

}  // namespace

void RunStore::exportBundle(int64_t run, const std::string& path, Snapshots snapshots,
                            int64_t trainPoints, bool carryCheckpoint) const {
    const RunDetails details = this->run(run);
    const RunSummary& s = details.summary;
    json bundle;
    bundle["format"] = kBundleFormat;
    bundle["formatVersion"] = kBundleVersion;
    // The summary without what is local to the source database (its id) or kept in sections
    // of its own (tags, final metrics), plus what only the details hold.
    json& summary = bundle["run"] = toJson(s);
    for (const char* key : {"id", "tags", "testMetrics", "validMetrics", "readoutMetrics"})
        summary.erase(key);
    summary["datasetFingerprint"] = details.datasetFingerprint;
    summary["notes"] = details.notes;
    summary["bestCheckpoint"] = details.bestCheckpoint;
    summary["lastCheckpoint"] = details.lastCheckpoint;
    bundle["config"] = json::parse(details.configJson);
    bundle["provenance"] = provenanceToJson(details.provenance);
    bundle["tags"] = s.tags;
    bundle["finalMetrics"] = {{"test", s.testMetrics}, {"valid", s.validMetrics}};
    for (const auto& [split, metrics] : s.readoutMetrics) bundle["finalMetrics"][split] = metrics;
    bundle["checkpoints"] = json::array();
    for (const CheckpointRef& c : details.checkpoints) {
        bundle["checkpoints"].push_back({{"path", c.path}, {"step", c.step}, {"best", c.best}});
    }
    bundle["series"] = json::array();
    for (const SeriesInfo& info : details.series) {
        json steps = json::array(), epochs = json::array(), values = json::array();
        const std::vector<SeriesPoint> points = series(run, info.source, info.name);
        const int64_t count = static_cast<int64_t>(points.size());
        const int64_t stride = info.source == "train" && trainPoints > 0 && count > trainPoints
                                   ? (count + trainPoints - 1) / trainPoints
                                   : 1;
        for (int64_t i = 0; i < count; ++i) {
            const SeriesPoint& p = points[static_cast<size_t>(i)];
            const bool epochEnd =
                i == count - 1 || points[static_cast<size_t>(i + 1)].epoch != p.epoch;
            if (i % stride != 0 && !epochEnd) continue;
            steps.push_back(p.step);
            epochs.push_back(p.epoch);
            values.push_back(p.value);
        }
        bundle["series"].push_back({{"source", info.source},
                                    {"name", info.name},
                                    {"steps", steps},
                                    {"epochs", epochs},
                                    {"values", values}});
    }
    bundle["embeddings"] = json::array();
    std::vector<EmbeddingSnapshot> kept;  // listed in the order they were written
    if (snapshots == Snapshots::All) kept = details.embeddings;
    if (snapshots == Snapshots::Final && !details.embeddings.empty())
        kept.push_back(details.embeddings.back());
    for (const EmbeddingSnapshot& listed : kept) {
        const EmbeddingSnapshot e = embeddingSnapshot(listed.id);
        bundle["embeddings"].push_back(
            {{"step", e.step},
             {"label", e.label},
             {"rows", e.rows},
             {"dim", e.dim},
             {"data", packColumn(std::string(reinterpret_cast<const char*>(e.data.data()),
                                             e.data.size() * sizeof(float)),
                                 sizeof(float))}});
    }
    std::vector<std::string> rankSplits = {"test", otherHistorySplit(true),
                                           otherHistorySplit(false)};
    for (const auto& [split, metrics] : s.readoutMetrics) {
        if (split.rfind("test/", 0) == 0 && split != rankSplits[1] && split != rankSplits[2])
            rankSplits.push_back(split);
    }
    std::vector<std::pair<std::string, TargetRanks>> written;
    for (const std::string& split : rankSplits) {
        std::optional<TargetRanks> ranks = targetRanks(run, split);
        if (!ranks) continue;
        const auto same = std::find_if(written.begin(), written.end(),
                                       [&](const auto& other) { return other.second == *ranks; });
        if (same != written.end()) {
            bundle["targetRanks"][split] = {{"sameAs", same->first}};
            continue;
        }
        std::vector<int32_t> deltas = ranks->users();
        for (size_t i = deltas.size(); i-- > 1;) deltas[i] = wrappingAdd(deltas[i], -deltas[i - 1]);
        bundle["targetRanks"][split] = {
            {"usersDelta", packColumn(packInt32(deltas), 4)},
            {"targetCounts", packColumn(packInt32(ranks->targetCounts()), 4)},
            {"ranks", packColumn(packInt32(ranks->ranks()), 4)}};
        written.emplace_back(split, std::move(*ranks));
    }
    if (const std::string last = carryCheckpoint ? resumableCheckpoint(details) : "";
        !last.empty()) {
        const std::string checkpoint = readFile(last, "the run's checkpoint");
        bundle["resume"] = {{"checkpoint", toBase64(checkpoint)}};
    }
    writeFile(path, bundle.dump());
}

int64_t RunStore::importBundle(const std::string& path, const std::string& study, bool* added) {
    json bundle;
    try {
        bundle = json::parse(readFile(path));
    } catch (const json::exception& error) {
        // A syntax error, or a number beyond any JSON number type (out_of_range.406).
        throw StoreError(path, std::string("is not a run bundle (invalid JSON: ") + error.what() +
                                   ")" + kExportAgain);
    }
    // Compared as JSON values: value("format", "") would throw nlohmann's type error, which
    // names no file, for a format that is not a string.
    if (!bundle.is_object() || bundle.value("format", json()) != json(kBundleFormat)) {
        throw StoreError(path,
                         "is not a DimeRec run bundle (no \"format\": \"dimerec-run-bundle\"); "
                         "give a file that dimerec runs export wrote");
    }
    const json version = bundle.value("formatVersion", json(0));
    if (!version.is_number_integer()) {
        throw StoreError(path,
                         "is not a valid run bundle: formatVersion must be a whole number, got " +
                             version.dump() + kExportAgain);
    }
    if (version.get<int64_t>() > kBundleVersion) {
        throw StoreError(path, "was written by a newer DimeRec (bundle version " + version.dump() +
                                   "); upgrade DimeRec to import it");
    }
    const bool packed = version.get<int64_t>() >= 3;  // binary columns as packColumn writes
    int64_t id = 0;
    bool stored = false;  // false: the run was here already
    try {
        const json& r = bundle.at("run");
        const std::string uuid = runField<std::string>(r, "uuid", "a string", path);
        const Provenance provenance =
            provenanceFromJson(bundle.value("provenance", json::object()));
        std::string status = runField<std::string>(r, "status", "a string", path);
        std::string message = r.value("message", "");
        if (status == "running" || status == "queued") {
            // No process here writes it: it stays as far as it got on the other machine.
            status = "interrupted";
            message = "imported while it was still running elsewhere";
        }
        const json resume = bundle.value("resume", json::object());
        std::string lastCheckpoint = r.value("lastCheckpoint", "");
        std::string carried;  // the bytes of last.pt, written into this store's folder
        if (resume.contains("checkpoint") && isResumable(status)) {
            const json& text = resume.at("checkpoint");
            if (!text.is_string()) {
                throw StoreError(path,
                                 "is not a valid run bundle: resume.checkpoint must be the "
                                 "checkpoint as base64 text, got " +
                                     std::string(text.type_name()) + kExportAgain);
            }
            carried = binaryData(text, false, 1, "resume.checkpoint", path);
        }
        impl_->write("importing bundle " + path, [&] {
            SQLite::Statement& existing =
                impl_->prepare("SELECT id, status FROM runs WHERE uuid = ?");
            existing.bind(1, uuid);
            if (existing.executeStep()) {
                id = existing.getColumn(0).getInt64();
                // Stored here unfinished (an earlier bundle of it, carried to continue it) and
                // finished in this one: the finished run replaces it.
                if (status != "finished" || !isResumable(existing.getColumn(1).getString())) return;
                existing.reset();
                SQLite::Statement& remove = impl_->prepare("DELETE FROM runs WHERE id = ?");
                remove.bind(1, id);
                remove.exec();
            }
            if (!carried.empty()) {
                const std::filesystem::path folder = checkpointDir(uuid);
                std::error_code error;
                std::filesystem::create_directories(folder, error);
                const std::string written = (folder / "last.pt").string();
                writeFile(written, carried, "the run's checkpoint");
                lastCheckpoint = written;
            }
            const int64_t studyId =
                impl_->studyId(study.empty() ? r.value("study", std::string("imported")) : study);
            SQLite::Statement& insert = impl_->prepare(
                "INSERT INTO runs(uuid, study_id, name, config_hash, seed, model, dataset, "
                "dataset_fingerprint, protocol, status, message, started_at, ended_at, steps, "
                "elapsed_seconds, notes, best_checkpoint, last_checkpoint, archived, pid, host) "
                "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            insert.bind(1, uuid);
            insert.bind(2, studyId);
            insert.bind(3, r.value("name", ""));
            insert.bind(4, runField<std::string>(r, "configHash", "a string", path));
            insert.bind(
                5, static_cast<int64_t>(runField<uint64_t>(r, "seed", "a whole number", path)));
            insert.bind(6, runField<std::string>(r, "model", "a string", path));
            insert.bind(7, runField<std::string>(r, "dataset", "a string", path));
            insert.bind(8, r.value("datasetFingerprint", ""));
            insert.bind(9, r.value("protocol", ""));
            insert.bind(10, status);
            insert.bind(11, message);
            insert.bind(12, r.value("startedAt", 0.0));
            insert.bind(13, r.value("endedAt", 0.0));
            insert.bind(14, wholeNumber(r, "steps", path));
            insert.bind(15, r.value("elapsedSeconds", 0.0));
            insert.bind(16, r.value("notes", ""));
            insert.bind(17, r.value("bestCheckpoint", ""));
            insert.bind(18, lastCheckpoint);
            insert.bind(19, r.value("archived", false) ? 1 : 0);
            insert.bind(20, provenance.pid);
            insert.bind(21, provenance.host);
            insert.exec();
            id = impl_->db.getLastInsertRowid();
            stored = true;
            impl_->insertDocuments(id, bundle.at("config").dump(2),
                                   provenanceToJson(provenance).dump());

            for (const std::string& tag : bundle.value("tags", std::vector<std::string>{})) {
                SQLite::Statement& tagInsert =
                    impl_->prepare("INSERT OR IGNORE INTO tags(run_id, tag) VALUES(?, ?)");
                tagInsert.bind(1, id);
                tagInsert.bind(2, tag);
                tagInsert.exec();
            }
            const json metrics = bundle.value("finalMetrics", json::object());
            for (const auto& [split, values] : metrics.items())
                impl_->setFinalMetrics(id, split, values.get<std::map<std::string, double>>());
            for (const json& c : bundle.value("checkpoints", json::array())) {
                SQLite::Statement& checkpoint = impl_->prepare(
                    "INSERT INTO checkpoints(run_id, path, step, best) VALUES(?, ?, ?, ?)");
                checkpoint.bind(1, id);
                // The carried last.pt's entry names where it lies here.
                const std::string listed = c.at("path").get<std::string>();
                checkpoint.bind(2,
                                listed == r.value("lastCheckpoint", "") ? lastCheckpoint : listed);
                checkpoint.bind(3, wholeNumber(c, "step", path));
                checkpoint.bind(4, c.value("best", false) ? 1 : 0);
                checkpoint.exec();
            }
            for (const json& s : bundle.value("series", json::array())) {
                const auto steps = wholeNumbers(s.at("steps"), "steps", path);
                const auto epochs = wholeNumbers(s.at("epochs"), "epochs", path);
                const auto values = s.at("values").get<std::vector<double>>();
                if (epochs.size() != steps.size() || values.size() != steps.size()) {
                    throw StoreError(path, "series " + s.at("name").get<std::string>() +
                                               " has columns of different lengths" + kExportAgain);
                }
                const int64_t series = impl_->seriesId(id, s.at("source").get<std::string>(),
                                                       s.at("name").get<std::string>());
                for (size_t i = 0; i < steps.size(); ++i) {
                    impl_->insertPoint(series, steps[i], epochs[i], values[i]);
                }
            }
            for (const json& e : bundle.value("embeddings", json::array())) {
                const std::string bytes =
                    binaryData(e.at("data"), packed, sizeof(float),
                               "embedding snapshot '" + e.value("label", "") + "'", path);
                const int64_t rows = wholeNumber(e, "rows", path);
                const int64_t dim = wholeNumber(e, "dim", path);
                if (static_cast<int64_t>(bytes.size()) != rows * dim * int64_t{sizeof(float)}) {
                    throw StoreError(path, "embedding snapshot '" + e.value("label", "") +
                                               "' does not hold rows × dim floats" + kExportAgain);
                }
                SQLite::Statement& snapshot = impl_->prepare(
                    "INSERT INTO embeddings(run_id, step, label, rows, dim, data) "
                    "VALUES(?, ?, ?, ?, ?, ?)");
                snapshot.bind(1, id);
                snapshot.bind(2, wholeNumber(e, "step", path));
                snapshot.bind(3, e.value("label", ""));
                snapshot.bind(4, rows);
                snapshot.bind(5, dim);
                snapshot.bind(6, bytes.data(), static_cast<int>(bytes.size()));
                snapshot.exec();
            }
            const json targetRanks = bundle.value("targetRanks", json::object());
            std::map<std::string, TargetRanks> read;
            for (const auto& item : targetRanks.items()) {
                // Named, not a structured binding: clang before C++20 cannot capture one.
                const std::string& split = item.key();
                const json& columns = item.value();
                if (columns.contains("sameAs")) continue;  // once the others are read
                const auto column = [&](const char* key) {
                    const std::string bytes = binaryData(columns.value(key, json("")), packed, 4,
                                                         "targetRanks." + split + "." + key, path);
                    return unpackInt32(bytes.data(), bytes.size(),
                                       "the " + split + " target ranks' " + key);
                };
                std::vector<int32_t> users;
                if (columns.contains("usersDelta")) {
                    users = column("usersDelta");
                    for (size_t i = 1; i < users.size(); ++i)
                        users[i] = wrappingAdd(users[i], users[i - 1]);
                } else {
                    users = column("users");
                }
                try {
                    read.emplace(split, TargetRanks::fromColumns(
                                            std::move(users), column("targetCounts"),
                                            column("ranks"), "the " + split + " target ranks"));
                } catch (const std::invalid_argument& error) {
                    throw StoreError(path, std::string("is not a valid run bundle: ") +
                                               error.what() + kExportAgain);
                }
            }
            for (const auto& item : targetRanks.items()) {
                if (!item.value().contains("sameAs")) continue;
                const json& same = item.value().at("sameAs");
                const auto found =
                    same.is_string() ? read.find(same.get<std::string>()) : read.end();
                if (found == read.end()) {
                    throw StoreError(path, "is not a valid run bundle: the " + item.key() +
                                               " target ranks are the same as " + same.dump() +
                                               ", which it does not hold" + kExportAgain);
                }
                read.emplace(item.key(), found->second);
            }
            for (const auto& [split, ranks] : read) impl_->setTargetRanks(id, split, ranks);
        });
    } catch (const json::exception& error) {
        throw StoreError(path,
                         std::string("is not a valid run bundle: ") + error.what() + kExportAgain);
    }
    if (added != nullptr) *added = stored;
    return id;
}

RunStore::FileImport RunStore::importFile(const std::string& path, const std::string& study) {
    FileImport result;
    result.database = isDatabaseFile(path);
    if (result.database) {
        result.added = importDatabase(path, study);
        return result;
    }
    bool added = false;
    const int64_t id = importBundle(path, study, &added);
    if (added) {
        result.added.push_back(id);
    } else {
        result.storedAs = id;
    }
    return result;
}

std::vector<std::string> RunStore::runFilesIn(const std::vector<std::string>& paths) {
    std::vector<std::string> files;
    for (const std::string& path : paths) {
        std::error_code error;
        if (!std::filesystem::is_directory(path, error)) {
            files.push_back(path);
            continue;
        }
        std::vector<std::string> bundles;
        for (const auto& entry : std::filesystem::directory_iterator(path)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_regular_file() && (endsWith(name, ".json") || endsWith(name, ".json.gz")))
                bundles.push_back(entry.path().string());
        }
        if (bundles.empty()) throw StoreError(path, "holds no run bundles (*.json, *.json.gz)");
        std::sort(bundles.begin(), bundles.end());
        files.insert(files.end(), bundles.begin(), bundles.end());
    }
    return files;
}

std::string RunStore::bundleFileName(const std::string& study, const std::string& uuid,
                                     bool unfinished) {
    std::string name = study;
    for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
            c = '_';
    }
    return name + "-" + uuid + (unfinished ? ".unfinished.json.gz" : ".json.gz");
}

std::string RunStore::resumableCheckpoint(const RunDetails& details) {
    std::error_code error;
    if (!isResumable(details.summary.status) || details.lastCheckpoint.empty() ||
        !std::filesystem::is_regular_file(details.lastCheckpoint, error)) {
        return "";
    }
    return details.lastCheckpoint;
}

bool RunStore::isDatabaseFile(const std::string& path) {
    constexpr char kSqliteHeader[] = "SQLite format 3";  // 16 bytes with the terminating NUL
    char head[sizeof(kSqliteHeader)] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(head, sizeof(head));
    return in.gcount() == static_cast<std::streamsize>(sizeof(head)) &&
           std::equal(head, head + sizeof(head), kSqliteHeader);
}

std::vector<int64_t> RunStore::importDatabase(const std::string& path, const std::string& study,
                                              bool completedOnly) {
    const RunStore source(path, Mode::ReadOnly);
    RunQuery all;
    all.includeArchived = true;
    all.limit = 0;
    const auto bundle = std::filesystem::temp_directory_path() /
                        ("dimerec-import-" + std::to_string(::getpid()) + ".json");
    std::vector<int64_t> added;
    for (const RunSummary& run : source.listRuns(all)) {
        if (completedOnly && (run.status == "running" || run.status == "queued")) continue;
        if (findRun(run.uuid) != 0) continue;
        source.exportBundle(run.id, bundle.string());
        added.push_back(importBundle(bundle.string(), study));
        std::filesystem::remove(bundle);
    }
    return added;
}

}  // namespace dimerec

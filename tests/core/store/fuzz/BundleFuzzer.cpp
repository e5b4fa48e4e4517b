// libFuzzer target over run bundle import (`dimerec runs import FILE`). The first input byte
// picks the file's name (a plain .json or a .json.gz, which is read through zlib), the rest
// is the file's bytes. Each input is imported into a fresh store (a new database file: SQLite's
// in-memory databases have no WAL mode) and, when it is accepted, exported again. The import may
// throw only its documented StoreError; anything else, or a sanitizer report, is a bug.
#include "FuzzInputFile.h"
#include "store/RunStore.h"
#include "store/StoreError.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace dimerec;
    if (size == 0) return 0;
    const std::string name = (data[0] & 1) != 0 ? "run.json.gz" : "run.json";
    const std::string path = writeFuzzInput(data + 1, size - 1, name);
    const std::string database = path + ".sqlite";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(database + suffix);
    RunStore store(database);
    try {
        const int64_t run = store.importBundle(path);
        store.exportBundle(run, path + ".out.json");
    } catch (const StoreError&) {
    }
    return 0;
}

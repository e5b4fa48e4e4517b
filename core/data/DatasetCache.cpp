#include "data/DatasetCache.h"

#include "data/Dataset.h"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <type_traits>
#include <unistd.h>

namespace dimerec {
namespace {

constexpr char kMagic[8] = {'D', 'M', 'R', 'D', 'A', 'T', 'A', '\n'};
// Bump when the layout below changes; older files are then rebuilt.
constexpr uint32_t kVersion = 1;

class Writer {
public:
    template <typename T>
    void value(T v) {
        static_assert(std::is_trivially_copyable_v<T>);
        bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void text(const std::string& s) {
        value<uint64_t>(s.size());
        bytes_ += s;
    }
    void texts(const std::vector<std::string>& list) {
        value<uint64_t>(list.size());
        for (const auto& s : list) text(s);
    }
    template <typename T>
    void nested(const std::vector<std::vector<T>>& lists) {
        value<uint64_t>(lists.size());
        for (const auto& list : lists) value<uint64_t>(list.size());
        for (const auto& list : lists) {
            bytes_.append(reinterpret_cast<const char*>(list.data()), list.size() * sizeof(T));
        }
    }
    const std::string& bytes() const { return bytes_; }

private:
    std::string bytes_;
};

// Bounds-checked reading; any overrun throws, which load() turns into "no cached dataset".
class Reader {
public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}

    template <typename T>
    T value() {
        T v;
        std::memcpy(&v, take(sizeof v), sizeof v);
        return v;
    }
    std::string text() {
        const uint64_t size = value<uint64_t>();
        return std::string(take(size), size);
    }
    std::vector<std::string> texts() {
        const uint64_t count = value<uint64_t>();
        if (count > bytes_.size()) throw std::runtime_error("count past the end");
        std::vector<std::string> list(count);
        for (auto& s : list) s = text();
        return list;
    }
    template <typename T>
    std::vector<std::vector<T>> nested() {
        const uint64_t count = value<uint64_t>();
        if (count > bytes_.size() / sizeof(uint64_t))
            throw std::runtime_error("count past the end");
        std::vector<std::vector<T>> lists(count);
        for (auto& list : lists) {
            const uint64_t size = value<uint64_t>();
            if (size > bytes_.size() / sizeof(T)) throw std::runtime_error("size past the end");
            list.resize(size);
        }
        for (auto& list : lists) {
            // An empty list has no data() to copy to (memcpy's null pointer is undefined even
            // for no bytes: UBSan, scripts/sanitize.sh asan).
            if (list.empty()) continue;
            std::memcpy(list.data(), take(list.size() * sizeof(T)), list.size() * sizeof(T));
        }
        return lists;
    }
    bool atEnd() const { return pos_ == bytes_.size(); }

private:
    const char* take(uint64_t size) {
        if (size > bytes_.size() - pos_) throw std::runtime_error("read past the end");
        const char* at = bytes_.data() + pos_;
        pos_ += size;
        return at;
    }

    std::string_view bytes_;
    size_t pos_ = 0;
};

uint32_t checksum(std::string_view bytes) {
    uLong crc = crc32(0L, Z_NULL, 0);
    size_t pos = 0;
    while (pos < bytes.size()) {
        const auto chunk = static_cast<uInt>(std::min<size_t>(bytes.size() - pos, 1u << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + pos), chunk);
        pos += chunk;
    }
    return static_cast<uint32_t>(crc);
}

bool consistent(const Dataset& data) {
    const size_t users = data.sequences.size();
    const size_t items = data.itemIds.size();
    if (data.userIds.size() != users || data.itemTitles.size() != items ||
        data.itemCategories.size() != items) {
        return false;
    }
    if (!data.timestamps.empty() && data.timestamps.size() != users) return false;
    for (size_t u = 0; u < users; ++u) {
        if (!data.timestamps.empty() && data.timestamps[u].size() != data.sequences[u].size()) {
            return false;
        }
        for (int32_t item : data.sequences[u]) {
            if (item < 0 || static_cast<size_t>(item) >= items) return false;
        }
    }
    for (const auto& categories : data.itemCategories) {
        for (int32_t category : categories) {
            if (category < 0 || category >= data.numCategories()) return false;
        }
    }
    return true;
}

std::filesystem::path environmentPath(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::filesystem::path(value)
                                              : std::filesystem::path();
}

}  // namespace

DatasetCache::DatasetCache(std::filesystem::path directory)
    : directory_(directory.empty() ? defaultDirectory() : std::move(directory)) {}

std::filesystem::path DatasetCache::defaultDirectory() {
    if (auto path = environmentPath("DIMEREC_CACHE_DIR"); !path.empty()) return path;
    if (auto path = environmentPath("XDG_CACHE_HOME"); !path.empty()) return path / "dimerec";
    if (auto path = environmentPath("HOME"); !path.empty()) return path / ".cache" / "dimerec";
    return std::filesystem::temp_directory_path() / "dimerec-cache";
}

std::filesystem::path DatasetCache::fileFor(const std::string& fingerprint) const {
    return directory_ / (fingerprint + ".dataset");
}

std::optional<Dataset> DatasetCache::load(const std::string& fingerprint) const {
    std::ifstream in(fileFor(fingerprint), std::ios::binary);
    if (!in) return std::nullopt;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    constexpr size_t kHeader = sizeof kMagic + sizeof(uint32_t) + sizeof(uint32_t);
    if (bytes.size() < kHeader || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
        return std::nullopt;
    }
    uint32_t version = 0, expected = 0;
    std::memcpy(&version, bytes.data() + sizeof kMagic, sizeof version);
    std::memcpy(&expected, bytes.data() + sizeof kMagic + sizeof version, sizeof expected);
    const std::string_view payload = std::string_view(bytes).substr(kHeader);
    if (version != kVersion || checksum(payload) != expected) return std::nullopt;
    try {
        Reader reader(payload);
        Dataset data;
        data.name = reader.text();
        data.source = reader.text();
        data.fingerprint = reader.text();
        data.firstSkipped = reader.text();
        data.skippedLines = reader.value<int64_t>();
        data.userIds = reader.texts();
        data.itemIds = reader.texts();
        data.itemTitles = reader.texts();
        data.categoryNames = reader.texts();
        data.sequences = reader.nested<int32_t>();
        data.timestamps = reader.nested<int64_t>();
        data.itemCategories = reader.nested<int32_t>();
        if (!reader.atEnd() || data.fingerprint != fingerprint || !consistent(data)) {
            return std::nullopt;
        }
        return data;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

bool DatasetCache::store(const Dataset& data) const {
    Writer writer;
    writer.text(data.name);
    writer.text(data.source);
    writer.text(data.fingerprint);
    writer.text(data.firstSkipped);
    writer.value<int64_t>(data.skippedLines);
    writer.texts(data.userIds);
    writer.texts(data.itemIds);
    writer.texts(data.itemTitles);
    writer.texts(data.categoryNames);
    writer.nested(data.sequences);
    writer.nested(data.timestamps);
    writer.nested(data.itemCategories);

    std::error_code error;
    std::filesystem::create_directories(directory_, error);
    const std::filesystem::path target = fileFor(data.fingerprint);
    std::filesystem::path temporary = target;
    // Unique per process and thread, so that concurrent writers never share a file.
    temporary += ".tmp" + std::to_string(::getpid()) + "." +
                 std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return false;
        const uint32_t crc = checksum(writer.bytes());
        out.write(kMagic, sizeof kMagic);
        out.write(reinterpret_cast<const char*>(&kVersion), sizeof kVersion);
        out.write(reinterpret_cast<const char*>(&crc), sizeof crc);
        out.write(writer.bytes().data(), static_cast<std::streamsize>(writer.bytes().size()));
        if (!out) {
            out.close();
            std::filesystem::remove(temporary, error);
            return false;
        }
    }
    std::filesystem::rename(temporary, target, error);
    if (!error) return true;
    std::filesystem::remove(temporary, error);
    return false;
}

}  // namespace dimerec

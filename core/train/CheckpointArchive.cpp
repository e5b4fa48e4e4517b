#include "train/CheckpointArchive.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <set>
#include <stdexcept>
#include <vector>

namespace dimerec {
namespace {

// Zip record signatures and sizes (PKWARE APPNOTE 6.3, sections 4.3.7-4.3.16).
constexpr uint64_t kLocalHeader = 0x04034b50;
constexpr uint64_t kCentralHeader = 0x02014b50;
constexpr uint64_t kEndRecord = 0x06054b50;
constexpr uint64_t kZip64EndRecord = 0x06064b50;
constexpr uint64_t kZip64Locator = 0x07064b50;
constexpr uint64_t kLocalHeaderSize = 30;
constexpr uint64_t kCentralHeaderSize = 46;
constexpr uint64_t kEndRecordSize = 22;
constexpr uint64_t kZip64LocatorSize = 20;
constexpr uint64_t kZip64EndRecordSize = 56;
constexpr uint64_t kMaxComment = 0xFFFF;
constexpr uint64_t kChunk = 1 << 20;
// The longest 'version' entry accepted: a format number and a newline.
constexpr uint64_t kMaxVersionSize = 8;

std::runtime_error damaged(const std::string& path, const std::string& what) {
    return std::runtime_error("checkpoint '" + path + "': is damaged (" + what +
                              "); use another checkpoint of the run, or train again");
}

std::runtime_error foreign(const std::string& path, const std::string& what) {
    return std::runtime_error("checkpoint '" + path + "': not a DimeRec checkpoint (" + what +
                              "); give a checkpoint that dimerec train wrote");
}

// The little-endian number of `width` bytes at `at` (the caller has checked they exist).
uint64_t little(const std::string& bytes, uint64_t at, int width) {
    uint64_t value = 0;
    for (int i = width - 1; i >= 0; --i)
        value = value << 8 | static_cast<unsigned char>(bytes[at + static_cast<uint64_t>(i)]);
    return value;
}

// Whether `count` bytes from `offset` end at or before `end`, without overflowing.
bool fits(uint64_t offset, uint64_t count, uint64_t end) {
    return offset <= end && count <= end - offset;
}

// An entry name as a message may show it: bytes outside printable ASCII as \xNN, at most 80.
std::string printable(const std::string& name) {
    std::string out;
    for (const char c : name.substr(0, 80)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
            out += c;
        } else {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
            out += escaped;
        }
    }
    return name.size() > 80 ? out + "…" : out;
}

class ArchiveFile {
public:
    explicit ArchiveFile(const std::string& path) : path_(path), in_(path, std::ios::binary) {
        if (!in_) throw std::runtime_error("checkpoint '" + path + "': cannot be opened");
        in_.seekg(0, std::ios::end);
        size_ = static_cast<uint64_t>(in_.tellg());
    }

    uint64_t size() const { return size_; }

    // `count` bytes at `offset`, which the caller has checked lie inside the file.
    std::string read(uint64_t offset, uint64_t count) {
        std::string out(count, '\0');
        in_.seekg(static_cast<std::streamoff>(offset));
        in_.read(out.data(), static_cast<std::streamsize>(count));
        if (!in_) throw std::runtime_error("checkpoint '" + path_ + "': cannot be read");
        return out;
    }

private:
    std::string path_;
    std::ifstream in_;
    uint64_t size_ = 0;
};

struct Entry {
    std::string name;
    uint64_t flags = 0;
    uint64_t method = 0;
    uint64_t crc = 0;
    uint64_t compressedSize = 0;
    uint64_t size = 0;
    uint64_t localOffset = 0;
};

// Where the central directory lies: [offset, offset + size) ends at or before `end`, the
// first byte of the end records.
struct Directory {
    uint64_t entries = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
    uint64_t end = 0;
};

Directory findDirectory(ArchiveFile& file, const std::string& path) {
    if (file.size() == 0) throw foreign(path, "the file is empty");
    // The end record is the last 22 bytes but for a comment of up to 64 KiB.
    const uint64_t tailStart =
        file.size() > kEndRecordSize + kMaxComment ? file.size() - kEndRecordSize - kMaxComment : 0;
    const std::string tail = file.read(tailStart, file.size() - tailStart);
    uint64_t at = tail.size();
    for (uint64_t p = tail.size() >= kEndRecordSize ? tail.size() - kEndRecordSize + 1 : 0;
         p-- > 0;) {
        if (little(tail, p, 4) == kEndRecord &&
            p + kEndRecordSize + little(tail, p + 20, 2) == tail.size()) {
            at = p;
            break;
        }
    }
    if (at == tail.size()) {
        if (file.read(0, std::min<uint64_t>(4, file.size())) == "PK\x03\x04")
            throw damaged(path, "cut short: the zip directory at its end is missing");
        throw foreign(path, "not a zip archive");
    }
    if (little(tail, at + 4, 2) != 0 || little(tail, at + 6, 2) != 0 ||
        little(tail, at + 8, 2) != little(tail, at + 10, 2))
        throw foreign(path, "a zip archive split into several parts");
    Directory d;
    d.entries = little(tail, at + 10, 2);
    d.size = little(tail, at + 12, 4);
    d.offset = little(tail, at + 16, 4);
    d.end = tailStart + at;
    if (d.entries == 0xFFFF || d.size == 0xFFFFFFFF || d.offset == 0xFFFFFFFF) {
        // Zip64 (an archive over 4 GiB): the locator right before the end record points at the
        // zip64 end record, which holds the full-width values.
        if (d.end < kZip64LocatorSize) throw damaged(path, "its zip64 locator is missing");
        const std::string locator = file.read(d.end - kZip64LocatorSize, kZip64LocatorSize);
        const uint64_t recordAt = little(locator, 8, 8);
        if (little(locator, 0, 4) != kZip64Locator ||
            !fits(recordAt, kZip64EndRecordSize, d.end - kZip64LocatorSize))
            throw damaged(path, "its zip64 locator is missing or points outside the file");
        const std::string record = file.read(recordAt, kZip64EndRecordSize);
        if (little(record, 0, 4) != kZip64EndRecord)
            throw damaged(path, "its zip64 end record is missing");
        d.entries = little(record, 32, 8);
        d.size = little(record, 40, 8);
        d.offset = little(record, 48, 8);
        d.end = recordAt;
    }
    if (!fits(d.offset, d.size, d.end))
        throw damaged(path, "the zip directory lies outside the file");
    if (d.entries == 0) throw foreign(path, "an empty zip archive");
    if (d.entries > d.size / kCentralHeaderSize)
        throw damaged(path, "the zip directory is shorter than its " + std::to_string(d.entries) +
                                " entries");
    return d;
}

// The zip64 extended information (extra field 0x0001) replaces the 32-bit fields that hold
// 0xFFFFFFFF, in the order size, compressed size, local header offset.
void readZip64Extra(const std::string& extra, Entry& entry, const std::string& path) {
    for (uint64_t at = 0; at + 4 <= extra.size();) {
        const uint64_t id = little(extra, at, 2);
        const uint64_t length = little(extra, at + 2, 2);
        if (!fits(at + 4, length, extra.size()))
            throw damaged(path, "entry '" + printable(entry.name) + "' has a damaged extra field");
        if (id == 1) {
            uint64_t field = at + 4;
            for (uint64_t* value : {&entry.size, &entry.compressedSize, &entry.localOffset}) {
                if (*value != 0xFFFFFFFF) continue;
                if (field + 8 > at + 4 + length)
                    throw damaged(path,
                                  "entry '" + printable(entry.name) + "' lacks its zip64 sizes");
                *value = little(extra, field, 8);
                field += 8;
            }
        }
        at += 4 + length;
    }
}

std::vector<Entry> readDirectory(ArchiveFile& file, const Directory& d, const std::string& path) {
    const std::string bytes = file.read(d.offset, d.size);
    std::vector<Entry> entries;
    entries.reserve(d.entries);
    uint64_t at = 0;
    for (uint64_t i = 0; i < d.entries; ++i) {
        if (!fits(at, kCentralHeaderSize, bytes.size()) || little(bytes, at, 4) != kCentralHeader)
            throw damaged(path, "zip directory entry " + std::to_string(i + 1) + " is damaged");
        const uint64_t nameLength = little(bytes, at + 28, 2);
        const uint64_t extraLength = little(bytes, at + 30, 2);
        const uint64_t commentLength = little(bytes, at + 32, 2);
        if (!fits(at + kCentralHeaderSize, nameLength + extraLength + commentLength, bytes.size()))
            throw damaged(path, "zip directory entry " + std::to_string(i + 1) + " is cut short");
        Entry entry;
        entry.flags = little(bytes, at + 8, 2);
        entry.method = little(bytes, at + 10, 2);
        entry.crc = little(bytes, at + 16, 4);
        entry.compressedSize = little(bytes, at + 20, 4);
        entry.size = little(bytes, at + 24, 4);
        entry.localOffset = little(bytes, at + 42, 4);
        entry.name = bytes.substr(at + kCentralHeaderSize, nameLength);
        readZip64Extra(bytes.substr(at + kCentralHeaderSize + nameLength, extraLength), entry,
                       path);
        entries.push_back(std::move(entry));
        at += kCentralHeaderSize + nameLength + extraLength + commentLength;
    }
    if (at != bytes.size())
        throw damaged(path, "the zip directory's size does not match its entries");
    return entries;
}

// The entry names LibTorch 1.13 writes into a checkpoint, relative to the archive's folder.
bool isArchiveEntry(const std::string& name) {
    const auto under = [&](const std::string& folder) {
        return name.size() > folder.size() && name.compare(0, folder.size(), folder) == 0;
    };
    if (name == "data.pkl" || name == "constants.pkl" || name == "version") return true;
    if (under("data/")) return name.find_first_not_of("0123456789", 5) == std::string::npos;
    return under("code/");
}

class Inflater {
public:
    Inflater() {
        if (inflateInit2(&stream_, -MAX_WBITS) != Z_OK)
            throw std::runtime_error("cannot initialise the deflate decoder");
    }
    ~Inflater() { inflateEnd(&stream_); }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
    z_stream& stream() { return stream_; }

private:
    z_stream stream_{};
};

// Reads an entry's content (inflating a deflated one) in chunks, checks its size and CRC-32
// against the directory, and returns its first `keep` bytes.
std::string checkContent(ArchiveFile& file, const Entry& entry, uint64_t dataAt, uint64_t keep,
                         const std::string& path) {
    const std::string name = "entry '" + printable(entry.name) + "'";
    std::string head;
    uLong crc = crc32(0L, Z_NULL, 0);
    uint64_t produced = 0;
    const auto consume = [&](const char* bytes, uint64_t count) {
        crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes), static_cast<uInt>(count));
        if (head.size() < keep) head.append(bytes, std::min(count, keep - head.size()));
        produced += count;
    };
    if (entry.method == 0) {
        for (uint64_t done = 0; done < entry.compressedSize;) {
            const uint64_t count = std::min(kChunk, entry.compressedSize - done);
            const std::string bytes = file.read(dataAt + done, count);
            consume(bytes.data(), count);
            done += count;
        }
    } else {
        Inflater inflater;
        z_stream& stream = inflater.stream();
        std::string input;
        std::string output(kChunk, '\0');
        uint64_t done = 0;
        int status = Z_OK;
        while (status == Z_OK && produced <= entry.size) {
            if (stream.avail_in == 0) {
                if (done == entry.compressedSize) break;
                const uint64_t count = std::min(kChunk, entry.compressedSize - done);
                input = file.read(dataAt + done, count);
                done += count;
                stream.next_in = reinterpret_cast<Bytef*>(input.data());
                stream.avail_in = static_cast<uInt>(count);
            }
            stream.next_out = reinterpret_cast<Bytef*>(output.data());
            stream.avail_out = static_cast<uInt>(kChunk);
            status = inflate(&stream, Z_NO_FLUSH);
            consume(output.data(), kChunk - stream.avail_out);
        }
        if (produced <= entry.size && status != Z_STREAM_END)
            throw damaged(path, name + " holds damaged deflated data");
    }
    if (produced != entry.size)
        throw damaged(path, name + " holds " + std::to_string(produced) +
                                " bytes where the zip directory says " +
                                std::to_string(entry.size));
    if (crc != entry.crc) throw damaged(path, name + " fails its CRC-32 check");
    return head;
}

}  // namespace

void checkCheckpointArchive(const std::string& path) {
    ArchiveFile file(path);
    const Directory directory = findDirectory(file, path);
    const std::vector<Entry> entries = readDirectory(file, directory, path);

    // LibTorch's reader takes the folder of the first entry as the archive's name.
    const std::string& first = entries.front().name;
    const size_t slash = first.find('/');
    if (slash == 0 || slash == std::string::npos)
        throw foreign(path, "entry '" + printable(first) +
                                "' is not in a folder, as the entries of a LibTorch archive are");
    const std::string folder = first.substr(0, slash + 1);
    std::set<std::string> names;
    std::string version;
    for (const Entry& entry : entries) {
        const std::string name = "entry '" + printable(entry.name) + "'";
        if (entry.name.compare(0, folder.size(), folder) != 0)
            throw foreign(path,
                          name + " is outside the archive's folder '" + printable(folder) + "'");
        const std::string relative = entry.name.substr(folder.size());
        if (!isArchiveEntry(relative))
            throw foreign(path, name + " is not one a LibTorch archive holds");
        if (!names.insert(relative).second) throw foreign(path, name + " appears twice");
        if ((entry.flags & 1) != 0) throw foreign(path, name + " is encrypted");
        if (entry.method != 0 && entry.method != 8)
            throw foreign(path, name + " uses compression method " + std::to_string(entry.method) +
                                    " (not stored or deflated)");
        if (entry.method == 0 && entry.compressedSize != entry.size)
            throw damaged(path, name + " is stored with two different sizes");

        // The local header must be where the directory says, name the same entry, and be
        // followed by the entry's data before the directory starts.
        if (!fits(entry.localOffset, kLocalHeaderSize, directory.offset))
            throw damaged(path, name + " starts outside the archive's data");
        const std::string header = file.read(entry.localOffset, kLocalHeaderSize);
        const uint64_t nameLength = little(header, 26, 2);
        const uint64_t extraLength = little(header, 28, 2);
        const uint64_t dataAt = entry.localOffset + kLocalHeaderSize + nameLength + extraLength;
        if (little(header, 0, 4) != kLocalHeader || nameLength != entry.name.size() ||
            !fits(entry.localOffset + kLocalHeaderSize, nameLength + extraLength,
                  directory.offset) ||
            file.read(entry.localOffset + kLocalHeaderSize, nameLength) != entry.name)
            throw damaged(path, name + " has no matching local header");
        if (!fits(dataAt, entry.compressedSize, directory.offset))
            throw damaged(path, name + " runs past the archive's data");
        const std::string head =
            checkContent(file, entry, dataAt, relative == "version" ? kMaxVersionSize : 0, path);
        if (relative == "version") version = head;
        if (relative == "version" && entry.size > kMaxVersionSize)
            throw foreign(path, name + " holds " + std::to_string(entry.size) +
                                    " bytes, not a format number");
    }
    for (const char* required : {"data.pkl", "constants.pkl", "version"}) {
        if (names.count(required) == 0)
            throw foreign(path, "a zip archive without the entry '" + printable(folder) + required +
                                    "' that LibTorch writes");
    }
    // LibTorch reads the archive's format number from 'version' as a decimal number.
    const std::string number = !version.empty() && version.back() == '\n'
                                   ? version.substr(0, version.size() - 1)
                                   : version;
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos)
        throw foreign(
            path, "its 'version' entry holds '" + printable(version) + "', not a format number");
}

}  // namespace dimerec

#include "data/FileDecoding.h"

#include "data/ParseError.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#ifdef DIMEREC_HAVE_LZMA
#include <lzma.h>
#endif

namespace dimerec {
namespace {

constexpr size_t kChunk = 1 << 18;

bool startsWith(std::string_view bytes, std::string_view magic) {
    return bytes.substr(0, magic.size()) == magic;
}

std::string inflateGzip(const std::string& bytes, const std::string& fileName) {
    std::string out;
    out.reserve(bytes.size() * 4);
    z_stream stream{};
    // 15 + 32: maximum window, accept a gzip or zlib header.
    if (inflateInit2(&stream, 15 + 32) != Z_OK) {
        throw ParseError(fileName, 0, "", "cannot initialise the gzip decoder");
    }
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    int status = Z_OK;
    while (true) {
        const size_t used = out.size();
        out.resize(used + kChunk);
        stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        stream.avail_out = static_cast<uInt>(kChunk);
        status = inflate(&stream, Z_NO_FLUSH);
        out.resize(used + kChunk - stream.avail_out);
        if (status == Z_STREAM_END) {
            // Concatenated gzip members (as `cat a.gz b.gz` makes) continue the same text.
            if (stream.avail_in == 0) break;
            inflateReset(&stream);
            continue;
        }
        if (status != Z_OK || (stream.avail_in == 0 && stream.avail_out != 0)) break;
    }
    const std::string message = stream.msg != nullptr ? stream.msg : "";
    inflateEnd(&stream);
    if (status != Z_STREAM_END) {
        throw ParseError(fileName, 0, "",
                         "unreadable gzip data (" +
                             (message.empty() ? std::string("truncated or damaged") : message) +
                             ")");
    }
    return out;
}

std::string decodeXz(const std::string& bytes, const std::string& fileName) {
#ifdef DIMEREC_HAVE_LZMA
    lzma_stream stream = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&stream, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
        throw ParseError(fileName, 0, "", "cannot initialise the xz decoder");
    }
    std::string out;
    stream.next_in = reinterpret_cast<const uint8_t*>(bytes.data());
    stream.avail_in = bytes.size();
    lzma_ret status = LZMA_OK;
    while (status == LZMA_OK) {
        const size_t used = out.size();
        out.resize(used + kChunk);
        stream.next_out = reinterpret_cast<uint8_t*>(out.data() + used);
        stream.avail_out = kChunk;
        status = lzma_code(&stream, stream.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
        out.resize(used + kChunk - stream.avail_out);
    }
    lzma_end(&stream);
    if (status != LZMA_STREAM_END) {
        throw ParseError(fileName, 0, "", "unreadable xz data (truncated or damaged)");
    }
    return out;
#else
    (void)bytes;
    throw ParseError(fileName, 0, "",
                     "xz-compressed input needs a build with liblzma; decompress it with `xz -d`");
#endif
}

}  // namespace

std::string readFileBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ParseError(path.string(), 0, "", "cannot open the file");
    std::string bytes;
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0) throw ParseError(path.string(), 0, "", "cannot read the file");
    bytes.resize(static_cast<size_t>(size));
    in.seekg(0, std::ios::beg);
    in.read(bytes.data(), size);
    if (in.gcount() != size) throw ParseError(path.string(), 0, "", "cannot read the whole file");
    return bytes;
}

std::string decompressIfNeeded(std::string bytes, const std::string& fileName) {
    if (startsWith(bytes, "\x1f\x8b")) return inflateGzip(bytes, fileName);
    if (startsWith(bytes, std::string_view("\xFD"
                                           "7zXZ\0",
                                           6)))
        return decodeXz(bytes, fileName);
    return bytes;
}

std::string latin1ToUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 16);
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            out += c;
        } else {
            out += static_cast<char>(0xC0 | (byte >> 6));
            out += static_cast<char>(0x80 | (byte & 0x3F));
        }
    }
    return out;
}

namespace {

// The 1-based line of the first byte that breaks UTF-8 (or is NUL), 0 when the text is valid;
// the offending byte goes to badByte.
int64_t firstInvalidUtf8Line(std::string_view text, unsigned char& badByte) {
    int64_t line = 1;
    size_t i = 0;
    const size_t n = text.size();
    while (i < n) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) {
            if (byte == '\n') ++line;
            if (byte == 0) {
                badByte = 0;
                return line;
            }
            ++i;
            continue;
        }
        size_t extra = 0;
        uint32_t codePoint = 0;
        if ((byte & 0xE0) == 0xC0) {
            extra = 1;
            codePoint = byte & 0x1F;
        } else if ((byte & 0xF0) == 0xE0) {
            extra = 2;
            codePoint = byte & 0x0F;
        } else if ((byte & 0xF8) == 0xF0) {
            extra = 3;
            codePoint = byte & 0x07;
        }
        bool valid = extra > 0;
        for (size_t k = 1; valid && k <= extra; ++k) {
            if (i + k >= n) {
                valid = false;
                break;
            }
            const auto next = static_cast<unsigned char>(text[i + k]);
            valid = (next & 0xC0) == 0x80;
            codePoint = (codePoint << 6) | (next & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 either.
        static constexpr uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
        valid = valid && codePoint >= kMinimum[extra] && codePoint <= 0x10FFFF &&
                (codePoint < 0xD800 || codePoint > 0xDFFF);
        if (!valid) {
            badByte = byte;
            return line;
        }
        i += extra + 1;
    }
    return 0;
}

}  // namespace

std::string utf8OrLatin1ToUtf8(std::string text) {
    unsigned char badByte = 0;
    if (firstInvalidUtf8Line(text, badByte) == 0) return text;
    return latin1ToUtf8(text);
}

void requireUtf8(std::string_view text, const std::string& fileName) {
    if (startsWith(text, "\xFF\xFE") || startsWith(text, "\xFE\xFF")) {
        throw ParseError(fileName, 1, "",
                         "the file is UTF-16; save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)");
    }
    // A NUL byte anywhere means binary data (a picture, a database, an archive): say so
    // rather than suggest converting an encoding at the first byte that is not UTF-8.
    if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
        const auto line =
            1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
        throw ParseError(fileName, line, "",
                         "holds binary data (a NUL byte), not text; give a text file of "
                         "interactions (UTF-8)");
    }
    unsigned char badByte = 0;
    const int64_t line = firstInvalidUtf8Line(text, badByte);
    if (line == 0) return;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", badByte);
    throw ParseError(fileName, line, "",
                     std::string("byte ") + hex +
                         " is not valid UTF-8; convert the file to UTF-8 (e.g. iconv -f "
                         "ISO-8859-1 -t UTF-8)");
}

}  // namespace dimerec

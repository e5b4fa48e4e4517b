#include "store/BundleColumn.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <stdexcept>

namespace dimerec {
namespace {

constexpr const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string deflateBytes(const std::string& bytes) {
    uLongf size = compressBound(static_cast<uLong>(bytes.size()));
    std::string out(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                  reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uLong>(bytes.size()),
                  Z_BEST_COMPRESSION) != Z_OK)
        throw std::runtime_error("cannot deflate a bundle column (out of memory)");
    out.resize(size);
    return out;
}

std::string inflateBytes(const std::string& bytes) {
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK)
        throw std::runtime_error("cannot inflate a bundle column (out of memory)");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    std::string out;
    char buffer[1 << 16];
    int status = Z_OK;
    while (status == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof(buffer);
        status = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, sizeof(buffer) - stream.avail_out);
        // Z_BUF_ERROR: no progress possible, the data ended before the stream did.
    }
    const bool complete = status == Z_STREAM_END && stream.avail_in == 0;
    inflateEnd(&stream);
    if (!complete) throw std::invalid_argument("its data is not deflated data (damaged)");
    return out;
}

// The bytes as a rows × columns table, read out column by column: the values' bytes (count ×
// width) become the byte planes (width × count), and the planes transposed the values again.
std::string transposeBytes(const std::string& bytes, size_t rows, size_t columns) {
    std::string out(bytes.size(), '\0');
    for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < columns; ++c) out[c * rows + r] = bytes[r * columns + c];
    }
    return out;
}

}  // namespace

std::string toBase64(const std::string& text) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const size_t size = text.size();
    std::string out;
    out.reserve((size + 2) / 3 * 4);
    for (size_t i = 0; i < size; i += 3) {
        const uint32_t chunk = (uint32_t{bytes[i]} << 16) |
                               (i + 1 < size ? uint32_t{bytes[i + 1]} << 8 : 0) |
                               (i + 2 < size ? uint32_t{bytes[i + 2]} : 0);
        out += kBase64[(chunk >> 18) & 63];
        out += kBase64[(chunk >> 12) & 63];
        out += i + 1 < size ? kBase64[(chunk >> 6) & 63] : '=';
        out += i + 2 < size ? kBase64[chunk & 63] : '=';
    }
    return out;
}

std::string fromBase64(const std::string& text) {
    int value[256];
    std::fill(std::begin(value), std::end(value), -1);
    for (int i = 0; i < 64; ++i) value[static_cast<unsigned char>(kBase64[i])] = i;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    uint32_t chunk = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=') break;
        const int v = value[static_cast<unsigned char>(c)];
        if (v < 0) throw std::invalid_argument("its binary data is not base64");
        chunk = (chunk << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((chunk >> bits) & 0xFF));
        }
    }
    return out;
}

std::string packColumn(const std::string& bytes, size_t width) {
    if (width == 0 || bytes.size() % width != 0)
        throw std::invalid_argument("a column of " + std::to_string(bytes.size()) +
                                    " bytes is no whole number of " + std::to_string(width) +
                                    "-byte values");
    return toBase64(deflateBytes(transposeBytes(bytes, bytes.size() / width, width)));
}

std::string unpackColumn(const std::string& text, size_t width) {
    const std::string planes = inflateBytes(fromBase64(text));
    if (width == 0 || planes.size() % width != 0) {
        throw std::invalid_argument("its " + std::to_string(planes.size()) +
                                    " bytes are not a whole number of " + std::to_string(width) +
                                    "-byte values");
    }
    return transposeBytes(planes, width, planes.size() / width);
}

}  // namespace dimerec

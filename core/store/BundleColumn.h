#pragma once

#include <cstddef>
#include <string>

namespace dimerec {

// The binary columns of run bundles (RunBundle.cpp): embedding snapshots' float32 and target
// ranks' int32, little-endian, as JSON text.

// Standard base64 (RFC 4648, with '=' padding) and back; text with any other character throws
// std::invalid_argument.
std::string toBase64(const std::string& bytes);
std::string fromBase64(const std::string& text);

// Bundle version 3's form of a column of `width`-byte values: the bytes regrouped by
// significance (the first byte of every value, then every second byte, …), deflated (zlib
// format), as base64. Grouped, the zero high bytes of ranks and users and the few distinct
// exponent bytes of floats run together and deflate packs them: an ML-1M paper's-protocol
// run's 94,010 test ranks take 145 KB of the gzip'd bundle instead of 217 KB as plain base64,
// a 3,706 × 64 float32 snapshot 790 KB instead of 947 KB. Lossless.
std::string packColumn(const std::string& bytes, size_t width);
// The inverse; throws std::invalid_argument when the text is not base64, its bytes do not
// inflate, or they are not a whole number of `width`-byte values.
std::string unpackColumn(const std::string& text, size_t width);

}  // namespace dimerec

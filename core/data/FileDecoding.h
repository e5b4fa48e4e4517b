#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace dimerec {

// Reads a whole file's bytes; throws ParseError (line 0) when it cannot be opened or read.
std::string readFileBytes(const std::filesystem::path& path);

// Returns the decompressed content when the bytes are gzip (any number of members) or xz
// (when built with liblzma), recognised by their magic bytes; the bytes unchanged otherwise.
// Damaged or truncated compressed data throws ParseError naming the file.
std::string decompressIfNeeded(std::string bytes, const std::string& fileName);

// ISO-8859-1 → UTF-8 (every byte is one code point), for the MovieLens .dat and u.item files.
std::string latin1ToUtf8(std::string_view text);

// Text in UTF-8 stays as it is; anything else is read as ISO-8859-1 (the MovieLens files
// are Latin-1, some re-published copies UTF-8; Latin-1 accents are never valid UTF-8).
std::string utf8OrLatin1ToUtf8(std::string text);

// Throws ParseError at the first line that is not valid UTF-8, or for UTF-16 text or NUL
// bytes, with a hint at the likely cause.
void requireUtf8(std::string_view text, const std::string& fileName);

}  // namespace dimerec

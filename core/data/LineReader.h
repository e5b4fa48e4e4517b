#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dimerec {

// Walks the lines of text held in memory (LF or CRLF), skipping empty ones, and keeps the
// 1-based line number for error messages. Lines are views into the text.
class LineReader {
public:
    LineReader(std::string_view text, std::string fileName);

    bool next(std::string_view& line);
    int64_t line() const { return line_; }
    const std::string& fileName() const { return fileName_; }

private:
    std::string_view text_;
    std::string fileName_;
    size_t pos_ = 0;
    int64_t nextLine_ = 1;
    int64_t line_ = 0;
};

// Splits a line at every occurrence of the separator (empty fields kept).
void splitOn(std::string_view line, std::string_view separator, std::vector<std::string_view>& out);

// Splits a line at runs of spaces and tabs (no empty fields).
void splitOnWhitespace(std::string_view line, std::vector<std::string_view>& out);

}  // namespace dimerec

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dimerec {

// Reads delimited records from text held in memory: RFC 4180 quoting (a field in double
// quotes may hold the delimiter, newlines and doubled quotes), LF or CRLF line ends.
class CsvReader {
public:
    CsvReader(std::string_view text, std::string fileName, char delimiter = ',');

    // Reads the next record into fields; false at the end of the text. Empty lines are skipped.
    bool next(std::vector<std::string>& fields);
    // 1-based line number where the last record returned by next() started.
    int64_t line() const { return recordLine_; }
    const std::string& fileName() const { return fileName_; }

private:
    std::string_view text_;
    std::string fileName_;
    char delimiter_;
    size_t pos_ = 0;
    int64_t currentLine_ = 1;
    int64_t recordLine_ = 0;
};

}  // namespace dimerec

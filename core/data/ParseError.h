#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace dimerec {

// A problem in an input file, located precisely: "file:line: field 'x': what".
class ParseError : public std::runtime_error {
public:
    ParseError(std::string file, int64_t line, std::string field, const std::string& what);

    const std::string& file() const { return file_; }
    int64_t line() const { return line_; }  // 1-based; 0 when the file as a whole is at fault
    const std::string& field() const { return field_; }

private:
    std::string file_;
    int64_t line_;
    std::string field_;
};

}  // namespace dimerec

#pragma once

#include <cstdint>
#include <string_view>

namespace dimerec {

class CsvReader;

// Parse one field of the record the reader returned last; throw ParseError naming the
// file, line and field when the text is not a complete number.
int64_t parseInt64Field(std::string_view text, const CsvReader& reader, std::string_view field);
float parseFloatField(std::string_view text, const CsvReader& reader, std::string_view field);

}  // namespace dimerec

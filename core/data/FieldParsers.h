#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dimerec {

class CsvReader;

// Parse one field of a record; throw ParseError naming the file, line and field when the
// text (spaces and tabs around it ignored) is not a complete number.
int64_t parseInt64Field(std::string_view text, const std::string& file, int64_t line,
                        std::string_view field);
float parseFloatField(std::string_view text, const std::string& file, int64_t line,
                      std::string_view field);

// The same for the record a CsvReader returned last.
int64_t parseInt64Field(std::string_view text, const CsvReader& reader, std::string_view field);
float parseFloatField(std::string_view text, const CsvReader& reader, std::string_view field);

// A field separator as a message shows it: "tabs" for a tab (invisible between quotes),
// else the separator quoted ("'::'").
std::string separatorName(std::string_view separator);

}  // namespace dimerec

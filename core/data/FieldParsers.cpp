#include "data/FieldParsers.h"

#include "data/CsvReader.h"
#include "data/ParseError.h"

#include <charconv>
#include <cmath>
#include <string>

namespace dimerec {
namespace {
std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}
}  // namespace

int64_t parseInt64Field(std::string_view text, const std::string& file, int64_t line,
                        std::string_view field) {
    const std::string_view value = trimmed(text);
    int64_t result = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), result);
    if (value.empty() || error != std::errc() || end != value.data() + value.size()) {
        throw ParseError(file, line, std::string(field),
                         "expected an integer, got '" + std::string(text) + "'");
    }
    return result;
}

float parseFloatField(std::string_view text, const std::string& file, int64_t line,
                      std::string_view field) {
    const std::string value(trimmed(text));
    size_t used = 0;
    float result = 0.0f;
    try {
        result = std::stof(value, &used);
    } catch (const std::exception&) {
        used = std::string::npos;
    }
    if (value.empty() || used != value.size() || !std::isfinite(result)) {
        throw ParseError(file, line, std::string(field),
                         "expected a number, got '" + std::string(text) + "'");
    }
    return result;
}

int64_t parseInt64Field(std::string_view text, const CsvReader& reader, std::string_view field) {
    return parseInt64Field(text, reader.fileName(), reader.line(), field);
}

float parseFloatField(std::string_view text, const CsvReader& reader, std::string_view field) {
    return parseFloatField(text, reader.fileName(), reader.line(), field);
}

std::string separatorName(std::string_view separator) {
    return separator == "\t" ? "tabs" : "'" + std::string(separator) + "'";
}

}  // namespace dimerec

#include "data/ParseError.h"

namespace dimerec {
namespace {
std::string format(const std::string& file, int64_t line, const std::string& field,
                   const std::string& what) {
    std::string text = file;
    if (line > 0) text += ":" + std::to_string(line);
    text += ": ";
    if (!field.empty()) text += "field '" + field + "': ";
    return text + what;
}
}  // namespace

ParseError::ParseError(std::string file, int64_t line, std::string field, const std::string& what)
    : std::runtime_error(format(file, line, field, what)),
      file_(std::move(file)),
      line_(line),
      field_(std::move(field)) {}

}  // namespace dimerec

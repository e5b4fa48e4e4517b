#include "data/CsvReader.h"

#include "data/ParseError.h"

namespace dimerec {

CsvReader::CsvReader(std::string_view text, std::string fileName, char delimiter)
    : text_(text), fileName_(std::move(fileName)), delimiter_(delimiter) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte-order mark
}

bool CsvReader::next(std::vector<std::string>& fields) {
    fields.clear();
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
        if (text_[pos_] == '\n') ++currentLine_;
        ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    recordLine_ = currentLine_;
    std::string field;
    bool quoted = false;
    bool fieldWasQuoted = false;
    while (pos_ < text_.size()) {
        const char c = text_[pos_++];
        if (quoted) {
            if (c == '"') {
                if (pos_ < text_.size() && text_[pos_] == '"') {
                    field += '"';
                    ++pos_;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++currentLine_;
                field += c;
            }
        } else if (c == '"' && field.empty() && !fieldWasQuoted) {
            quoted = true;
            fieldWasQuoted = true;
        } else if (c == delimiter_) {
            fields.push_back(std::move(field));
            field.clear();
            fieldWasQuoted = false;
        } else if (c == '\n') {
            ++currentLine_;
            break;
        } else if (c != '\r') {
            field += c;
        }
    }
    if (quoted) {
        throw ParseError(fileName_, recordLine_, "", "a quoted field is not closed before the end");
    }
    fields.push_back(std::move(field));
    return true;
}

}  // namespace dimerec

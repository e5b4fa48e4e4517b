#include "data/LineReader.h"

namespace dimerec {

LineReader::LineReader(std::string_view text, std::string fileName)
    : text_(text), fileName_(std::move(fileName)) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte-order mark
}

bool LineReader::next(std::string_view& line) {
    while (pos_ < text_.size()) {
        const size_t end = text_.find('\n', pos_);
        const size_t stop = end == std::string_view::npos ? text_.size() : end;
        line = text_.substr(pos_, stop - pos_);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos_ = stop + 1;
        line_ = nextLine_++;
        if (!line.empty()) return true;
    }
    return false;
}

void splitOn(std::string_view line, std::string_view separator,
             std::vector<std::string_view>& out) {
    out.clear();
    size_t start = 0;
    while (true) {
        const size_t at = line.find(separator, start);
        if (at == std::string_view::npos) {
            out.push_back(line.substr(start));
            return;
        }
        out.push_back(line.substr(start, at - start));
        start = at + separator.size();
    }
}

void splitOnWhitespace(std::string_view line, std::vector<std::string_view>& out) {
    out.clear();
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
}

}  // namespace dimerec

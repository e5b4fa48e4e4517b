#include "data/DelimitedLog.h"

#include "data/BadLines.h"
#include "data/CsvReader.h"
#include "data/FieldParsers.h"
#include "data/FileDecoding.h"
#include "data/IdTable.h"
#include "data/ParseError.h"
#include "data/RawLog.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>
#include <vector>

namespace dimerec {
namespace {

constexpr int kNoColumn = -1;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool isIndex(const std::string& spec) {
    return !spec.empty() && std::all_of(spec.begin(), spec.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

// The column index for one role: named in the mapping, or looked up among usual names.
int resolveColumn(const std::string& role, const std::string& spec,
                  const std::vector<std::string>& aliases, const std::vector<std::string>& header,
                  bool required, const std::string& file) {
    if (spec == "-") {
        if (required) throw ParseError(file, 0, role, "the " + role + " column cannot be '-'");
        return kNoColumn;
    }
    if (isIndex(spec)) {
        const int index = std::stoi(spec);
        if (!header.empty() && static_cast<size_t>(index) >= header.size()) {
            throw ParseError(file, 1, role,
                             "column index " + spec + " is past the " +
                                 std::to_string(header.size()) + " columns of the header");
        }
        return index;
    }
    if (!spec.empty()) {
        if (header.empty()) {
            throw ParseError(file, 0, role,
                             "the file has no header, so name the " + role +
                                 " column by its 0-based index, not '" + spec + "'");
        }
        const auto it = std::find(header.begin(), header.end(), spec);
        if (it == header.end()) {
            throw ParseError(file, 1, role,
                             "no column named '" + spec + "'; the header has: " + joined(header));
        }
        return static_cast<int>(it - header.begin());
    }
    for (size_t i = 0; i < header.size(); ++i) {
        const std::string name = lower(header[i]);
        if (std::find(aliases.begin(), aliases.end(), name) != aliases.end()) {
            return static_cast<int>(i);
        }
    }
    if (required) {
        throw ParseError(file, header.empty() ? 0 : 1, role,
                         header.empty()
                             ? "the file has no header: give the " + role + " column's index"
                             : "no " + role +
                                   " column found; name it in the column mapping "
                                   "(the header has: " +
                                   joined(header) + ")");
    }
    return kNoColumn;
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Reads `count` digits at text[pos]; false when they are not all digits.
bool digits(std::string_view text, size_t pos, size_t count, unsigned& value) {
    if (pos + count > text.size()) return false;
    const auto result = std::from_chars(text.data() + pos, text.data() + pos + count, value);
    return result.ec == std::errc() && result.ptr == text.data() + pos + count;
}

// Integer seconds, or an ISO-8601 date "YYYY-MM-DD" with optional "[T ]HH:MM[:SS]" and "Z"
// (taken as UTC).
int64_t parseTime(std::string_view text, const CsvReader& reader) {
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    const bool isDate = text.size() >= 10 && text[4] == '-' && text[7] == '-' &&
                        digits(text, 0, 4, year) && digits(text, 5, 2, month) &&
                        digits(text, 8, 2, day);
    if (!isDate) return parseInt64Field(text, reader, "timestamp");
    std::string_view rest = text.substr(10);
    bool valid = month >= 1 && month <= 12 && day >= 1 && day <= 31;
    if (!rest.empty() && (rest[0] == 'T' || rest[0] == ' ')) {
        valid = valid && rest.size() >= 6 && digits(rest, 1, 2, hour) && rest[3] == ':' &&
                digits(rest, 4, 2, minute) && hour < 24 && minute < 60;
        rest = valid ? rest.substr(6) : std::string_view();
        if (valid && !rest.empty() && rest[0] == ':') {
            valid = rest.size() >= 3 && digits(rest, 1, 2, second) && second < 61;
            rest = valid ? rest.substr(3) : std::string_view();
        }
    }
    if (rest == "Z") rest = {};
    if (!valid || !rest.empty()) {
        throw ParseError(
            reader.fileName(), reader.line(), "timestamp",
            "expected integer seconds or an ISO date/time, got '" + std::string(text) + "'");
    }
    return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

char detectDelimiter(std::string_view text) {
    const std::string_view first = text.substr(0, text.find('\n'));
    if (first.find('\t') != std::string_view::npos && first.find(',') == std::string_view::npos) {
        return '\t';
    }
    return ',';
}

}  // namespace

ColumnMapping parseColumnMapping(const std::string& text) {
    ColumnMapping mapping;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        const std::string part = text.substr(start, end - start);
        start = end + 1;
        const size_t equals = part.find('=');
        if (equals == std::string::npos) {
            throw std::invalid_argument("column mapping: expected key=value, got '" + part + "'");
        }
        const std::string key = part.substr(0, equals);
        const std::string value = part.substr(equals + 1);
        if (key == "user") {
            mapping.user = value;
        } else if (key == "item") {
            mapping.item = value;
        } else if (key == "timestamp") {
            mapping.timestamp = value;
        } else if (key == "rating") {
            mapping.rating = value;
        } else if (key == "category") {
            mapping.category = value;
        } else if (key == "delimiter") {
            if (value == "tab") {
                mapping.delimiter = '\t';
            } else if (value == "comma") {
                mapping.delimiter = ',';
            } else if (value == "semicolon") {
                mapping.delimiter = ';';
            } else if (value == "space") {
                mapping.delimiter = ' ';
            } else if (value.size() == 1) {
                mapping.delimiter = value[0];
            } else {
                throw std::invalid_argument(
                    "column mapping: delimiter must be one character, "
                    "tab, comma, semicolon or space, got '" +
                    value + "'");
            }
        } else if (key == "header") {
            if (value != "yes" && value != "no") {
                throw std::invalid_argument("column mapping: header must be yes or no, got '" +
                                            value + "'");
            }
            mapping.header = value == "yes";
        } else {
            throw std::invalid_argument("column mapping: unknown key '" + key +
                                        "' (user, item, timestamp, rating, category, "
                                        "delimiter, header)");
        }
    }
    return mapping;
}

std::string describe(const ColumnMapping& mapping) {
    return "user=" + mapping.user + ";item=" + mapping.item + ";timestamp=" + mapping.timestamp +
           ";rating=" + mapping.rating + ";category=" + mapping.category +
           ";delimiter=" + std::to_string(static_cast<int>(mapping.delimiter)) +
           ";header=" + (mapping.header ? "yes" : "no");
}

RawLog readDelimitedLog(std::string_view text, const std::string& name,
                        const ColumnMapping& mapping, BadLines& badLines) {
    requireUtf8(text, name);
    const char delimiter = mapping.delimiter != 0 ? mapping.delimiter : detectDelimiter(text);
    CsvReader reader(text, name, delimiter);
    std::vector<std::string> fields;
    std::vector<std::string> header;
    if (mapping.header) {
        if (!reader.next(fields)) throw ParseError(name, 0, "", "the file is empty");
        header = fields;
    }
    const int user = resolveColumn("user", mapping.user, {"user", "user_id", "userid", "uid"},
                                   header, true, name);
    const int item = resolveColumn("item", mapping.item,
                                   {"item", "item_id", "itemid", "movieid", "movie_id", "iid"},
                                   header, true, name);
    const int time =
        resolveColumn("timestamp", mapping.timestamp,
                      {"timestamp", "time", "ts", "date", "datetime"}, header, false, name);
    const int rating =
        resolveColumn("rating", mapping.rating, {"rating", "score"}, header, false, name);
    const int category =
        resolveColumn("category", mapping.category, {"category", "categories", "genre", "genres"},
                      header, false, name);
    const int needed = std::max({user, item, time, rating, category}) + 1;
    const std::string& userName = header.empty() ? "user" : header[static_cast<size_t>(user)];
    const std::string& itemName = header.empty() ? "item" : header[static_cast<size_t>(item)];

    RawLog log;
    IdTable users, items;
    log.hasTimestamps = time != kNoColumn;
    log.hasRatings = rating != kNoColumn;
    int64_t order = 0;
    while (reader.next(fields)) {
        badLines.guard([&] {
            if (static_cast<int>(fields.size()) < needed) {
                throw ParseError(name, reader.line(), "",
                                 "expected at least " + std::to_string(needed) +
                                     " fields separated by " +
                                     separatorName(std::string(1, delimiter)) + ", found " +
                                     std::to_string(fields.size()));
            }
            const std::string& userId = fields[static_cast<size_t>(user)];
            const std::string& itemId = fields[static_cast<size_t>(item)];
            if (userId.empty()) throw ParseError(name, reader.line(), userName, "empty user id");
            if (itemId.empty()) throw ParseError(name, reader.line(), itemName, "empty item id");
            RawInteraction row;
            row.timestamp =
                time == kNoColumn ? order : parseTime(fields[static_cast<size_t>(time)], reader);
            if (rating != kNoColumn) {
                row.rating = parseFloatField(
                    fields[static_cast<size_t>(rating)], reader,
                    header.empty() ? "rating" : header[static_cast<size_t>(rating)]);
            }
            row.user = users.intern(userId);
            row.item = items.intern(itemId);
            if (category != kNoColumn) {
                const std::string& labels = fields[static_cast<size_t>(category)];
                RawItemInfo& info = log.items[itemId];
                size_t start = 0;
                while (start <= labels.size()) {
                    const size_t bar = labels.find('|', start);
                    const size_t end = bar == std::string::npos ? labels.size() : bar;
                    const std::string label = labels.substr(start, end - start);
                    if (!label.empty() && std::find(info.categories.begin(), info.categories.end(),
                                                    label) == info.categories.end()) {
                        info.categories.push_back(label);
                    }
                    start = end + 1;
                }
            }
            ++order;
            log.rows.push_back(row);
        });
    }
    if (log.rows.empty()) throw ParseError(name, 0, "", "the file holds no interactions");
    log.userIds = users.names();
    log.itemIds = items.names();
    return log;
}

}  // namespace dimerec

#pragma once

#include <string>
#include <string_view>

namespace dimerec {

class BadLines;
struct RawLog;

// Where the fields of a generic interaction log are. Each column is a header name or a
// 0-based index; "" lets the reader look for a usual header name (user: user, user_id,
// userId, uid; item: item, item_id, itemId, movieId, iid; timestamp: timestamp, time, ts,
// date, datetime; rating: rating, score; category: category, categories, genre, genres);
// "-" says the file has no such column.
struct ColumnMapping {
    std::string user;       // required: found in the header or named here
    std::string item;       // required: found in the header or named here
    std::string timestamp;  // integer seconds or ISO date/time; none = file order
    std::string rating;     // explicit rating; none = every row counts
    std::string category;   // item categories, several separated by '|'
    char delimiter = 0;     // 0 = ',' unless the first line has a tab and no comma
    bool header = true;     // the first record names the columns
};

// Parses "user=uid,item=2,timestamp=-,delimiter=tab,header=no" (keys: user, item,
// timestamp, rating, category, delimiter (a character, tab, comma, semicolon, space),
// header (yes/no)). Throws std::invalid_argument naming the bad part.
ColumnMapping parseColumnMapping(const std::string& text);

// Stable text form, part of the dataset fingerprint.
std::string describe(const ColumnMapping& mapping);

// Reads a delimited interaction log (RFC 4180 quoting, LF or CRLF, UTF-8). A mapping that
// names a column the header lacks, or a headerless file without user and item indices, is
// a ParseError naming the column; so is a row without the mapped fields.
RawLog readDelimitedLog(std::string_view text, const std::string& name,
                        const ColumnMapping& mapping, BadLines& badLines);

}  // namespace dimerec

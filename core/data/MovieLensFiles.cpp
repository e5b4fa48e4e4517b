#include "data/MovieLensFiles.h"

#include "data/BadLines.h"
#include "data/FieldParsers.h"
#include "data/FileDecoding.h"
#include "data/IdTable.h"
#include "data/LineReader.h"
#include "data/ParseError.h"
#include "data/RawLog.h"

#include <array>
#include <vector>

namespace dimerec {
namespace {

// u.genre of ML-100K: the order of the 19 flags in u.item.
constexpr std::array<const char*, 19> kGenres100k = {
    "unknown",     "Action", "Adventure", "Animation", "Children's", "Comedy",  "Crime",
    "Documentary", "Drama",  "Fantasy",   "Film-Noir", "Horror",     "Musical", "Mystery",
    "Romance",     "Sci-Fi", "Thriller",  "War",       "Western"};
constexpr size_t kItemFields100k = 5 + kGenres100k.size();

void requireFields(const LineReader& reader, const std::vector<std::string_view>& fields,
                   size_t count, const char* separator) {
    if (fields.size() != count) {
        throw ParseError(reader.fileName(), reader.line(), "",
                         "expected " + std::to_string(count) + " fields separated by " +
                             separatorName(separator) + ", found " + std::to_string(fields.size()));
    }
}

std::string idField(std::string_view text, const LineReader& reader, std::string_view field) {
    return std::to_string(parseInt64Field(text, reader.fileName(), reader.line(), field));
}

void finish(RawLog& log, const std::string& name) {
    if (log.rows.empty()) throw ParseError(name, 0, "", "the file holds no ratings");
    log.hasTimestamps = true;
    log.hasRatings = true;
}

// Reads user, item, rating, timestamp rows separated by `separator` into log.
void readRatings(std::string_view text, const std::string& name, const char* separator,
                 const char* userField, const char* itemField, BadLines& badLines, RawLog& log) {
    IdTable users, items;
    LineReader reader(text, name);
    std::string_view line;
    std::vector<std::string_view> fields;
    while (reader.next(line)) {
        badLines.guard([&] {
            splitOn(line, separator, fields);
            requireFields(reader, fields, 4, separator);
            const std::string user = idField(fields[0], reader, userField);
            const std::string item = idField(fields[1], reader, itemField);
            RawInteraction row;
            row.rating = parseFloatField(fields[2], name, reader.line(), "rating");
            row.timestamp = parseInt64Field(fields[3], name, reader.line(), "timestamp");
            row.user = users.intern(user);
            row.item = items.intern(item);
            log.rows.push_back(row);
        });
    }
    log.userIds = users.names();
    log.itemIds = items.names();
}

}  // namespace

RawLog readMovieLens100k(std::string_view dataText, const std::string& dataName,
                         std::string_view itemText, const std::string& itemName,
                         BadLines& badLines) {
    RawLog log;
    readRatings(dataText, dataName, "\t", "user_id", "item_id", badLines, log);
    if (!itemText.empty()) {
        const std::string text = utf8OrLatin1ToUtf8(std::string(itemText));
        LineReader reader(text, itemName);
        std::string_view line;
        std::vector<std::string_view> fields;
        while (reader.next(line)) {
            badLines.guard([&] {
                splitOn(line, "|", fields);
                requireFields(reader, fields, kItemFields100k, "|");
                RawItemInfo info;
                info.title = std::string(fields[1]);
                for (size_t g = 0; g < kGenres100k.size(); ++g) {
                    const std::string_view flag = fields[5 + g];
                    if (flag != "0" && flag != "1") {
                        throw ParseError(
                            itemName, reader.line(), kGenres100k[g],
                            "expected a genre flag 0 or 1, got '" + std::string(flag) + "'");
                    }
                    if (flag == "1") info.categories.emplace_back(kGenres100k[g]);
                }
                log.items[idField(fields[0], reader, "movie_id")] = std::move(info);
            });
        }
    }
    finish(log, dataName);
    return log;
}

RawLog readMovieLensDatRatings(std::string_view text, const std::string& name, BadLines& badLines) {
    RawLog log;
    readRatings(text, name, "::", "UserID", "MovieID", badLines, log);
    finish(log, name);
    return log;
}

std::unordered_map<std::string, RawItemInfo> readMovieLensDatMovies(std::string_view text,
                                                                    const std::string& name,
                                                                    BadLines& badLines) {
    const std::string utf8 = utf8OrLatin1ToUtf8(std::string(text));
    std::unordered_map<std::string, RawItemInfo> items;
    LineReader reader(utf8, name);
    std::string_view line;
    std::vector<std::string_view> fields;
    std::vector<std::string_view> genres;
    while (reader.next(line)) {
        badLines.guard([&] {
            splitOn(line, "::", fields);
            requireFields(reader, fields, 3, "::");
            RawItemInfo info;
            info.title = std::string(fields[1]);
            if (fields[2] != "(no genres listed)") {
                splitOn(fields[2], "|", genres);
                for (std::string_view genre : genres) {
                    if (!genre.empty()) info.categories.emplace_back(genre);
                }
            }
            items[idField(fields[0], reader, "MovieID")] = std::move(info);
        });
    }
    if (items.empty()) throw ParseError(name, 0, "", "the file lists no movies");
    return items;
}

}  // namespace dimerec

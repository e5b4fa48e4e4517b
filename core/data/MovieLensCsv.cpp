#include "data/MovieLensCsv.h"

#include "data/BadLines.h"
#include "data/CsvReader.h"
#include "data/FieldParsers.h"
#include "data/IdTable.h"
#include "data/ParseError.h"
#include "data/RawLog.h"

#include <vector>

namespace dimerec {
namespace {

void expectHeader(CsvReader& reader, const std::vector<std::string>& expected) {
    std::vector<std::string> fields;
    if (!reader.next(fields)) {
        throw ParseError(reader.fileName(), 0, "", "the file is empty");
    }
    if (fields != expected) {
        std::string want;
        for (const auto& name : expected) want += (want.empty() ? "" : ",") + name;
        throw ParseError(reader.fileName(), reader.line(), "",
                         "expected the MovieLens header '" + want + "'");
    }
}

void requireFieldCount(const CsvReader& reader, const std::vector<std::string>& fields,
                       size_t count) {
    if (fields.size() != count) {
        throw ParseError(reader.fileName(), reader.line(), "",
                         "expected " + std::to_string(count) + " comma-separated fields, found " +
                             std::to_string(fields.size()));
    }
}

}  // namespace

RawLog readMovieLensCsv(std::string_view ratingsText, const std::string& ratingsName,
                        std::string_view moviesText, const std::string& moviesName) {
    BadLines strict(false);
    return readMovieLensCsv(ratingsText, ratingsName, moviesText, moviesName, strict);
}

RawLog readMovieLensCsv(std::string_view ratingsText, const std::string& ratingsName,
                        std::string_view moviesText, const std::string& moviesName,
                        BadLines& badLines) {
    RawLog log;
    log.hasTimestamps = true;
    log.hasRatings = true;
    std::vector<std::string> fields;

    IdTable users, items;
    CsvReader ratings(ratingsText, ratingsName);
    expectHeader(ratings, {"userId", "movieId", "rating", "timestamp"});
    while (ratings.next(fields)) {
        badLines.guard([&] {
            requireFieldCount(ratings, fields, 4);
            const int64_t user = parseInt64Field(fields[0], ratings, "userId");
            const int64_t item = parseInt64Field(fields[1], ratings, "movieId");
            RawInteraction row;
            row.rating = parseFloatField(fields[2], ratings, "rating");
            row.timestamp = parseInt64Field(fields[3], ratings, "timestamp");
            row.user = users.intern(std::to_string(user));
            row.item = items.intern(std::to_string(item));
            log.rows.push_back(row);
        });
    }
    if (log.rows.empty()) throw ParseError(ratingsName, 0, "", "no ratings after the header");
    log.userIds = users.names();
    log.itemIds = items.names();

    if (moviesText.empty()) return log;
    CsvReader movies(moviesText, moviesName);
    expectHeader(movies, {"movieId", "title", "genres"});
    while (movies.next(fields)) {
        badLines.guard([&] {
            requireFieldCount(movies, fields, 3);
            const std::string id = std::to_string(parseInt64Field(fields[0], movies, "movieId"));
            RawItemInfo info;
            info.title = fields[1];
            if (fields[2] != "(no genres listed)") {
                size_t start = 0;
                while (start <= fields[2].size()) {
                    const size_t bar = fields[2].find('|', start);
                    const size_t end = bar == std::string::npos ? fields[2].size() : bar;
                    if (end > start)
                        info.categories.push_back(fields[2].substr(start, end - start));
                    start = end + 1;
                }
            }
            log.items[id] = std::move(info);
        });
    }
    return log;
}

}  // namespace dimerec

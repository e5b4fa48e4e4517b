#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace dimerec {

class BadLines;
struct RawItemInfo;
struct RawLog;

// The GroupLens MovieLens formats other than CSV. Text is given as read from disk
// (decompressed); Latin-1 is converted to UTF-8 here. Item ids are the movie ids, genres
// become categories. Malformed lines throw ParseError or are counted by badLines.

// ML-100K: u.data (user TAB item TAB rating TAB timestamp) and, when itemText is not empty,
// u.item (movie_id|title|release|video_release|url| then 19 genre flags, ISO-8859-1).
RawLog readMovieLens100k(std::string_view dataText, const std::string& dataName,
                         std::string_view itemText, const std::string& itemName,
                         BadLines& badLines);

// ML-1M / ML-10M ratings.dat: UserID::MovieID::Rating::Timestamp.
RawLog readMovieLensDatRatings(std::string_view text, const std::string& name, BadLines& badLines);

// ML-1M / ML-10M movies.dat: MovieID::Title::Genres ('|' between genres; "(no genres
// listed)" means none), keyed by movie id.
std::unordered_map<std::string, RawItemInfo> readMovieLensDatMovies(std::string_view text,
                                                                    const std::string& name,
                                                                    BadLines& badLines);

}  // namespace dimerec

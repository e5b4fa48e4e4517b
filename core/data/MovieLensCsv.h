#pragma once

#include <string>
#include <string_view>

namespace dimerec {

class BadLines;
struct RawLog;

// Reads MovieLens `ratings.csv` (userId,movieId,rating,timestamp) and optionally
// `movies.csv` (movieId,title,genres with '|' between genres) from text in memory, as
// published for ML-20M/25M/32M and ml-latest(-small). Genres become item categories;
// "(no genres listed)" means none. Throws ParseError on any malformed line.
RawLog readMovieLensCsv(std::string_view ratingsText, const std::string& ratingsName,
                        std::string_view moviesText, const std::string& moviesName);
// The same, with malformed lines (not headers) thrown or counted as badLines says.
RawLog readMovieLensCsv(std::string_view ratingsText, const std::string& ratingsName,
                        std::string_view moviesText, const std::string& moviesName,
                        BadLines& badLines);

}  // namespace dimerec

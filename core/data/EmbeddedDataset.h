#pragma once

#include <string_view>

namespace dimerec {

// The files of MovieLens latest-small, linked into the program so that both programs find
// the default dataset without any path, installed or not.
struct EmbeddedDatasetFiles {
    std::string_view ratingsCsv;  // ratings.csv, original bytes (CRLF)
    std::string_view moviesCsv;   // movies.csv, original bytes (CRLF)
    std::string_view readme;      // GroupLens README (licence terms)
};

const EmbeddedDatasetFiles& embeddedDatasetFiles();

}  // namespace dimerec

// libFuzzer target over every dataset parser: MovieLens u.data / u.item, ratings.dat /
// movies.dat and ratings.csv, sequence files and *_item2attributes.json, and any delimited log
// (CSV/TSV through DelimitedLog and CsvReader), each followed by the preprocessing. The first
// input byte picks the parser and strict or lenient bad-line handling, the rest is the file's
// bytes (decoding is fuzz_decoding's). Any exception other than the documented ParseError /
// std::runtime_error / std::invalid_argument, and any sanitizer report, is a bug.
#include "config/RunConfig.h"
#include "data/BadLines.h"
#include "data/Dataset.h"
#include "data/DelimitedLog.h"
#include "data/MovieLensCsv.h"
#include "data/MovieLensFiles.h"
#include "data/ParseError.h"
#include "data/Preprocess.h"
#include "data/RawLog.h"
#include "data/SequenceFile.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace {

using namespace dimerec;

// Preprocessing with a small k-core exercises the filter on whatever was read.
void prepare(const RawLog& log) {
    DataConfig cored;
    cored.userCore = 2;
    cored.itemCore = 2;
    try {
        const Dataset data = preprocess(log, cored);
        (void)data.numInteractions();
    } catch (const std::runtime_error&) {
        // nothing left after the k-core: a documented outcome
    }
    (void)preprocess(log, DataConfig{});
}

void run(uint8_t selector, std::string text) {
    BadLines strict(false);
    BadLines lenient(true);
    BadLines& badLines = (selector & 0x80) != 0 ? lenient : strict;
    switch (selector % 8) {
        case 0:
            prepare(readSequenceFile(text, "fuzz.txt", badLines));
            break;
        case 1:
            prepare(readMovieLens100k(text, "u.data", "", "u.item", badLines));
            break;
        case 2: {
            const size_t cut = text.find('\x01');
            const std::string data = text.substr(0, cut);
            const std::string items = cut == std::string::npos ? "" : text.substr(cut + 1);
            prepare(readMovieLens100k("1\t1\t5\t1\n", "u.data", items.empty() ? data : items,
                                      "u.item", badLines));
            break;
        }
        case 3:
            prepare(readMovieLensDatRatings(text, "ratings.dat", badLines));
            break;
        case 4:
            (void)readMovieLensDatMovies(text, "movies.dat", badLines);
            break;
        case 5:
            prepare(readMovieLensCsv(text, "ratings.csv", "", "movies.csv", badLines));
            break;
        case 6: {
            ColumnMapping mapping;
            mapping.category = (selector & 0x40) != 0 ? "" : "-";
            prepare(readDelimitedLog(text, "log.csv", mapping, badLines));
            break;
        }
        default: {
            RawLog log = readSequenceFile("1 1 2 3\n2 3 4\n", "seq.txt", badLines);
            readItemAttributesJson(text, "attributes.json", log);
            prepare(log);
            break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    try {
        run(data[0], std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
    } catch (const dimerec::ParseError&) {
    } catch (const std::invalid_argument&) {
    } catch (const std::runtime_error&) {
    }
    return 0;
}

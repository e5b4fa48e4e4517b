#include "data/DefaultDataset.h"

#include "data/Dataset.h"
#include "data/EmbeddedDataset.h"
#include "data/MovieLensCsv.h"
#include "data/Preprocess.h"
#include "data/RawLog.h"

namespace dimerec {

RawLog readDefaultRawLog() {
    const EmbeddedDatasetFiles& files = embeddedDatasetFiles();
    RawLog log = readMovieLensCsv(files.ratingsCsv, "embedded:ml-latest-small/ratings.csv",
                                  files.moviesCsv, "embedded:ml-latest-small/movies.csv");
    log.name = "MovieLens latest-small";
    log.source = "embedded:ml-latest-small";
    return log;
}

Dataset loadDefaultDataset() { return preprocess(readDefaultRawLog(), PreprocessOptions{}); }

}  // namespace dimerec

#include "data/DefaultDataset.h"

#include "config/RunConfig.h"
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/EmbeddedDataset.h"
#include "data/MovieLensCsv.h"
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

Dataset loadDefaultDataset() {
    // Through the loader, so that the fingerprint equals that of --dataset default.
    LoadOptions options;
    options.useCache = false;
    return loadDataset(DataConfig{}, options);
}

}  // namespace dimerec

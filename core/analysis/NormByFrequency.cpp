#include "analysis/NormByFrequency.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dimerec {

std::string bucketLabel(const NormBucket& bucket) {
    if (bucket.highest < 0) return std::to_string(bucket.lowest) + "+";
    if (bucket.highest == bucket.lowest) return std::to_string(bucket.lowest);
    return std::to_string(bucket.lowest) + "-" + std::to_string(bucket.highest);
}

namespace {

// The number of rows of `embeddings`; throws when they are not rows × dim.
size_t rowsOf(const std::vector<float>& embeddings, int64_t dim, const char* what) {
    if (dim < 1) throw std::invalid_argument(std::string(what) + ": dim must be >= 1");
    if (embeddings.size() % static_cast<size_t>(dim) != 0) {
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(embeddings.size()) +
                                    " values are not rows of " + std::to_string(dim));
    }
    return embeddings.size() / static_cast<size_t>(dim);
}

double rowNorm(const std::vector<float>& embeddings, size_t row, size_t dim) {
    double squares = 0.0;
    for (size_t j = 0; j < dim; ++j) {
        const double value = embeddings[row * dim + j];
        squares += value * value;
    }
    return std::sqrt(squares);
}

}  // namespace

std::vector<NormBucket> normByFrequency(const std::vector<float>& embeddings, int64_t dim,
                                        const std::vector<int64_t>& itemCounts) {
    const size_t rows = rowsOf(embeddings, dim, "norm by frequency");
    if (rows != itemCounts.size()) {
        throw std::invalid_argument("norm by frequency: " + std::to_string(rows) +
                                    " embedding rows for " + std::to_string(itemCounts.size()) +
                                    " item counts");
    }
    // Decade d holds counts in [10^(d-1), 10^d - 1]; decade 0 the count 0.
    const auto decadeOf = [](int64_t count) {
        int decade = 0;
        for (int64_t bound = 1; count >= bound; bound *= 10) ++decade;
        return decade;
    };
    int top = 0;
    for (int64_t count : itemCounts) top = std::max(top, decadeOf(count));
    // The top decade is open, so that "1000+" reads as "seen 1,000 times or more".
    std::vector<std::vector<double>> norms(static_cast<size_t>(top) + 1);
    for (size_t i = 0; i < rows; ++i) {
        norms[static_cast<size_t>(decadeOf(itemCounts[i]))].push_back(
            rowNorm(embeddings, i, static_cast<size_t>(dim)));
    }
    std::vector<NormBucket> buckets;
    for (int decade = 0; decade <= top; ++decade) {
        std::vector<double>& values = norms[static_cast<size_t>(decade)];
        if (values.empty()) continue;
        NormBucket bucket;
        bucket.lowest = decade == 0 ? 0 : static_cast<int64_t>(std::pow(10, decade - 1));
        bucket.highest = decade == 0     ? 0
                         : decade == top ? -1
                                         : static_cast<int64_t>(std::pow(10, decade)) - 1;
        bucket.items = static_cast<int64_t>(values.size());
        double sum = 0.0;
        for (double value : values) sum += value;
        bucket.meanNorm = sum / static_cast<double>(values.size());
        std::sort(values.begin(), values.end());
        const size_t middle = values.size() / 2;
        bucket.medianNorm =
            values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
        buckets.push_back(bucket);
    }
    return buckets;
}

double meanPairwiseCosine(const std::vector<float>& embeddings, int64_t dim) {
    const size_t rows = rowsOf(embeddings, dim, "mean pairwise cosine");
    const size_t width = static_cast<size_t>(dim);
    std::vector<double> sum(width, 0.0);
    double directions = 0.0;
    for (size_t i = 0; i < rows; ++i) {
        const double norm = rowNorm(embeddings, i, width);
        if (norm == 0.0) continue;
        for (size_t j = 0; j < width; ++j) sum[j] += embeddings[i * width + j] / norm;
        directions += 1.0;
    }
    if (directions < 2.0) return std::nan("");
    double squares = 0.0;
    for (double value : sum) squares += value * value;
    return (squares - directions) / (directions * (directions - 1.0));
}

ItemTableShape itemTableShape(const std::vector<float>& embeddings, int64_t dim,
                              const std::vector<int64_t>& itemCounts) {
    return {normByFrequency(embeddings, dim, itemCounts), meanPairwiseCosine(embeddings, dim)};
}

}  // namespace dimerec

#include "analysis/Diversity.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dimerec {

namespace {

// The top n of one list (n ≤ 0: all of it), every id checked against the catalogue size.
std::vector<int32_t> topItems(const std::vector<std::vector<int32_t>>& lists, size_t list, int n,
                              size_t numItems, const char* metric) {
    const std::vector<int32_t>& items = lists[list];
    const size_t count = n <= 0 ? items.size() : std::min(items.size(), static_cast<size_t>(n));
    for (size_t k = 0; k < count; ++k) {
        if (items[k] < 0 || static_cast<size_t>(items[k]) >= numItems) {
            throw std::out_of_range(std::string(metric) + ": list " + std::to_string(list) +
                                    ", position " + std::to_string(k) + ": item " +
                                    std::to_string(items[k]) + " is outside the catalogue of " +
                                    std::to_string(numItems) + " items");
        }
    }
    return std::vector<int32_t>(items.begin(), items.begin() + static_cast<ptrdiff_t>(count));
}

}  // namespace

double intraListDistance(const std::vector<std::vector<int32_t>>& lists, int n,
                         const std::vector<float>& embeddings, int64_t dim) {
    if (dim <= 0 || embeddings.size() % static_cast<size_t>(dim) != 0) {
        throw std::invalid_argument("intraListDistance: " + std::to_string(embeddings.size()) +
                                    " embedding values are not whole rows of " +
                                    std::to_string(dim));
    }
    const size_t numItems = embeddings.size() / static_cast<size_t>(dim);
    std::vector<double> norms(numItems, 0.0);
    for (size_t item = 0; item < numItems; ++item) {
        for (int64_t k = 0; k < dim; ++k) {
            const double value =
                embeddings[item * static_cast<size_t>(dim) + static_cast<size_t>(k)];
            norms[item] += value * value;
        }
        norms[item] = std::sqrt(norms[item]);
    }
    const auto distance = [&](int32_t a, int32_t b) {
        const double norm = norms[static_cast<size_t>(a)] * norms[static_cast<size_t>(b)];
        if (norm == 0.0) {
            return 1.0;
        }
        const float* ea = embeddings.data() + static_cast<size_t>(a) * static_cast<size_t>(dim);
        const float* eb = embeddings.data() + static_cast<size_t>(b) * static_cast<size_t>(dim);
        double dot = 0.0;
        for (int64_t k = 0; k < dim; ++k) {
            dot += static_cast<double>(ea[k]) * eb[k];
        }
        return 1.0 - dot / norm;
    };
    double sum = 0.0;
    int64_t counted = 0;
    for (size_t l = 0; l < lists.size(); ++l) {
        const std::vector<int32_t> items = topItems(lists, l, n, numItems, "intraListDistance");
        if (items.size() < 2) {
            continue;
        }
        double total = 0.0;
        for (size_t i = 0; i < items.size(); ++i) {
            for (size_t j = i + 1; j < items.size(); ++j) {
                total += distance(items[i], items[j]);
            }
        }
        sum += total / static_cast<double>(items.size() * (items.size() - 1) / 2);
        ++counted;
    }
    return counted == 0 ? 0.0 : sum / static_cast<double>(counted);
}

std::vector<double> categoryShares(const std::vector<std::vector<int32_t>>& lists, int n,
                                   const std::vector<std::vector<int32_t>>& itemCategories,
                                   int32_t numCategories) {
    std::vector<double> shares(static_cast<size_t>(std::max(numCategories, 0)), 0.0);
    double total = 0.0;
    for (size_t l = 0; l < lists.size(); ++l) {
        for (int32_t item : topItems(lists, l, n, itemCategories.size(), "categoryShares")) {
            for (int32_t category : itemCategories[static_cast<size_t>(item)]) {
                if (category < 0 || category >= numCategories) {
                    throw std::out_of_range("categoryShares: item " + std::to_string(item) +
                                            " has category " + std::to_string(category) +
                                            ", outside the " + std::to_string(numCategories) +
                                            " categories");
                }
                shares[static_cast<size_t>(category)] += 1.0;
                total += 1.0;
            }
        }
    }
    if (total > 0.0) {
        for (double& share : shares) {
            share /= total;
        }
    }
    return shares;
}

}  // namespace dimerec

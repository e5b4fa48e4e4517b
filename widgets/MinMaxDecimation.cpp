#include "MinMaxDecimation.h"

#include <algorithm>
#include <cmath>

namespace dimerec {

DecimatedSeries decimateMinMax(const std::vector<double>& x, const std::vector<double>& y,
                               double xMin, double xMax, int buckets) {
    DecimatedSeries out;
    const auto n = static_cast<int64_t>(std::min(x.size(), y.size()));
    if (n == 0) return out;
    int64_t lo = std::lower_bound(x.begin(), x.begin() + n, xMin) - x.begin();
    int64_t hi = std::upper_bound(x.begin(), x.begin() + n, xMax) - x.begin();  // exclusive
    const bool leftNeighbour = lo > 0;
    const bool rightNeighbour = hi < n;
    const auto emit = [&](int64_t i) {
        out.x.push_back(x[i]);
        out.y.push_back(y[i]);
    };
    if (leftNeighbour) emit(lo - 1);
    const int64_t inRange = hi - lo;
    if (buckets < 1 || inRange <= 2 * static_cast<int64_t>(buckets) || !(xMax > xMin)) {
        for (int64_t i = lo; i < hi; ++i) emit(i);
    } else {
        out.x.reserve(2 * buckets + 2);
        out.y.reserve(2 * buckets + 2);
        const double width = (xMax - xMin) / buckets;
        int64_t bucket = -1;
        int64_t minIndex = lo;
        int64_t maxIndex = lo;
        const auto flush = [&]() {
            if (bucket < 0) return;
            const int64_t first = std::min(minIndex, maxIndex);
            const int64_t second = std::max(minIndex, maxIndex);
            emit(first);
            if (second != first) emit(second);
        };
        for (int64_t i = lo; i < hi; ++i) {
            const auto b = std::min<int64_t>(
                buckets - 1, static_cast<int64_t>(std::floor((x[i] - xMin) / width)));
            if (b != bucket) {
                flush();
                bucket = b;
                minIndex = maxIndex = i;
            } else if (y[i] < y[minIndex]) {
                minIndex = i;
            } else if (y[i] > y[maxIndex]) {
                maxIndex = i;
            }
        }
        flush();
    }
    if (rightNeighbour) emit(hi);
    return out;
}

}  // namespace dimerec

#include "DatasetHistograms.h"

#include "data/DatasetStatistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dimerec {
namespace {

constexpr int kMaxLengthBins = 40;

// The smallest of 1, 2, 5, 10, 20, 50, … that needs at most kMaxLengthBins bins, so that
// the axis reads naturally.
double niceBinWidth(double longest) {
    for (double scale = 1.0;; scale *= 10.0) {
        for (double factor : {1.0, 2.0, 5.0}) {
            if (longest / (factor * scale) <= kMaxLengthBins) return factor * scale;
        }
    }
}

HistogramBars lengthBars(const DatasetStatistics& stats) {
    HistogramBars bars;
    const auto& histogram = stats.lengthHistogram;  // users per exact length
    if (histogram.empty()) return bars;
    const double width = niceBinWidth(static_cast<double>(histogram.size() - 1));
    const int bins = static_cast<int>(std::ceil(static_cast<double>(histogram.size()) / width));
    bars.counts.fill(0.0, bins);
    for (size_t length = 0; length < histogram.size(); ++length) {
        bars.counts[static_cast<int>(static_cast<double>(length) / width)] +=
            static_cast<double>(histogram[length]);
    }
    for (int i = 0; i < bins; ++i) bars.positions.push_back((i + 0.5) * width);
    bars.width = width * 0.9;
    return bars;
}

HistogramBars popularityBars(const DatasetStatistics& stats) {
    HistogramBars bars;
    for (int64_t count : stats.itemPopularity) {
        if (count <= 0) continue;
        const auto bin = static_cast<int>(std::floor(std::log2(static_cast<double>(count))));
        if (bin >= bars.counts.size()) bars.counts.resize(bin + 1);
        bars.counts[bin] += 1.0;
    }
    // Bin b holds counts 2^b … 2^(b+1)−1; its bar sits at the geometric centre.
    for (int b = 0; b < bars.counts.size(); ++b) bars.positions.push_back(std::pow(2.0, b + 0.5));
    return bars;
}

HistogramBars categoryBars(const DatasetStatistics& stats) {
    HistogramBars bars;
    const auto& counts = stats.categoryItems;
    std::vector<size_t> order(std::min(counts.size(), stats.categoryNames.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return counts[a] > counts[b]; });
    for (size_t i = 0; i < order.size(); ++i) {
        bars.positions.push_back(static_cast<double>(i + 1));
        bars.counts.push_back(static_cast<double>(counts[order[i]]));
        bars.labels.push_back(QString::fromStdString(stats.categoryNames[order[i]]));
    }
    bars.width = 0.7;
    return bars;
}

}  // namespace

DatasetHistograms computeHistograms(const DatasetStatistics& stats) {
    return {lengthBars(stats), popularityBars(stats), categoryBars(stats)};
}

}  // namespace dimerec

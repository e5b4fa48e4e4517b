#pragma once

#include "DatasetStatsView.h"

namespace dimerec {

struct DatasetStatistics;

// The three plots of the dataset panel, binned from core's distributions for display.
struct DatasetHistograms {
    HistogramBars lengths;  // users per sequence-length bin (at most ~40 equal bins)
    HistogramBars popularity;  // items per interaction-count bin, bins 1, 2–3, 4–7, … (powers of 2)
    HistogramBars categories;  // items per category, most frequent first
};

DatasetHistograms computeHistograms(const DatasetStatistics& stats);

}  // namespace dimerec

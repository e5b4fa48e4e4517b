#pragma once

#include "DatasetStatsView.h"

namespace dimerec {

struct Dataset;

// The three plots of the dataset panel, computed from a loaded dataset (off the GUI thread).
struct DatasetHistograms {
    HistogramBars lengths;     // users per sequence-length bin (at most ~40 equal bins)
    HistogramBars popularity;  // items per interaction-count bin, bins 1, 2–3, 4–7, … (powers of 2)
    HistogramBars categories;  // items per category, most frequent first
};

DatasetHistograms computeHistograms(const Dataset& data);

}  // namespace dimerec

#pragma once

#include "store/RunRecords.h"

#include <string>
#include <vector>

namespace dimerec {

// Summary statistics of one metric over a seed group (or any sample): N, mean, sample
// standard deviation (n − 1), standard error, min and max. An empty sample gives n = 0 and
// zeros; a single value has stdDev = stdErr = 0. Non-finite values are rejected
// (std::invalid_argument), since a NaN metric would silently poison the mean.
MetricStats aggregate(const std::vector<double>& values);

// "0.0823 ± 0.0012" with `decimals` digits after the point; just "0.0823" when n < 2, since
// one seed has no spread to show.
std::string formatMeanStd(const MetricStats& stats, int decimals = 4);

}  // namespace dimerec

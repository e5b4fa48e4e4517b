#include "analysis/Aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace dimerec {

MetricStats aggregate(const std::vector<double>& values) {
    MetricStats stats;
    if (values.empty()) {
        return stats;
    }
    for (size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            throw std::invalid_argument("aggregate: value " + std::to_string(i) +
                                        " is not a finite number");
        }
    }
    stats.n = static_cast<int64_t>(values.size());
    const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
    stats.min = *lowest;
    stats.max = *highest;
    double sum = 0.0;
    for (double value : values) {
        sum += value;
    }
    stats.mean = sum / static_cast<double>(stats.n);
    if (stats.n > 1) {
        // Two passes (mean first, then squared deviations) keep the variance accurate for
        // metrics that agree to many digits across seeds.
        double squares = 0.0;
        for (double value : values) {
            squares += (value - stats.mean) * (value - stats.mean);
        }
        stats.stdDev = std::sqrt(squares / static_cast<double>(stats.n - 1));
        stats.stdErr = stats.stdDev / std::sqrt(static_cast<double>(stats.n));
    }
    return stats;
}

std::string formatMeanStd(const MetricStats& stats, int decimals) {
    char buffer[96];
    if (stats.n < 2) {
        std::snprintf(buffer, sizeof buffer, "%.*f", decimals, stats.mean);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.*f ± %.*f", decimals, stats.mean, decimals,
                      stats.stdDev);
    }
    return buffer;
}

}  // namespace dimerec

#pragma once

#include <cstdint>
#include <vector>

namespace dimerec {

// TensorBoard's debiased exponential moving average (tensorboard/components/vz_line_chart2,
// `resmoothDataset`): last = w·last + (1−w)·y, shown as last / (1 − w^n) so that the first
// points are not pulled towards zero. Non-finite values pass through without entering the
// average. Fed point by point so that appending to a long series stays cheap.
class DebiasedEma {
public:
    explicit DebiasedEma(double weight = 0.0) : weight_(weight) {}

    double weight() const { return weight_; }
    // Feeds the next raw value and returns its smoothed value.
    double push(double value);
    void reset() {
        last_ = 0.0;
        count_ = 0;
        factor_ = 1.0;
    }

    // Smooths a whole series from its start.
    static std::vector<double> smooth(const std::vector<double>& values, double weight);

private:
    double weight_ = 0.0;
    double last_ = 0.0;
    int64_t count_ = 0;
    double factor_ = 1.0;  // weight^count, kept as a product instead of calling pow per point
};

}  // namespace dimerec

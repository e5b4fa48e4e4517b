#include "DebiasedEma.h"

#include <cmath>

namespace dimerec {

double DebiasedEma::push(double value) {
    if (!std::isfinite(value)) return value;
    last_ = last_ * weight_ + (1.0 - weight_) * value;
    ++count_;
    factor_ *= weight_;
    // weight 1 would divide by zero; TensorBoard then shows the running value (0) unchanged.
    const double debias = weight_ == 1.0 ? 1.0 : 1.0 - factor_;
    return last_ / debias;
}

std::vector<double> DebiasedEma::smooth(const std::vector<double>& values, double weight) {
    DebiasedEma ema(weight);
    std::vector<double> out;
    out.reserve(values.size());
    for (double value : values) out.push_back(ema.push(value));
    return out;
}

}  // namespace dimerec

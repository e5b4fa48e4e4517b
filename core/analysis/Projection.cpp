#include "analysis/Projection.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace dimerec {

namespace {

constexpr int64_t kViewDim = 3;  // the globe
constexpr int kMaxJacobiSweeps =
    100;  // cyclic Jacobi converges quadratically; ~10 sweeps in practice
constexpr double kOffDiagonalTolerance = 1e-30;  // relative squared off-diagonal mass that ends it

int64_t rowCount(const std::vector<float>& data, int64_t dim, const char* caller) {
    if (dim < kViewDim) {
        throw std::invalid_argument(std::string(caller) + ": needs embeddings of at least 3 " +
                                    "dimensions, got " + std::to_string(dim));
    }
    if (data.size() % static_cast<size_t>(dim) != 0) {
        throw std::invalid_argument(std::string(caller) + ": " + std::to_string(data.size()) +
                                    " values are not whole rows of " + std::to_string(dim));
    }
    return static_cast<int64_t>(data.size()) / dim;
}

// Row `r` of `data`, as doubles, scaled to unit length (a zero row stays zero).
void unitRow(const std::vector<float>& data, int64_t dim, int64_t r, std::vector<double>& out) {
    double norm = 0.0;
    for (int64_t k = 0; k < dim; ++k) {
        out[k] = data[static_cast<size_t>(r * dim + k)];
        norm += out[k] * out[k];
    }
    norm = std::sqrt(norm);
    if (norm > 0.0) {
        for (double& value : out) {
            value /= norm;
        }
    }
}

// Eigenvalues (diagonal of `a` on return) and eigenvectors (columns of the returned matrix)
// of the symmetric d × d matrix `a`, by cyclic Jacobi rotations (Numerical Recipes §11.1):
// simple, and exact enough for the small d of embeddings.
std::vector<double> jacobiEigen(std::vector<double>& a, int64_t d) {
    std::vector<double> v(static_cast<size_t>(d * d), 0.0);
    for (int64_t i = 0; i < d; ++i) {
        v[i * d + i] = 1.0;
    }
    double total = 0.0;
    for (double value : a) {
        total += value * value;
    }
    for (int sweep = 0; sweep < kMaxJacobiSweeps; ++sweep) {
        double off = 0.0;
        for (int64_t p = 0; p < d; ++p) {
            for (int64_t q = p + 1; q < d; ++q) {
                off += a[p * d + q] * a[p * d + q];
            }
        }
        if (off <= kOffDiagonalTolerance * total) {
            break;
        }
        for (int64_t p = 0; p < d; ++p) {
            for (int64_t q = p + 1; q < d; ++q) {
                const double apq = a[p * d + q];
                if (apq == 0.0) {
                    continue;
                }
                const double theta = (a[q * d + q] - a[p * d + p]) / (2.0 * apq);
                const double t = (theta >= 0.0 ? 1.0 : -1.0) /
                                 (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
                const double c = 1.0 / std::sqrt(t * t + 1.0);
                const double s = t * c;
                for (int64_t k = 0; k < d; ++k) {
                    const double akp = a[k * d + p];
                    const double akq = a[k * d + q];
                    a[k * d + p] = c * akp - s * akq;
                    a[k * d + q] = s * akp + c * akq;
                }
                for (int64_t k = 0; k < d; ++k) {
                    const double apk = a[p * d + k];
                    const double aqk = a[q * d + k];
                    a[p * d + k] = c * apk - s * aqk;
                    a[q * d + k] = s * apk + c * aqk;
                }
                for (int64_t k = 0; k < d; ++k) {
                    const double vkp = v[k * d + p];
                    const double vkq = v[k * d + q];
                    v[k * d + p] = c * vkp - s * vkq;
                    v[k * d + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    return v;
}

}  // namespace

SphereBasis fitSphereBasis(const std::vector<float>& data, int64_t dim, const PcaOptions& options) {
    const int64_t rows = rowCount(data, dim, "fitSphereBasis");
    if (rows == 0) {
        throw std::invalid_argument("fitSphereBasis: no embeddings to fit");
    }
    SphereBasis basis;
    basis.dim = dim;
    basis.mean.assign(static_cast<size_t>(dim), 0.0);
    std::vector<double> row(static_cast<size_t>(dim));
    std::vector<double> mean(static_cast<size_t>(dim), 0.0);
    if (options.center) {
        for (int64_t r = 0; r < rows; ++r) {
            unitRow(data, dim, r, row);
            for (int64_t k = 0; k < dim; ++k) {
                mean[k] += row[k] / static_cast<double>(rows);
            }
        }
    }
    std::vector<double> scatter(static_cast<size_t>(dim * dim), 0.0);
    for (int64_t r = 0; r < rows; ++r) {
        unitRow(data, dim, r, row);
        for (int64_t i = 0; i < dim; ++i) {
            row[i] -= mean[i];
        }
        for (int64_t i = 0; i < dim; ++i) {
            for (int64_t j = i; j < dim; ++j) {
                scatter[i * dim + j] += row[i] * row[j];
            }
        }
    }
    double trace = 0.0;
    for (int64_t i = 0; i < dim; ++i) {
        trace += scatter[i * dim + i];
        for (int64_t j = 0; j < i; ++j) {
            scatter[i * dim + j] = scatter[j * dim + i];
        }
    }
    basis.directions.assign(static_cast<size_t>(kViewDim * dim), 0.0);
    if (dim == kViewDim) {
        // Identity: 3-dim embeddings are shown unrotated and uncentred, exactly where they are.
        for (int64_t i = 0; i < kViewDim; ++i) {
            basis.directions[i * dim + i] = 1.0;
            basis.explainedVariance[i] = trace > 0.0 ? scatter[i * dim + i] / trace : 0.0;
        }
        return basis;
    }
    basis.mean = mean;
    const std::vector<double> vectors = jacobiEigen(scatter, dim);
    std::vector<int64_t> order(static_cast<size_t>(dim));
    std::iota(order.begin(), order.end(), int64_t{0});
    std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) {
        return scatter[i * dim + i] > scatter[j * dim + j];
    });
    for (int64_t c = 0; c < kViewDim; ++c) {
        const int64_t column = order[c];
        int64_t largest = 0;
        for (int64_t k = 1; k < dim; ++k) {
            if (std::fabs(vectors[k * dim + column]) > std::fabs(vectors[largest * dim + column])) {
                largest = k;
            }
        }
        const double sign = vectors[largest * dim + column] < 0.0 ? -1.0 : 1.0;
        for (int64_t k = 0; k < dim; ++k) {
            basis.directions[c * dim + k] = sign * vectors[k * dim + column];
        }
        // Rounding can leave a zero eigenvalue slightly negative.
        const double variance = std::max(0.0, scatter[column * dim + column]);
        basis.explainedVariance[c] = trace > 0.0 ? variance / trace : 0.0;
    }
    return basis;
}

std::vector<float> projectToSphere(const SphereBasis& basis, const std::vector<float>& data) {
    if (basis.directions.size() != static_cast<size_t>(kViewDim * basis.dim) ||
        basis.mean.size() != static_cast<size_t>(basis.dim)) {
        throw std::invalid_argument("projectToSphere: the basis is not fitted");
    }
    const int64_t dim = basis.dim;
    const int64_t rows = rowCount(data, dim, "projectToSphere");
    std::vector<float> points(static_cast<size_t>(rows * kViewDim), 0.0f);
    std::vector<double> row(static_cast<size_t>(dim));
    for (int64_t r = 0; r < rows; ++r) {
        unitRow(data, dim, r, row);
        std::array<double, kViewDim> coordinates{};
        double norm = 0.0;
        for (int64_t c = 0; c < kViewDim; ++c) {
            for (int64_t k = 0; k < dim; ++k) {
                coordinates[c] += (row[k] - basis.mean[k]) * basis.directions[c * dim + k];
            }
            norm += coordinates[c] * coordinates[c];
        }
        norm = std::sqrt(norm);
        if (norm > 0.0) {
            for (int64_t c = 0; c < kViewDim; ++c) {
                points[r * kViewDim + c] = static_cast<float>(coordinates[c] / norm);
            }
        }
    }
    return points;
}

std::array<double, 2> hammerProjection(double x, double y, double z) {
    const double longitude = std::atan2(y, x);
    const double latitude = std::asin(std::clamp(z, -1.0, 1.0));
    const double denominator = std::sqrt(1.0 + std::cos(latitude) * std::cos(longitude / 2.0));
    return {2.0 * std::sqrt(2.0) * std::cos(latitude) * std::sin(longitude / 2.0) / denominator,
            std::sqrt(2.0) * std::sin(latitude) / denominator};
}

std::vector<float> hammerProjection(const std::vector<float>& points) {
    if (points.size() % kViewDim != 0) {
        throw std::invalid_argument("hammerProjection: " + std::to_string(points.size()) +
                                    " values are not whole 3-vectors");
    }
    const size_t rows = points.size() / kViewDim;
    std::vector<float> map(rows * 2);
    for (size_t r = 0; r < rows; ++r) {
        const auto xy = hammerProjection(points[r * 3], points[r * 3 + 1], points[r * 3 + 2]);
        map[r * 2] = static_cast<float>(xy[0]);
        map[r * 2 + 1] = static_cast<float>(xy[1]);
    }
    return map;
}

}  // namespace dimerec

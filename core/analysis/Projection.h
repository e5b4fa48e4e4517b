#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace dimerec {

// How the three directions of the sphere view are found.
struct PcaOptions {
    // Subtract the mean direction first (standard PCA, spreads a cap-shaped cloud over the
    // globe); false keeps directions through the origin (principal axes of the second moment),
    // which preserves angles to the origin better.
    bool center = true;
};

// Three orthonormal directions of R^d to view d-dim embeddings on a globe, with the share of
// the variance each explains.
struct SphereBasis {
    int64_t dim = 0;
    std::vector<double> mean;        // d; subtracted before projecting (zeros if not centred)
    std::vector<double> directions;  // 3 × d row-major, orthonormal; each one's largest
                                     // coordinate is positive, so the view is repeatable
    std::array<double, 3> explainedVariance{};  // share of the total variance along each direction
};

// Fits the basis on `data` (rows × dim, row-major, as EmbeddingSnapshot stores it), each row
// first normalised to the unit sphere (zero rows stay zero). The top-3 principal directions
// (Jacobi eigen-decomposition of the d × d covariance); for d = 3 the identity, so that 3-dim
// embeddings are shown as they are. Needs dim ≥ 3 and at least one row
// (std::invalid_argument otherwise).
SphereBasis fitSphereBasis(const std::vector<float>& data, int64_t dim,
                           const PcaOptions& options = {});

// Projects rows × basis.dim vectors (normalised first, like the fit) onto the basis and back
// onto the unit sphere: rows × 3 unit vectors. The same basis serves the items, a user's
// history, guidance vectors and diffusion samples, so they share one globe. A vector with no
// component along the three directions (e.g. exactly the mean) comes out as (0, 0, 0).
std::vector<float> projectToSphere(const SphereBasis& basis, const std::vector<float>& data);

// Hammer's equal-area projection of a unit 3-vector (longitude atan2(y, x), latitude asin(z))
// to the plane: x in [−2√2, 2√2], y in [−√2, √2]; (1, 0, 0) maps to the centre.
std::array<double, 2> hammerProjection(double x, double y, double z);
// The same for rows × 3 points: rows × 2 map coordinates.
std::vector<float> hammerProjection(const std::vector<float>& points);

}  // namespace dimerec

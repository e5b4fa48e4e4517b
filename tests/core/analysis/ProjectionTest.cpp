#include "analysis/Projection.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace dimerec {
namespace {

// Appends `count` copies of +v and of −v.
void addPairs(std::vector<float>& data, const std::vector<float>& v, int count) {
    for (int i = 0; i < count; ++i) {
        data.insert(data.end(), v.begin(), v.end());
        for (float x : v) {
            data.push_back(-x);
        }
    }
}

// Rotation of R^4 by 30° in the (x1, x2) plane and 60° in the (x3, x4) plane.
std::vector<float> rotate(const std::vector<float>& v) {
    const double a = M_PI / 6.0;
    const double b = M_PI / 3.0;
    return {static_cast<float>(std::cos(a) * v[0] - std::sin(a) * v[1]),
            static_cast<float>(std::sin(a) * v[0] + std::cos(a) * v[1]),
            static_cast<float>(std::cos(b) * v[2] - std::sin(b) * v[3]),
            static_cast<float>(std::sin(b) * v[2] + std::cos(b) * v[3])};
}

TEST(Projection, IdentityForThreeDimensions) {
    // Rows (3, 0, 0), (0, 0, −2), (0, 4, 0) normalise to ±unit axes; uncentred per-axis
    // shares of Σ x² = 3 are 1/3 each.
    const std::vector<float> data = {3, 0, 0, 0, 0, -2, 0, 4, 0};
    PcaOptions options;
    options.center = false;
    const SphereBasis basis = fitSphereBasis(data, 3, options);
    EXPECT_EQ(basis.directions, (std::vector<double>{1, 0, 0, 0, 1, 0, 0, 0, 1}));
    for (double share : basis.explainedVariance) {
        EXPECT_NEAR(share, 1.0 / 3.0, 1e-12);
    }
    EXPECT_EQ(projectToSphere(basis, data), (std::vector<float>{1, 0, 0, 0, 0, -1, 0, 1, 0}));
    // Centred shares: mean (1/3, 1/3, −1/3); Σ over rows of (x − mean)² per axis is
    // (4/9 + 1/9 + 1/9) = 2/3 on every axis, so again 1/3 each — but the points stay put.
    const SphereBasis centred = fitSphereBasis(data, 3);
    for (double share : centred.explainedVariance) {
        EXPECT_NEAR(share, 1.0 / 3.0, 1e-12);
    }
    EXPECT_EQ(projectToSphere(centred, data), (std::vector<float>{1, 0, 0, 0, 0, -1, 0, 1, 0}));
}

TEST(Projection, PrincipalDirectionsOfARotatedCross) {
    // ±e1 three times, ±e2 twice, ±e3 once: mean 0, scatter diag(6, 4, 2, 0), so the
    // explained shares are 6/12, 4/12, 2/12 and the directions e1, e2, e3 — here all
    // rotated by a known rotation R, which the directions must follow (R e_i).
    std::vector<float> data;
    addPairs(data, rotate({1, 0, 0, 0}), 3);
    addPairs(data, rotate({0, 1, 0, 0}), 2);
    addPairs(data, rotate({0, 0, 1, 0}), 1);
    const SphereBasis basis = fitSphereBasis(data, 4);
    EXPECT_NEAR(basis.explainedVariance[0], 0.5, 1e-6);
    EXPECT_NEAR(basis.explainedVariance[1], 1.0 / 3.0, 1e-6);
    EXPECT_NEAR(basis.explainedVariance[2], 1.0 / 6.0, 1e-6);
    // R e1 = (cos30°, sin30°, 0, 0); R e2 = (−sin30°, cos30°, 0, 0), sign flipped to make
    // its largest coordinate (cos30°) positive either way; R e3 = (0, 0, cos60°, sin60°).
    const std::vector<double> expected = {std::cos(M_PI / 6),
                                          std::sin(M_PI / 6),
                                          0,
                                          0,
                                          -std::sin(M_PI / 6),
                                          std::cos(M_PI / 6),
                                          0,
                                          0,
                                          0,
                                          0,
                                          std::cos(M_PI / 3),
                                          std::sin(M_PI / 3)};
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_NEAR(basis.directions[i], expected[i], 1e-6) << "coordinate " << i;
    }
    // The rotated axes land on the globe's axes; R e4 has no component in the view.
    const std::vector<float> probe = [] {
        std::vector<float> rows = rotate({-2, 0, 0, 0});
        const std::vector<float> e3 = rotate({0, 0, 0.5f, 0});
        const std::vector<float> e4 = rotate({0, 0, 0, 1});
        rows.insert(rows.end(), e3.begin(), e3.end());
        rows.insert(rows.end(), e4.begin(), e4.end());
        return rows;
    }();
    const std::vector<float> points = projectToSphere(basis, probe);
    const std::vector<float> expectedPoints = {-1, 0, 0, 0, 0, 1, 0, 0, 0};
    ASSERT_EQ(points.size(), expectedPoints.size());
    for (size_t i = 0; i < points.size(); ++i) {
        EXPECT_NEAR(points[i], expectedPoints[i], 1e-5) << "coordinate " << i;
    }
}

TEST(Projection, CentringChangesTheDirections) {
    // e1 twice and e2 once. Uncentred: second moment diag(2, 1, 0, 0) → shares 2/3, 1/3, 0.
    // Centred: the mean (2/3, 1/3, 0, 0) leaves deviations ±(1, −1)/3 · (1 or 2), all along
    // (1, −1, 0, 0)/√2, which explains everything.
    const std::vector<float> data = {1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0};
    PcaOptions uncentred;
    uncentred.center = false;
    const SphereBasis origin = fitSphereBasis(data, 4, uncentred);
    EXPECT_NEAR(origin.explainedVariance[0], 2.0 / 3.0, 1e-12);
    EXPECT_NEAR(origin.explainedVariance[1], 1.0 / 3.0, 1e-12);
    EXPECT_NEAR(origin.explainedVariance[2], 0.0, 1e-12);
    const SphereBasis centred = fitSphereBasis(data, 4);
    EXPECT_NEAR(centred.explainedVariance[0], 1.0, 1e-12);
    EXPECT_NEAR(std::fabs(centred.directions[0]), 1.0 / std::sqrt(2.0), 1e-12);
    EXPECT_NEAR(centred.directions[0], -centred.directions[1], 1e-12);
    // Inputs are normalised first: scaling a row changes nothing.
    const std::vector<float> scaled = {5, 0, 0, 0, 0.5f, 0, 0, 0, 0, 3, 0, 0};
    EXPECT_NEAR(fitSphereBasis(scaled, 4).explainedVariance[0], 1.0, 1e-12);
}

TEST(Projection, RejectsBadShapes) {
    EXPECT_THROW(fitSphereBasis({1, 0}, 2), std::invalid_argument);
    EXPECT_THROW(fitSphereBasis({1, 0, 0, 0, 1}, 4), std::invalid_argument);
    EXPECT_THROW(fitSphereBasis({}, 4), std::invalid_argument);
    EXPECT_THROW(projectToSphere(SphereBasis{}, {1, 0, 0}), std::invalid_argument);
    EXPECT_THROW(hammerProjection(std::vector<float>{1, 0}), std::invalid_argument);
}

TEST(Hammer, HandComputedPoints) {
    // x = 2√2 cosφ sin(λ/2) / √(1 + cosφ cos(λ/2)), y = √2 sinφ / √(1 + cosφ cos(λ/2)).
    const auto centre = hammerProjection(1, 0, 0);
    EXPECT_NEAR(centre[0], 0.0, 1e-15);
    EXPECT_NEAR(centre[1], 0.0, 1e-15);
    // North pole: φ = 90° → (0, √2).
    const auto pole = hammerProjection(0, 0, 1);
    EXPECT_NEAR(pole[0], 0.0, 1e-15);
    EXPECT_NEAR(pole[1], std::sqrt(2.0), 1e-15);
    // λ = 90° on the equator: 2√2 · (√2/2) / √(1 + √2/2) = 2 / √(1 + √2/2) ≈ 1.5307.
    const auto east = hammerProjection(0, 1, 0);
    EXPECT_NEAR(east[0], 2.0 / std::sqrt(1.0 + std::sqrt(2.0) / 2.0), 1e-15);
    EXPECT_NEAR(east[1], 0.0, 1e-15);
    // λ = 180°: the right edge (2√2, 0).
    const auto back = hammerProjection(-1, 0, 0);
    EXPECT_NEAR(back[0], 2.0 * std::sqrt(2.0), 1e-12);
    // φ = 30°, λ = 0: y = √2 · ½ / √(1 + cos30°) ≈ 0.5176.
    const auto north30 = hammerProjection(std::cos(M_PI / 6), 0, 0.5);
    EXPECT_NEAR(north30[1], std::sqrt(2.0) * 0.5 / std::sqrt(1.0 + std::cos(M_PI / 6)), 1e-15);
    const std::vector<float> map = hammerProjection(std::vector<float>{1, 0, 0, 0, 0, 1});
    EXPECT_NEAR(map[3], std::sqrt(2.0), 1e-6);
}

}  // namespace
}  // namespace dimerec

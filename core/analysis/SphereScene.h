#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

// What the sphere view and the Hammer map show, as plain values (filled from a checkpoint by
// analyseCheckpoint, analysis/EmbeddingAnalysis.h, or by hand in tests). Points are rows × 3 unit
// vectors (analysis/Projection's projectToSphere), row-major.
struct SphereScene {
    std::vector<float> items;                   // every item's point on the globe
    std::vector<int32_t> itemCategory;          // per item its primary category, -1 = none
    std::vector<std::string> itemTitles;        // per item, shown on hover
    std::vector<std::string> itemCategoryText;  // per item all its categories, "Drama, War"
    std::vector<std::string> categoryNames;     // category id → name (legend)
    std::array<double, 3> explainedVariance{};  // share of the variance along each axis
    bool principalAxes = true;  // false: the embeddings are 3-dim and shown as they are

    // One user's story (any may be empty): item ids for history and recommendations, points
    // for the vectors that are not items.
    std::string userLabel;                 // e.g. "user 42 (test)"
    std::vector<int32_t> historyItems;     // oldest first
    std::vector<float> guidance;           // guidance (interest) vectors, rows × 3
    std::vector<float> samples;            // reverse-process samples of the next interest
    std::vector<int32_t> recommendations;  // top-N, best first
    std::vector<int32_t> targets;          // the held-out next item(s)
};

// The marked sets of a scene, drawn with distinct markers on both views.
enum class SphereMark { History, Guidance, Sample, Recommendation, Target };

}  // namespace dimerec

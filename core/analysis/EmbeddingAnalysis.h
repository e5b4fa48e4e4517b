#pragma once

#include "analysis/NormByFrequency.h"
#include "analysis/SphereScene.h"
#include "store/RunRecords.h"

#include <string>
#include <vector>

namespace dimerec {

// What to compute from a run's checkpoint for the sphere view, the Hammer map and the category
// distribution of the diversity view. Qt-free; runs LibTorch on the CPU, so call it off the
// GUI thread.
struct EmbeddingRequest {
    std::string checkpoint;  // the run's best checkpoint (its config names the dataset)
    int user = 0;            // index of the chosen user among the test cases (clamped)
    int samples = 24;        // reverse-process samples of the next interest (generative models)
    int topN = 10;           // recommendations marked for the user
    int distributionUsers = 1000;  // test users whose top-N feed the category distribution
    std::vector<EmbeddingSnapshot> snapshots;  // with data; projected on the checkpoint's basis
};

struct EmbeddingAnalysis {
    SphereScene scene;
    std::string modelName;
    std::string datasetName;
    int testUsers = 0;  // the chosen user is scene.userLabel's case among these
    int user = 0;       // the case actually shown (request.user clamped)
    // Snapshot labels and their item points (rows × 3 on the same basis as scene.items);
    // snapshots whose shape differs from the checkpoint's item table are left out.
    std::vector<std::string> snapshotLabels;
    std::vector<int64_t> snapshotSteps;
    std::vector<std::vector<float>> snapshotItems;
    // The item table's norms by training frequency and mean pairwise cosine: of the
    // checkpoint, and of each snapshot above (in snapshotLabels' order).
    ItemTableShape tableShape;
    std::vector<ItemTableShape> snapshotShapes;
    // Category shares (categoryShares) of the histories and of the top-N lists of the first
    // distributionUsers test users; empty when the dataset has no categories.
    std::vector<double> historyShares;
    std::vector<double> recommendationShares;
    int distributionUsers = 0;
};

// Loads the checkpoint's config, dataset and model and computes everything above. Throws
// std::runtime_error / std::invalid_argument naming the file or field on bad input.
EmbeddingAnalysis analyseCheckpoint(const EmbeddingRequest& request);

}  // namespace dimerec

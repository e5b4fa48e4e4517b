#include "eval/TopItems.h"

#include "kernels/VectorMath.h"
#include "util/SharedBlocks.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace dimerec {
namespace {

constexpr int64_t kBlockUsers = 64;  // users per block of work

struct Candidate {
    float score;
    int32_t item;
};

// Whether a ranks above b: a higher score, or the same score and a lower item id.
bool ranksAbove(const Candidate& a, const Candidate& b) {
    return a.score > b.score || (a.score == b.score && a.item < b.item);
}

// Scratch of one thread for selectTop.
struct Scratch {
    explicit Scratch(int64_t items, int k)
        : cleaned(static_cast<size_t>(items)),
          maxima(2 * static_cast<size_t>(k)),
          indices(static_cast<size_t>(items)) {}
    std::vector<float> cleaned;
    std::vector<float> maxima;
    std::vector<int32_t> indices;
    std::vector<Candidate> kept;
};

// The k best of one user's I scores into out[0..k), best first. seen: the user's excluded
// items or nullptr.
void selectTop(const float* scores, int64_t items, const std::vector<int32_t>* seen, int k,
               Scratch& scratch, int64_t* out) {
    constexpr float kNone = -std::numeric_limits<float>::infinity();
    // NaN scores and excluded items become −∞.
    float* best = scratch.cleaned.data();
    copyReplacingNan(scores, items, kNone, best);
    if (seen != nullptr) {
        for (int32_t item : *seen) {
            if (item >= 0 && item < items) best[item] = kNone;
        }
    }
    // Only the items at or above a floor under the k-th best score are sorted out.
    const float floor = floorOfLargest(best, items, k, scratch.maxima.data());
    const int64_t found = indicesAtLeast(best, items, floor, scratch.indices.data());
    std::vector<Candidate>& kept = scratch.kept;
    kept.clear();
    for (int64_t i = 0; i < found; ++i) {
        const int32_t item = scratch.indices[static_cast<size_t>(i)];
        kept.push_back({best[item], item});
    }
    std::nth_element(kept.begin(), kept.begin() + (k - 1), kept.end(), ranksAbove);
    std::sort(kept.begin(), kept.begin() + k, ranksAbove);
    for (int i = 0; i < k; ++i) out[i] = kept[static_cast<size_t>(i)].item;
}

}  // namespace

torch::Tensor topItems(const torch::Tensor& scores,
                       const std::vector<const std::vector<int32_t>*>& excluded, int k) {
    if (scores.dim() != 2) {
        throw std::invalid_argument("topItems: scores must be [users, items], got " +
                                    std::to_string(scores.dim()) + " dimensions");
    }
    const int64_t users = scores.size(0);
    const int64_t items = scores.size(1);
    if (k < 1 || k > items) {
        throw std::invalid_argument("topItems: k = " + std::to_string(k) + " outside 1.." +
                                    std::to_string(items));
    }
    if (static_cast<int64_t>(excluded.size()) != users) {
        throw std::invalid_argument("topItems: " + std::to_string(excluded.size()) +
                                    " exclusion lists for " + std::to_string(users) + " users");
    }
    const torch::Tensor values = scores.to(torch::kCPU, torch::kFloat32).contiguous();
    torch::Tensor top = torch::empty({users, k}, torch::kInt64);
    const float* data = values.data_ptr<float>();
    int64_t* out = top.data_ptr<int64_t>();
    // Blocks of users any thread may take (runSharedBlocks): in evaluation, a thread done with
    // its own batches takes over blocks of another's.
    runSharedBlocks((users + kBlockUsers - 1) / kBlockUsers, [&](int64_t block) {
        Scratch scratch(items, k);
        for (int64_t user = block * kBlockUsers; user < std::min(users, (block + 1) * kBlockUsers);
             ++user) {
            selectTop(data + user * items, items, excluded[static_cast<size_t>(user)], k, scratch,
                      out + user * k);
        }
    });
    return top;
}

}  // namespace dimerec

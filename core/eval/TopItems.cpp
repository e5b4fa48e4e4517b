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

constexpr float kNone = -std::numeric_limits<float>::infinity();

// The 1-based rank of each target among the cleaned scores `best` (ranksAbove's order), in the
// order of `targets`.
std::vector<int32_t> ranksOf(const float* best, int64_t items,
                             const std::vector<int32_t>& targets) {
    std::vector<Candidate> sorted;
    sorted.reserve(targets.size());
    for (int32_t item : targets) sorted.push_back({best[item], item});
    std::sort(sorted.begin(), sorted.end(), ranksAbove);
    // above[j]: items that rank above sorted[j] and below sorted[j − 1]; ranks are their sums.
    std::vector<int64_t> above(sorted.size() + 1, 0);
    if (sorted.size() == 1) {
        const Candidate target = sorted.front();
        for (int32_t item = 0; item < items; ++item)
            above[0] += ranksAbove({best[item], item}, target) ? 1 : 0;
    } else {
        for (int32_t item = 0; item < items; ++item) {
            const Candidate candidate{best[item], item};
            // The first target this item ranks above; it and all later ones get one rank lower.
            const auto first = std::upper_bound(
                sorted.begin(), sorted.end(), candidate,
                [](const Candidate& c, const Candidate& target) { return ranksAbove(c, target); });
            ++above[static_cast<size_t>(first - sorted.begin())];
        }
    }
    std::vector<int32_t> ranks(targets.size());
    int64_t passed = 0;
    for (size_t j = 0; j < sorted.size(); ++j) {
        passed += above[j];
        const auto at = std::find(targets.begin(), targets.end(), sorted[j].item) - targets.begin();
        ranks[static_cast<size_t>(at)] = static_cast<int32_t>(1 + passed);
    }
    return ranks;
}

// The k best of one user's I scores into out[0..k), best first. seen: the user's excluded
// items or nullptr. wanted: items whose ranks go to *ranks (nullptr: none).
void selectTop(const float* scores, int64_t items, const std::vector<int32_t>* seen, int k,
               Scratch& scratch, int64_t* out, const std::vector<int32_t>* wanted,
               std::vector<int32_t>* ranks) {
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
    if (wanted != nullptr) *ranks = ranksOf(best, items, *wanted);
}

}  // namespace

torch::Tensor topItems(const torch::Tensor& scores,
                       const std::vector<const std::vector<int32_t>*>& excluded, int k,
                       const std::vector<const std::vector<int32_t>*>& targets,
                       std::vector<std::vector<int32_t>>* targetRanks) {
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
    if (targetRanks != nullptr && static_cast<int64_t>(targets.size()) != users) {
        throw std::invalid_argument("topItems: " + std::to_string(targets.size()) +
                                    " target lists for " + std::to_string(users) + " users");
    }
    if (targetRanks != nullptr) {
        targetRanks->assign(static_cast<size_t>(users), {});
        for (const std::vector<int32_t>* wanted : targets) {
            for (int32_t item : wanted != nullptr ? *wanted : std::vector<int32_t>{}) {
                if (item < 0 || item >= items) {
                    throw std::invalid_argument("topItems: target item " + std::to_string(item) +
                                                " outside 0.." + std::to_string(items - 1));
                }
            }
        }
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
            const auto u = static_cast<size_t>(user);
            const bool ranked = targetRanks != nullptr && targets[u] != nullptr;
            selectTop(data + user * items, items, excluded[u], k, scratch, out + user * k,
                      ranked ? targets[u] : nullptr, ranked ? &(*targetRanks)[u] : nullptr);
        }
    });
    return top;
}

}  // namespace dimerec

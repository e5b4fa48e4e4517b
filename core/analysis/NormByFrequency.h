#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dimerec {

// Item-embedding norms by how often the item occurs in the training sequences (issue 20,
// item 3): DreamRec's own code, trained on ML-1M with its MSE loss alone, shrank the rows of
// frequent items (norm ≈ 0.2 for items seen 1,000+ times) while rare ones kept theirs (≈ 5), so
// its inner-product ranking put rare items first. This table shows whether a run does the same.

// Items whose training count c satisfies lowest ≤ c ≤ highest (highest < 0: no upper bound).
struct NormBucket {
    int64_t lowest = 0;
    int64_t highest = -1;
    int64_t items = 0;
    double meanNorm = 0.0;
    double medianNorm = 0.0;  // of an even number of items: the mean of the middle two
};

// "0", "1-9", "1000+" (the bucket's range of training counts).
std::string bucketLabel(const NormBucket& bucket);

// Per bucket of training counts the number of items and the mean and median L2 norm of their
// rows of `embeddings` (item-major, rows × dim, row i = item i). Buckets are decades: 0, 1–9,
// 10–99, 100–999, … up to the one holding the largest count, which is open ("1000+" when the
// largest is in 1000–9999). Empty buckets are left out. itemCounts[i] is item i's training
// count (Splits::itemCounts); the table needs one row per count. Throws std::invalid_argument
// when dim < 1, the data is not rows × dim, or the counts do not match the rows.
std::vector<NormBucket> normByFrequency(const std::vector<float>& embeddings, int64_t dim,
                                        const std::vector<int64_t>& itemCounts);

// The mean cosine between the directions of two different rows of `embeddings` (rows × dim),
// over every pair of rows with a non-zero norm: the collapse that norms cannot show. On the
// sphere, a DreamRec-like MSE loss leaves the norms at 1 and draws every item towards one point
// (the mean rises towards 1); random directions in 64 dimensions give about 0. Exact, in
// O(rows × dim): with unit rows u_i and s = Σ u_i, Σ_{i≠j} u_i·u_j = ‖s‖² − n. NaN with fewer
// than two non-zero rows. Throws std::invalid_argument when dim < 1 or the data is not rows × dim.
double meanPairwiseCosine(const std::vector<float>& embeddings, int64_t dim);

// An item table's shape as issue 20's item 3 reads it: its norms by training frequency and the
// mean pairwise cosine of its directions (a collapse of the norms, or of the directions).
struct ItemTableShape {
    std::vector<NormBucket> norms;
    double meanCosine = 0.0;
};
ItemTableShape itemTableShape(const std::vector<float>& embeddings, int64_t dim,
                              const std::vector<int64_t>& itemCounts);

}  // namespace dimerec

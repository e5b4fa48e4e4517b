#pragma once

namespace dimerec {

struct Dataset;

// The embedded default dataset, MovieLens latest-small (610 users, 9,724 rated movies,
// 100,836 ratings, 20 genres), every rating kept as an implicit interaction.
Dataset loadDefaultDataset();

}  // namespace dimerec

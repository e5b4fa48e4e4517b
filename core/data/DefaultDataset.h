#pragma once

namespace dimerec {

struct Dataset;
struct RawLog;

// The embedded default dataset, MovieLens latest-small (610 users, 9,724 rated movies,
// 100,836 ratings, 20 genres), every rating kept as an implicit interaction.
Dataset loadDefaultDataset();

// The embedded files as read, before preprocessing (loadDataset applies the options to it).
RawLog readDefaultRawLog();

}  // namespace dimerec

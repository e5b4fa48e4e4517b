#pragma once

// The T × schedule study that the study-grid and study-view tests share: T ∈ {50, 100} ×
// schedule ∈ {linear, cosine} × seeds {1, 2}, in the order a sweep makes them (linear first),
// with test NDCG@10 chosen by hand:
//   T=50 linear 0.10, 0.12   T=100 linear 0.20, 0.24
//   T=50 cosine 0.30, 0.31   T=100 cosine 0.15, 0.17

namespace dimerec::test {

struct StepsScheduleCell {
    int steps;
    const char* schedule;
    double seed1;  // test NDCG@10 of seed 1
    double seed2;  // and of seed 2
};

inline constexpr StepsScheduleCell kStepsScheduleCells[] = {{50, "linear", 0.10, 0.12},
                                                            {100, "linear", 0.20, 0.24},
                                                            {50, "cosine", 0.30, 0.31},
                                                            {100, "cosine", 0.15, 0.17}};

}  // namespace dimerec::test

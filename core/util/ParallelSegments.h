#pragma once

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace dimerec {

// One parallel region over the values of several arrays taken end to end (segment s holds
// ends[s − 1] … ends[s] − 1 of the whole, with ends the running totals of their lengths):
// calls body(s, first, last) for the parts [first, last) of segment s that each task covers,
// a task being at least `grain` values and free to cross from one segment into the next.
// For many small arrays and a few large ones (a model's parameters) this opens one region
// instead of one per array.
template <class Body>
void forEachSegmentPart(const std::vector<int64_t>& ends, int64_t grain, const Body& body) {
    const int64_t total = ends.empty() ? 0 : ends.back();
    at::parallel_for(0, total, grain, [&](int64_t begin, int64_t end) {
        auto segment =
            static_cast<size_t>(std::upper_bound(ends.begin(), ends.end(), begin) - ends.begin());
        for (int64_t at = begin; at < end; ++segment) {
            const int64_t start = segment == 0 ? 0 : ends[segment - 1];
            const int64_t stop = std::min(end, ends[segment]);
            if (stop > at) body(segment, at - start, stop - start);
            at = std::max(at, stop);
        }
    });
}

}  // namespace dimerec

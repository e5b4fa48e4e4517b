#include "util/TargetRanks.h"

#include <algorithm>
#include <stdexcept>

namespace dimerec {

void TargetRanks::addCase(int32_t user, std::vector<int32_t> ranks) {
    if (ranks.empty()) {
        throw std::invalid_argument("target ranks: case of user " + std::to_string(user) +
                                    " has no targets");
    }
    std::sort(ranks.begin(), ranks.end());
    if (ranks.front() < 1) {
        throw std::invalid_argument("target ranks: user " + std::to_string(user) + " has rank " +
                                    std::to_string(ranks.front()) + " (ranks start at 1)");
    }
    users_.push_back(user);
    ranks_.insert(ranks_.end(), ranks.begin(), ranks.end());
    offsets_.push_back(ranks_.size());
}

std::vector<int32_t> TargetRanks::targetCounts() const {
    std::vector<int32_t> counts;
    if (ranks_.size() == users_.size()) return counts;
    counts.reserve(users_.size());
    for (size_t c = 0; c < cases(); ++c) counts.push_back(static_cast<int32_t>(targets(c)));
    return counts;
}

TargetRanks TargetRanks::fromColumns(std::vector<int32_t> users, const std::vector<int32_t>& counts,
                                     std::vector<int32_t> ranks, const std::string& what) {
    const auto fail = [&what](const std::string& message) {
        return std::invalid_argument(what + ": " + message);
    };
    if (!counts.empty() && counts.size() != users.size()) {
        throw fail(std::to_string(counts.size()) + " target counts for " +
                   std::to_string(users.size()) + " cases");
    }
    TargetRanks result;
    result.offsets_.reserve(users.size() + 1);
    size_t end = 0;
    for (size_t c = 0; c < users.size(); ++c) {
        const int32_t count = counts.empty() ? 1 : counts[c];
        if (count < 1) throw fail("case " + std::to_string(c) + " has no targets");
        end += static_cast<size_t>(count);
        result.offsets_.push_back(end);
    }
    if (end != ranks.size()) {
        throw fail(std::to_string(ranks.size()) + " ranks for " + std::to_string(end) + " targets");
    }
    for (size_t c = 0; c < users.size(); ++c) {
        const auto first = ranks.begin() + static_cast<std::ptrdiff_t>(result.offsets_[c]);
        const auto last = ranks.begin() + static_cast<std::ptrdiff_t>(result.offsets_[c + 1]);
        if (!std::is_sorted(first, last) || *first < 1) {
            throw fail("the ranks of case " + std::to_string(c) +
                       " are not ascending ranks from 1");
        }
    }
    result.users_ = std::move(users);
    result.ranks_ = std::move(ranks);
    return result;
}

std::string packInt32(const std::vector<int32_t>& values) {
    std::string bytes(values.size() * 4, '\0');
    for (size_t i = 0; i < values.size(); ++i) {
        const auto value = static_cast<uint32_t>(values[i]);
        for (size_t b = 0; b < 4; ++b)
            bytes[4 * i + b] = static_cast<char>((value >> (8 * b)) & 0xFF);
    }
    return bytes;
}

std::vector<int32_t> unpackInt32(const void* bytes, size_t size, const std::string& what) {
    if (size % 4 != 0) {
        throw std::invalid_argument(what + ": " + std::to_string(size) +
                                    " bytes are not a whole number of int32 values");
    }
    const auto* data = static_cast<const unsigned char*>(bytes);
    std::vector<int32_t> values(size / 4);
    for (size_t i = 0; i < values.size(); ++i) {
        uint32_t value = 0;
        for (size_t b = 0; b < 4; ++b) value |= uint32_t{data[4 * i + b]} << (8 * b);
        values[i] = static_cast<int32_t>(value);
    }
    return values;
}

}  // namespace dimerec

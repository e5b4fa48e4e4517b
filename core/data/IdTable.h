#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dimerec {

// Interns original ids while a file is read: each distinct id gets the next index, so rows
// hold small integers instead of strings (ML-1M: 1 M rows, 3,706 items).
class IdTable {
public:
    int32_t intern(std::string_view id) {
        const auto found = index_.find(id);
        if (found != index_.end()) return found->second;
        const auto next = static_cast<int32_t>(names_.size());
        names_.emplace_back(id);
        index_.emplace(names_.back(), next);  // the deque keeps the string where it is
        return next;
    }

    size_t size() const { return names_.size(); }
    std::vector<std::string> names() const { return {names_.begin(), names_.end()}; }

private:
    std::deque<std::string> names_;
    std::unordered_map<std::string_view, int32_t> index_;
};

}  // namespace dimerec

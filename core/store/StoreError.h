#pragma once

#include <stdexcept>
#include <string>

namespace dimerec {

// Any failure of the run store; the message names the database file and says what was
// (not) stored.
class StoreError : public std::runtime_error {
public:
    StoreError(const std::string& file, const std::string& what);
    const std::string& file() const { return file_; }

private:
    std::string file_;
};

}  // namespace dimerec

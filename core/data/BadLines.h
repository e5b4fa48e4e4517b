#pragma once

#include "data/ParseError.h"

#include <cstdint>
#include <string>

namespace dimerec {

// What an importer does with a malformed line: stop with its ParseError (the default), or,
// when the user explicitly asked for it, skip the line and count it so that the count can
// be reported.
class BadLines {
public:
    explicit BadLines(bool skip) : skip_(skip) {}

    // Runs parse(); a ParseError propagates, or is counted when skipping.
    template <typename Parse>
    void guard(Parse&& parse) {
        try {
            parse();
        } catch (const ParseError& error) {
            if (!skip_) throw;
            if (count_++ == 0) first_ = error.what();
        }
    }

    int64_t count() const { return count_; }
    const std::string& first() const { return first_; }  // message of the first skipped line

private:
    bool skip_;
    int64_t count_ = 0;
    std::string first_;
};

}  // namespace dimerec

#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace dimerec {

// Incremental SHA-256 (OpenSSL), for dataset fingerprints and config hashes.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(std::string_view bytes);
    // Lower-case hex digest; the hasher cannot be updated afterwards.
    std::string hexDigest();

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

std::string sha256Hex(std::string_view bytes);

}  // namespace dimerec

#include "util/Hash.h"

#include <gtest/gtest.h>

namespace dimerec {
namespace {

// Test vectors from FIPS 180-2, appendix B.
TEST(Sha256, MatchesFipsVectors) {
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    Sha256 incremental;
    incremental.update("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    EXPECT_EQ(incremental.hexDigest(),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

}  // namespace
}  // namespace dimerec

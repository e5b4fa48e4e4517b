// The run bundles' binary columns (store/BundleColumn.h).
#include "store/BundleColumn.h"
#include "util/TargetRanks.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <stdexcept>
#include <string>

namespace dimerec {
namespace {

// RFC 4648, section 10's test vectors.
TEST(BundleColumn, Base64IsRfc4648) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [bytes, text] : vectors) {
        EXPECT_EQ(toBase64(bytes), text);
        EXPECT_EQ(fromBase64(text), bytes);
    }
    EXPECT_THROW(fromBase64("Zm9v!"), std::invalid_argument);
}

// int32 4, −4, 9 → bytes 04 00 00 00 | FC FF FF FF | 09 00 00 00; by significance: the first
// bytes 04 FC 09, the second 00 FF 00, the third 00 FF 00, the fourth 00 FF 00 (by hand).
TEST(BundleColumn, PackedColumnsAreTheBytePlanesDeflated) {
    const std::string packed = packColumn(packInt32({4, -4, 9}), 4);
    const std::string deflated = fromBase64(packed);
    std::string planes(12, '\0');
    uLongf size = planes.size();
    ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(planes.data()), &size,
                         reinterpret_cast<const Bytef*>(deflated.data()), deflated.size()),
              Z_OK);
    EXPECT_EQ(size, 12u);
    EXPECT_EQ(planes, std::string("\x04\xFC\x09\x00\xFF\x00\x00\xFF\x00\x00\xFF\x00", 12));
    EXPECT_EQ(unpackColumn(packed, 4), packInt32({4, -4, 9}));
}

TEST(BundleColumn, RoundTripsAnyBytes) {
    std::mt19937 random(7);
    for (size_t width : {1u, 4u, 8u}) {
        for (size_t count : {0u, 1u, 1000u}) {
            std::string bytes(width * count, '\0');
            for (char& b : bytes) b = static_cast<char>(random());
            EXPECT_EQ(unpackColumn(packColumn(bytes, width), width), bytes)
                << width << " × " << count;
        }
    }
    EXPECT_THROW(packColumn("12345", 4), std::invalid_argument);
}

// 10,000 ranks drawn uniformly from 1..3,706 (ML-1M's items; a weak model's ranks): as plain
// base64 each takes 4 bytes, 5.33 characters. Packed, the first-byte plane is random (1 byte a
// rank), the second holds 0..14 (under 4 bits), the other two are zeros: under 1.5 bytes, 2
// base64 characters a rank, less than half the plain text.
TEST(BundleColumn, PackedRanksTakeLessThanHalfThePlainText) {
    std::mt19937 random(3);
    std::uniform_int_distribution<int32_t> rank(1, 3706);
    std::vector<int32_t> ranks(10000);
    for (int32_t& r : ranks) r = rank(random);
    const std::string bytes = packInt32(ranks);
    EXPECT_LT(packColumn(bytes, 4).size(), toBase64(bytes).size() / 2);
}

TEST(BundleColumn, DamagedTextIsRefusedWithAReason) {
    const std::string packed = packColumn(packInt32({1, 2, 3}), 4);
    const auto reason = [](const std::string& text, size_t width) {
        try {
            unpackColumn(text, width);
        } catch (const std::invalid_argument& error) {
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(reason("not base64!", 4), "its binary data is not base64");
    EXPECT_EQ(reason("AAAA", 4), "its data is not deflated data (damaged)");
    EXPECT_EQ(reason(packed.substr(0, packed.size() / 2), 4),
              "its data is not deflated data (damaged)");  // cut short
    EXPECT_EQ(reason(packColumn("12345", 5), 4),
              "its 5 bytes are not a whole number of 4-byte values");
}

}  // namespace
}  // namespace dimerec

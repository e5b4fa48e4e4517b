// libFuzzer target over the decoding every dataset file goes through first: gzip (any number
// of members) and xz, recognised by their magic bytes, then the UTF-8 check and the Latin-1
// fallback of the MovieLens files. Anything but the documented ParseError, or a sanitizer
// report, is a bug.
#include "data/FileDecoding.h"
#include "data/ParseError.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace dimerec;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    (void)latin1ToUtf8(bytes);
    try {
        const std::string plain = decompressIfNeeded(bytes, "fuzz.gz");
        (void)utf8OrLatin1ToUtf8(plain);
        requireUtf8(plain, "fuzz.gz");
    } catch (const ParseError&) {
    }
    return 0;
}

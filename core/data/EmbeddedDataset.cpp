#include "data/EmbeddedDataset.h"

#include <cstddef>

// .incbin places the files' bytes into the object file without a generated source; the
// linker-visible start/end labels give each file's extent.
// clang-format off
#define DIMEREC_INCBIN(symbol, file)                                  \
    __asm__(".section .rodata\n"                                     \
            ".global " #symbol "_begin\n"                            \
            ".balign 16\n" #symbol "_begin:\n"                       \
            ".incbin \"" DIMEREC_EMBEDDED_DIR "/" file "\"\n"        \
            ".global " #symbol "_end\n" #symbol "_end:\n"            \
            ".byte 0\n"                                              \
            ".previous\n");                                          \
    extern "C" const char symbol##_begin[];                          \
    extern "C" const char symbol##_end[];
// clang-format on

DIMEREC_INCBIN(dimerec_ml_ratings, "ratings.csv")
DIMEREC_INCBIN(dimerec_ml_movies, "movies.csv")
DIMEREC_INCBIN(dimerec_ml_readme, "GROUPLENS_README.txt")

namespace dimerec {
namespace {
std::string_view span(const char* begin, const char* end) {
    return {begin, static_cast<size_t>(end - begin)};
}
}  // namespace

const EmbeddedDatasetFiles& embeddedDatasetFiles() {
    static const EmbeddedDatasetFiles files{span(dimerec_ml_ratings_begin, dimerec_ml_ratings_end),
                                            span(dimerec_ml_movies_begin, dimerec_ml_movies_end),
                                            span(dimerec_ml_readme_begin, dimerec_ml_readme_end)};
    return files;
}

}  // namespace dimerec

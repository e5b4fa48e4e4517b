#pragma once

// DIMEREC_VECTOR_CLONES before a kernel's definition: on x86-64 a second copy for AVX2 + FMA
// is chosen at load time (an ifunc).
//
// Not under GCC's ThreadSanitizer: GCC instruments the ifunc resolver it writes for the clones,
// and that resolver runs while the program is relocated, before TSan's runtime is set up, so
// the program crashed before main (scripts/sanitize.sh tsan).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_THREAD__)
#define DIMEREC_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define DIMEREC_VECTOR_CLONES
#endif

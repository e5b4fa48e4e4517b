#pragma once

// DIMEREC_VECTOR_CLONES before a kernel's definition: on x86-64 a second copy for AVX2 + FMA
// is chosen at load time (an ifunc).
//
// Not under GCC's ThreadSanitizer: GCC instruments the ifunc resolver it writes for the clones,
// and that resolver runs while the program is relocated, before TSan's runtime is set up, so
// the program crashed before main (scripts/sanitize.sh tsan).
//
// DIMEREC_WIDE_VECTOR_CLONES adds a copy for AVX-512 (x86-64-v4), for loops of 64-bit integer
// multiplies (the counter-based hashes of NormalNoise.cpp): AVX-512DQ multiplies 64-bit lanes
// in one instruction where AVX2 takes three and the shifts between, 0.6 against 1.9 ns a
// dropout mask value on this machine. The integer results are the same on every copy.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_THREAD__)
#define DIMEREC_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#define DIMEREC_WIDE_VECTOR_CLONES \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DIMEREC_VECTOR_CLONES
#define DIMEREC_WIDE_VECTOR_CLONES
#endif

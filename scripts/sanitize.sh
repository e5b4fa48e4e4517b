#!/usr/bin/env bash
# Builds the project with sanitizers in its own build folder and runs tests under them
# (docs/reliability.md, "Sanitizers"). Too slow for every CI run: run it by hand.
#
#   scripts/sanitize.sh asan [ctest args...]  ASan+UBSan (gcc) in build-asan, then the whole
#                                             test suite (ctest; extra args go to ctest, e.g. -R store)
#   scripts/sanitize.sh tsan [ctest args...]  TSan in build-tsan, then the tests of the threaded
#                                             code (training worker and queue, trainer control,
#                                             run store, shared blocks, evaluator)
#
# Any report fails the test that triggered it: UBSan does not recover (-fno-sanitize-recover=all),
# ASan and TSan halt on their first error. Suppressions for code that is not ours, each with the
# reason, are in scripts/sanitizers/. JOBS (default 2) sets the build's parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=${1:-}
shift || true
jobs=${JOBS:-2}
supp="$root/scripts/sanitizers"

configure_and_build() { # <build dir> <-fsanitize list> <targets...>
  local dir=$1 list=$2
  shift 2
  # -O1 -g keeps the stacks readable at a bearable speed; Debug keeps assert() on. Warnings stay
  # warnings even under CI=true: at -O1 with ASan, GCC 12 reports -Wmaybe-uninitialized inside
  # LibTorch's c10::optional copies (intrusive_ptr.h), which the Release build does not.
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
    -DDIMEREC_SANITIZE="$list" -DDIMEREC_BUILD_BENCHMARKS=OFF -DDIMEREC_WERROR=OFF \
    -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache >/dev/null && echo ccache)"
  nice -n 5 cmake --build "$dir" -j "$jobs" ${1:+--target "$@"}
}

case "$mode" in
asan)
  configure_and_build build-asan address,undefined
  # detect_leaks: a leak fails the test; lsan.supp is for leaks inside libraries that are not
  # ours (fontconfig's configuration, which Qt never frees).
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp"
  # Three suites pin properties of the Release build, not of the code's correctness, and are
  # left out: MemoryTuning counts the page faults of glibc's malloc reusing a freed block (ASan's
  # allocator keeps freed blocks in quarantine), TrainingLoopReference the bits of a run's
  # losses as the Release build's -O3 rounds them, VectorMath the tanh kernel's worst error
  # against a bound set just above what the -O3 code reaches (the -O1 code is 3.25e-7 off).
  nice -n 5 ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 3000 \
    -E '^test_train:(MemoryTuning|TrainingLoopReference)$|^test_model:VectorMath$' "$@"
  ;;
tsan)
  configure_and_build build-tsan thread test_util test_store test_train test_eval test_workbench
  # libgomp is not built with TSan: its fork, barriers and join synchronise through futexes TSan
  # cannot see, so every OpenMP region would be reported as racing with itself. The programs run
  # with one OpenMP thread at most; OMP_THREAD_LIMIT also holds when a test asks LibTorch for two
  # (at::set_num_threads(2)). What TSan checks is therefore the code's own threads: the training
  # worker's QThread and queue, the trainer's pause/cancel flags set from another thread, shared
  # blocks taken over between std::threads, the run store's connections; not the OpenMP regions
  # (the evaluator's batches, a training step's row shards; docs/reliability.md, "Sanitizers").
  # Qt, LibTorch and SQLite are not built with TSan either: ignore_noninstrumented_modules keeps
  # TSan from reporting the memcpy and new/delete their own worker threads do (Qt's pooled
  # threads scaling the window's images raced with each other there); our code's accesses are
  # all still checked.
  export OMP_NUM_THREADS=1 OMP_THREAD_LIMIT=1
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:ignore_noninstrumented_modules=1:suppressions=$supp/tsan.supp"
  nice -n 5 ctest --test-dir build-tsan --output-on-failure -j "$jobs" --timeout 3000 \
    -R '^test_util:SharedBlocks$|^test_store:|^test_eval:Evaluator$|^test_workbench:' "$@"
  # The trainer's control (pause, cancel, failures) without its learning tests: those train for
  # many minutes each under TSan on one thread and start no thread of their own.
  (cd build-tsan/tests/core/train && OMP_WAIT_POLICY=PASSIVE nice -n 5 ./test_train \
    --gtest_filter='Trainer.Pause*:Trainer.Failures*:Trainer.AnObserver*:Trainer.ANonFinite*')
  ;;
*)
  echo "usage: scripts/sanitize.sh asan|tsan [ctest args...]" >&2
  exit 2
  ;;
esac

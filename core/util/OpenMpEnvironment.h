#pragma once

namespace dimerec {

// Makes idle OpenMP threads sleep instead of spin. libgomp spins waiting for work by default;
// on a machine whose cores are busy with other processes (builds, a second training run) a
// spinning thread keeps a core from the thread that holds the work, and with two threads the
// training throughput collapses (docs/performance.md). libgomp reads OMP_WAIT_POLICY once,
// when it is loaded — before main() — so setting it in-process is too late: when the variable
// is unset this sets OMP_WAIT_POLICY=PASSIVE and re-executes the program (/proc/self/exe) with
// the same arguments. When it is already set (by the user, or by the first pass) it does
// nothing, as it does when the re-execution fails (the program then runs on as it is).
// Call it first thing in main(), before any thread starts.
void ensurePassiveOpenMpWait(char** argv);

}  // namespace dimerec

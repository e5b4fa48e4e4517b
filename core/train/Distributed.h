#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace dimerec {

// Who this process is in a data-parallel run and where the processes meet (docs/cluster.md).
struct DistributedContext {
    int rank = 0;                             // 0 … worldSize − 1; rank 0 evaluates and stores
    int worldSize = 1;                        // processes training the one run
    std::string masterAddress = "127.0.0.1";  // host of rank 0 (it serves the TCPStore)
    int masterPort = 29500;                   // TCPStore port on that host
    std::string backend = "auto";             // auto (nccl on CUDA, else gloo) | gloo | nccl
    int localRank = -1;                       // GPU index on this host (-1 = rank mod GPUs)
    std::chrono::seconds timeout{30 * 60};    // longest wait in a collective (rank 0 evaluating)
};

// The port used when neither a flag nor MASTER_PORT gives one (PyTorch's default).
constexpr int kDefaultMasterPort = 29500;

// Fields of "ADDR:PORT" (or "ADDR", which keeps the default port). Throws
// std::invalid_argument for an empty address or a port outside 1 … 65535.
void parseMasterAddress(const std::string& text, DistributedContext& context);

// Expands a Slurm host list ("node[01-03,07],gpu5") into host names, in order. Handles one
// bracket group per comma-separated entry with numbers and zero-padded ranges; throws
// std::invalid_argument for unbalanced brackets or a bad range.
std::vector<std::string> expandSlurmHostList(const std::string& list);

// The context Slurm describes for a task started by srun: SLURM_PROCID, SLURM_NTASKS, the first
// host of SLURM_STEP_NODELIST (else SLURM_NODELIST) as master unless MASTER_ADDR is set, and
// MASTER_PORT or kDefaultMasterPort + SLURM_JOB_ID mod 1000 (two jobs sharing a node do not
// collide), SLURM_LOCALID as local rank. `getenv` is the environment lookup (nullptr = unset).
// Returns a context with worldSize 1 when SLURM_NTASKS is absent or 1; throws std::invalid_argument
// for values that are not numbers or a rank outside the world.
DistributedContext distributedContextFromSlurm(
    const std::function<const char*(const char*)>& getenv);

// The CUDA device index this rank trains on when the run's device is plain "cuda" or "auto".
int cudaIndexFor(const DistributedContext& context, int deviceCount);

// Checks a context (rank within the world, world ≥ 1, backend known, port in range); throws
// std::invalid_argument naming the field.
void validate(const DistributedContext& context);

// One process's membership in a data-parallel group: rendezvous through a c10d::TCPStore served
// by rank 0, collectives through ProcessGroupGloo (CPU tensors) or ProcessGroupNCCL (CUDA
// tensors, only when this LibTorch build has NCCL). Every call is collective: all ranks must
// make the same calls in the same order.
class DataParallelGroup {
public:
    // Connects (blocks until every rank has joined or the timeout passes). `cuda` chooses the
    // backend for "auto". Throws std::runtime_error when the rendezvous fails or NCCL is asked
    // for and not built in.
    DataParallelGroup(const DistributedContext& context, bool cuda);
    ~DataParallelGroup();
    DataParallelGroup(const DataParallelGroup&) = delete;
    DataParallelGroup& operator=(const DataParallelGroup&) = delete;

    int rank() const;
    int worldSize() const;
    const std::string& backend() const;

    // Overwrites every tensor with rank 0's values (one flattened broadcast per dtype).
    void broadcastFromRankZero(const std::vector<at::Tensor>& tensors);

    // Sums weight × gradient over the ranks into every parameter's gradient, together with
    // `values` (summed as is), in one all-reduce of one flat buffer. With weight = local rows /
    // global rows this is the gradient of the global batch's mean loss. A parameter whose
    // gradient is undefined on every rank stays undefined (as in single-process training);
    // one defined on some rank gets the sum.
    void sumGradients(const std::vector<at::Tensor>& parameters, double weight,
                      std::vector<double>& values);

    // Rank 0's value on every rank.
    int64_t broadcastValue(int64_t value);

    void barrier();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dimerec

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

// The processes training one run, as the training loop sees them. Every call is collective:
// all ranks make the same calls in the same order. A process training alone is a group of one
// (SingleProcessGroup), so the loop reads the same either way.
class TrainingGroup {
public:
    virtual ~TrainingGroup() = default;

    virtual int rank() const = 0;
    virtual int worldSize() const = 0;

    // Overwrites every tensor with rank 0's values.
    virtual void broadcastFromRankZero(const std::vector<at::Tensor>& tensors) = 0;

    // Sums weight × gradient over the ranks into every parameter's gradient, together with
    // `values` (summed as is). With weight = local rows / global rows this is the gradient of
    // the global batch's mean loss. A parameter whose gradient is undefined on every rank stays
    // undefined (as in single-process training); one defined on some rank gets the sum.
    virtual void sumGradients(const std::vector<at::Tensor>& parameters, double weight,
                              std::vector<double>& values) = 0;

    // Rank 0's value on every rank.
    virtual int64_t broadcastValue(int64_t value) = 0;

    virtual void barrier() = 0;

    // Whether the run stops before its next step, given this process's cancel flag now and
    // whether any rank's flag was set when the last step's gradients were summed. Alone, a
    // cancel takes effect at once; in a group every rank must stop after the same step, which
    // only the summed flag tells.
    virtual bool cancelAgreed(bool cancelHere, bool cancelSummed) const = 0;
};

// Training alone: rank 0 of 1, every collective leaves its arguments as they are.
class SingleProcessGroup : public TrainingGroup {
public:
    int rank() const override { return 0; }
    int worldSize() const override { return 1; }
    void broadcastFromRankZero(const std::vector<at::Tensor>&) override {}
    void sumGradients(const std::vector<at::Tensor>&, double, std::vector<double>&) override {}
    int64_t broadcastValue(int64_t value) override { return value; }
    void barrier() override {}
    bool cancelAgreed(bool cancelHere, bool) const override { return cancelHere; }
};

// One process's membership in a data-parallel group: rendezvous through a c10d::TCPStore served
// by rank 0, collectives through ProcessGroupGloo (CPU tensors) or ProcessGroupNCCL (CUDA
// tensors, only when this LibTorch build has NCCL).
class DataParallelGroup : public TrainingGroup {
public:
    // Connects (blocks until every rank has joined or the timeout passes). `cuda` chooses the
    // backend for "auto". Throws std::runtime_error when the rendezvous fails or NCCL is asked
    // for and not built in.
    DataParallelGroup(const DistributedContext& context, bool cuda);
    ~DataParallelGroup() override;
    DataParallelGroup(const DataParallelGroup&) = delete;
    DataParallelGroup& operator=(const DataParallelGroup&) = delete;

    int rank() const override;
    int worldSize() const override;
    const std::string& backend() const;

    // One flattened broadcast per dtype.
    void broadcastFromRankZero(const std::vector<at::Tensor>& tensors) override;
    // One all-reduce of one flat buffer (gradients, "defined here" flags, values).
    void sumGradients(const std::vector<at::Tensor>& parameters, double weight,
                      std::vector<double>& values) override;
    int64_t broadcastValue(int64_t value) override;
    void barrier() override;
    bool cancelAgreed(bool, bool cancelSummed) const override { return cancelSummed; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dimerec

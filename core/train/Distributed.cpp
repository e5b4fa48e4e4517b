#include "train/Distributed.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef DIMEREC_HAVE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/torch.h>

#include <cstdlib>
#include <stdexcept>

namespace dimerec {
namespace {

constexpr int kMaxPort = 65535;
constexpr int kJobPortSpread = 1000;  // distinct default ports per Slurm job on a shared node

int parseInt(const std::string& text, const std::string& what) {
    size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || value < INT32_MIN || value > INT32_MAX) {
        throw std::invalid_argument(what + ": expected an integer, got '" + text + "'");
    }
    return static_cast<int>(value);
}

// Appends the hosts of one entry such as "node[01-03,07]-ib" (or a plain name).
void expandEntry(const std::string& entry, std::vector<std::string>& hosts) {
    const size_t open = entry.find('[');
    if (open == std::string::npos) {
        if (entry.find(']') != std::string::npos)
            throw std::invalid_argument("host list: unbalanced ']' in '" + entry + "'");
        if (!entry.empty()) hosts.push_back(entry);
        return;
    }
    const size_t close = entry.find(']', open);
    if (close == std::string::npos)
        throw std::invalid_argument("host list: unbalanced '[' in '" + entry + "'");
    const std::string prefix = entry.substr(0, open);
    const std::string suffix = entry.substr(close + 1);
    const std::string inside = entry.substr(open + 1, close - open - 1);
    size_t start = 0;
    while (start <= inside.size()) {
        size_t comma = inside.find(',', start);
        if (comma == std::string::npos) comma = inside.size();
        const std::string range = inside.substr(start, comma - start);
        const size_t dash = range.find('-');
        const std::string low = range.substr(0, dash);
        const std::string high = dash == std::string::npos ? low : range.substr(dash + 1);
        const int from = parseInt(low, "host list range '" + range + "'");
        const int to = parseInt(high, "host list range '" + range + "'");
        if (to < from || from < 0)
            throw std::invalid_argument("host list: bad range '" + range + "' in '" + entry + "'");
        for (int n = from; n <= to; ++n) {
            std::string number = std::to_string(n);
            if (number.size() < low.size()) number.insert(0, low.size() - number.size(), '0');
            expandEntry(prefix + number + suffix, hosts);
        }
        start = comma + 1;
    }
}

std::string resolveBackend(const std::string& backend, bool cuda) {
    if (backend == "auto") return cuda ? "nccl" : "gloo";
    return backend;
}

#ifdef DIMEREC_HAVE_NCCL
constexpr bool kHaveNccl = true;
#else
constexpr bool kHaveNccl = false;
#endif

std::shared_ptr<::gloo::transport::Device> glooDevice(const std::string& masterAddress) {
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME")) {
        return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
    }
    // On one host the loopback address always works, whatever the host name resolves to.
    if (masterAddress == "localhost" || masterAddress.rfind("127.", 0) == 0) {
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    }
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

// Tensors grouped by dtype, flattened into one buffer each.
std::map<c10::ScalarType, std::vector<torch::Tensor>> byDtype(
    const std::vector<at::Tensor>& tensors) {
    std::map<c10::ScalarType, std::vector<torch::Tensor>> groups;
    for (const torch::Tensor& t : tensors) groups[t.scalar_type()].push_back(t);
    return groups;
}

}  // namespace

void parseMasterAddress(const std::string& text, DistributedContext& context) {
    const size_t colon = text.rfind(':');
    const std::string address = colon == std::string::npos ? text : text.substr(0, colon);
    if (address.empty())
        throw std::invalid_argument("master: expected ADDR:PORT, got '" + text + "'");
    int port = kDefaultMasterPort;
    if (colon != std::string::npos) port = parseInt(text.substr(colon + 1), "master port");
    if (port < 1 || port > kMaxPort) {
        throw std::invalid_argument("master port: must be in 1 … 65535, got " +
                                    std::to_string(port));
    }
    context.masterAddress = address;
    context.masterPort = port;
}

std::vector<std::string> expandSlurmHostList(const std::string& list) {
    std::vector<std::string> hosts;
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i <= list.size(); ++i) {
        const char c = i < list.size() ? list[i] : ',';
        if (c == '[') ++depth;
        if (c == ']') --depth;
        if (c == ',' && depth == 0) {
            expandEntry(list.substr(start, i - start), hosts);
            start = i + 1;
        }
    }
    if (depth != 0) throw std::invalid_argument("host list: unbalanced brackets in '" + list + "'");
    return hosts;
}

DistributedContext distributedContextFromSlurm(
    const std::function<const char*(const char*)>& getenv) {
    DistributedContext context;
    const char* tasks = getenv("SLURM_NTASKS");
    if (tasks == nullptr) return context;
    context.worldSize = parseInt(tasks, "SLURM_NTASKS");
    if (context.worldSize <= 1) {
        context.worldSize = 1;
        return context;
    }
    const char* rank = getenv("SLURM_PROCID");
    if (rank == nullptr) throw std::invalid_argument("SLURM_NTASKS is set but SLURM_PROCID is not");
    context.rank = parseInt(rank, "SLURM_PROCID");
    if (const char* address = getenv("MASTER_ADDR")) {
        context.masterAddress = address;
    } else {
        const char* nodes = getenv("SLURM_STEP_NODELIST");
        if (nodes == nullptr) nodes = getenv("SLURM_NODELIST");
        if (nodes == nullptr)
            throw std::invalid_argument("neither SLURM_STEP_NODELIST nor SLURM_NODELIST is set");
        const std::vector<std::string> hosts = expandSlurmHostList(nodes);
        if (hosts.empty()) throw std::invalid_argument("SLURM node list is empty");
        context.masterAddress = hosts.front();
    }
    if (const char* port = getenv("MASTER_PORT")) {
        context.masterPort = parseInt(port, "MASTER_PORT");
    } else if (const char* job = getenv("SLURM_JOB_ID")) {
        context.masterPort = kDefaultMasterPort + parseInt(job, "SLURM_JOB_ID") % kJobPortSpread;
    }
    if (const char* local = getenv("SLURM_LOCALID"))
        context.localRank = parseInt(local, "SLURM_LOCALID");
    validate(context);
    return context;
}

int cudaIndexFor(const DistributedContext& context, int deviceCount) {
    if (deviceCount <= 0) return 0;
    return (context.localRank >= 0 ? context.localRank : context.rank) % deviceCount;
}

void validate(const DistributedContext& context) {
    if (context.worldSize < 1) {
        throw std::invalid_argument("world size: must be >= 1, got " +
                                    std::to_string(context.worldSize));
    }
    if (context.rank < 0 || context.rank >= context.worldSize) {
        throw std::invalid_argument("rank: must be in 0 … " +
                                    std::to_string(context.worldSize - 1) + ", got " +
                                    std::to_string(context.rank));
    }
    if (context.masterPort < 1 || context.masterPort > kMaxPort) {
        throw std::invalid_argument("master port: must be in 1 … 65535, got " +
                                    std::to_string(context.masterPort));
    }
    if (context.masterAddress.empty()) throw std::invalid_argument("master address: empty");
    if (context.backend != "auto" && context.backend != "gloo" && context.backend != "nccl") {
        throw std::invalid_argument("backend: must be auto, gloo or nccl, got '" + context.backend +
                                    "'");
    }
    if (context.timeout.count() <= 0) throw std::invalid_argument("timeout: must be > 0");
}

struct DataParallelGroup::Impl {
    DistributedContext context;
    std::string backend;
    torch::Device commDevice = torch::kCPU;  // where the collectives' buffers live
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroup> group;

    void allReduce(torch::Tensor& buffer) {
        std::vector<at::Tensor> tensors{buffer};
        group->allreduce(tensors)->wait();
    }
    void broadcast(torch::Tensor& buffer) {
        std::vector<at::Tensor> tensors{buffer};
        group->broadcast(tensors)->wait();
    }
};

DataParallelGroup::DataParallelGroup(const DistributedContext& context, bool cuda)
    : impl_(std::make_unique<Impl>()) {
    validate(context);
    impl_->context = context;
    impl_->backend = resolveBackend(context.backend, cuda);
    if (impl_->backend == "nccl" && !kHaveNccl) {
        throw std::runtime_error(
            "backend nccl: this LibTorch build has no NCCL (use --device cpu or a CUDA LibTorch, "
            "see docs/cluster.md)");
    }
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(context.timeout);
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = static_cast<uint16_t>(context.masterPort);
    storeOptions.isServer = context.rank == 0;
    storeOptions.numWorkers = static_cast<size_t>(context.worldSize);
    storeOptions.waitWorkers = true;
    storeOptions.timeout = timeout;
    try {
        impl_->store = c10::make_intrusive<c10d::TCPStore>(context.masterAddress, storeOptions);
        if (impl_->backend == "gloo") {
            auto options = c10d::ProcessGroupGloo::Options::create(timeout);
            options->devices.push_back(glooDevice(context.masterAddress));
            impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, context.rank,
                                                                       context.worldSize, options);
        } else {
#ifdef DIMEREC_HAVE_NCCL
            auto options = c10d::ProcessGroupNCCL::Options::create();
            options->timeout = timeout;
            impl_->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl_->store, context.rank,
                                                                       context.worldSize, options);
            impl_->commDevice = torch::Device(
                torch::kCUDA, static_cast<c10::DeviceIndex>(cudaIndexFor(
                                  context, static_cast<int>(torch::cuda::device_count()))));
#endif
        }
    } catch (const std::exception& error) {
        throw std::runtime_error("rendezvous at " + context.masterAddress + ":" +
                                 std::to_string(context.masterPort) + " as rank " +
                                 std::to_string(context.rank) + " of " +
                                 std::to_string(context.worldSize) + " failed: " + error.what());
    }
}

DataParallelGroup::~DataParallelGroup() = default;

int DataParallelGroup::rank() const {
    return impl_->context.rank;
}

int DataParallelGroup::worldSize() const {
    return impl_->context.worldSize;
}

const std::string& DataParallelGroup::backend() const {
    return impl_->backend;
}

void DataParallelGroup::broadcastFromRankZero(const std::vector<at::Tensor>& tensors) {
    torch::NoGradGuard noGrad;
    for (auto& [dtype, group] : byDtype(tensors)) {
        std::vector<torch::Tensor> flat;
        flat.reserve(group.size());
        for (const torch::Tensor& t : group) flat.push_back(t.detach().reshape({-1}));
        torch::Tensor buffer = torch::cat(flat).to(impl_->commDevice);
        impl_->broadcast(buffer);
        int64_t offset = 0;
        for (const torch::Tensor& t : group) {
            const int64_t n = t.numel();
            t.detach().copy_(buffer.narrow(0, offset, n).view(t.sizes()));
            offset += n;
        }
    }
}

void DataParallelGroup::sumGradients(const std::vector<at::Tensor>& parameters, double weight,
                                     std::vector<double>& values) {
    torch::NoGradGuard noGrad;
    if (parameters.empty()) throw std::invalid_argument("sumGradients: no parameters");
    const auto options = parameters.front().options().device(impl_->commDevice);
    int64_t total = 0;
    for (const torch::Tensor& p : parameters) total += p.numel();
    const auto count = static_cast<int64_t>(parameters.size());
    // Layout: every gradient, then one "defined here" flag per parameter, then the values.
    // Float: the buffer takes the parameters' dtype, so a loss value keeps about 7 digits.
    std::vector<float> tail(static_cast<size_t>(count) + values.size(), 0.0F);
    std::vector<torch::Tensor> pieces;
    pieces.reserve(parameters.size() + 1);
    for (int64_t i = 0; i < count; ++i) {
        const torch::Tensor& p = parameters[static_cast<size_t>(i)];
        const torch::Tensor& grad = p.grad();
        if (grad.defined()) {
            pieces.push_back(grad.reshape({-1}).mul(weight).to(options));
            tail[static_cast<size_t>(i)] = 1.0F;
        } else {
            pieces.push_back(torch::zeros({p.numel()}, options));
        }
    }
    for (size_t i = 0; i < values.size(); ++i)
        tail[static_cast<size_t>(count) + i] = static_cast<float>(values[i]);
    pieces.push_back(
        torch::from_blob(tail.data(), {static_cast<int64_t>(tail.size())}, torch::kFloat)
            .to(options));
    torch::Tensor buffer = torch::cat(pieces);
    impl_->allReduce(buffer);
    const torch::Tensor summed =
        buffer.narrow(0, total, count + static_cast<int64_t>(values.size()))
            .cpu()
            .to(torch::kDouble);
    const double* reducedTail = summed.data_ptr<double>();
    int64_t offset = 0;
    for (int64_t i = 0; i < count; ++i) {
        torch::Tensor p = parameters[static_cast<size_t>(i)];
        if (reducedTail[i] > 0.0) {
            const torch::Tensor reduced = buffer.narrow(0, offset, p.numel()).view(p.sizes());
            if (p.grad().defined()) {
                p.mutable_grad().copy_(reduced);
            } else {
                p.mutable_grad() = reduced.to(p.options()).clone();
            }
        }
        offset += p.numel();
    }
    for (size_t i = 0; i < values.size(); ++i)
        values[i] = reducedTail[static_cast<size_t>(count) + i];
}

int64_t DataParallelGroup::broadcastValue(int64_t value) {
    torch::Tensor buffer = torch::tensor({value}, torch::kInt64).to(impl_->commDevice);
    impl_->broadcast(buffer);
    return buffer.cpu()[0].item<int64_t>();
}

void DataParallelGroup::barrier() {
    impl_->group->barrier()->wait();
}

}  // namespace dimerec

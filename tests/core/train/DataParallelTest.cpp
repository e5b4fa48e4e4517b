// Two `dimerec train` processes on localhost against one process with the same global batch.
#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/Protocols.h"
#include "data/Splits.h"
#include "model/Recommender.h"
#include "train/Checkpoint.h"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

namespace dimerec {
namespace {

namespace fs = std::filesystem;

// A port nobody listens on right now (the kernel's pick for port 0).
int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ADD_FAILURE() << "no free port";
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The total loss of the last progress line ("step 4/4 … total 7.1234 …").
double lastTotalLoss(const std::string& log) {
    const std::regex line(R"(step (\d+)/\1 .*total ([0-9.]+))");
    std::smatch match;
    if (!std::regex_search(log, match, line)) {
        ADD_FAILURE() << "no final progress line in:\n" << log;
        return 0.0;
    }
    return std::stod(match[2]);
}

std::unique_ptr<Recommender> modelOf(const fs::path& checkpoint) {
    const RunConfig config = readCheckpointConfig(checkpoint.string());
    const Splits splits = makeSplits(loadDataset(config.data), config.data);
    auto model =
        makeRecommender(config.model, splits.numItems, config.data.maxLength, splits.itemCounts);
    loadCheckpoint(checkpoint.string(), *model, nullptr);
    return model;
}

// ComiRec-SA under the comirec protocol: its loss has no random draws of its own (the random
// cuts and the shared negatives come from the sampler), so the data-parallel gradient equals the
// single-process one up to summation order.
const char* const kRunFlags =
    " train --no-store --device cpu --threads 1 --set model.model=comirec-sa --set "
    "data.protocol=comirec"
    " --set model.dim=16 --set model.interests=2 --set data.maxLength=20 --set train.batchSize=64"
    " --set train.maxSteps=5 --set train.learningRate=0.005 --set eval.topK=[10]";

TEST(DataParallel, TwoProcessesMatchOneProcessWithTheSameGlobalBatch) {
    const fs::path dir = fs::temp_directory_path() / ("dimerec-ddp-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string program = DIMEREC_CLI_PATH;
    const std::string single = program + kRunFlags + " --checkpoint-dir " +
                               (dir / "single").string() + " > " + (dir / "single.log").string() +
                               " 2>&1";
    const std::string master = "127.0.0.1:" + std::to_string(freePort());
    auto rank = [&](int r) {
        return program + kRunFlags + " --world-size 2 --rank " + std::to_string(r) + " --master " +
               master + " --checkpoint-dir " + (dir / "ddp").string() + " > " +
               (dir / ("rank" + std::to_string(r) + ".log")).string() + " 2>&1";
    };
    // Both ranks at once; the shell's status is rank 0's or, failing that, rank 1's.
    const std::string both = "/bin/sh -c '" + rank(0) + " & p0=$!; " + rank(1) +
                             "; r1=$?; wait $p0; r0=$?; [ $r0 -eq 0 ] && [ $r1 -eq 0 ]'";
    ASSERT_EQ(std::system(single.c_str()), 0) << readFile(dir / "single.log");
    ASSERT_EQ(std::system(both.c_str()), 0)
        << readFile(dir / "rank0.log") << readFile(dir / "rank1.log");

    const std::string rank0 = readFile(dir / "rank0.log");
    EXPECT_NE(rank0.find("data-parallel: 2 processes"), std::string::npos) << rank0;
    EXPECT_NE(readFile(dir / "rank1.log").find("rank 1 of 2: trained 5 steps"), std::string::npos);
    // The reported loss is the global batch's mean; the log prints 4 decimals.
    EXPECT_NEAR(lastTotalLoss(rank0), lastTotalLoss(readFile(dir / "single.log")), 2e-4);

    const auto expected = modelOf(dir / "single" / "last.pt")->parameters();
    const auto actual = modelOf(dir / "ddp" / "last.pt")->parameters();
    ASSERT_EQ(expected.size(), actual.size());
    double worst = 0.0;
    int64_t coordinates = 0;
    int64_t apart = 0;  // coordinates further apart than kClose
    constexpr double kClose = 1e-5;
    for (size_t i = 0; i < expected.size(); ++i) {
        const torch::Tensor difference = (expected[i] - actual[i]).abs();
        worst = std::max(worst, difference.max().item<double>());
        coordinates += difference.numel();
        apart += (difference > kClose).sum().item<int64_t>();
    }
    std::cerr << "parameters: " << coordinates << ", apart by > " << kClose << ": " << apart
              << ", largest difference " << worst << "\n";
    // Summation order is the only difference (each rank sums 32 rows, the all-reduce adds the
    // two halves), so float32 gradients agree to ~1e-7 relative. Adam divides by √v: where a
    // gradient coordinate is within rounding of zero its step (±lr) can go either way, so a few
    // coordinates may drift by up to ~lr; all others must agree to 1e-5. Measured here: 2 of
    // 157,138 coordinates beyond 1e-5, the largest 2.8e-4 (lr = 5e-3).
    EXPECT_LE(apart * 10000, coordinates) << "more than 0.01 % of the parameters differ";
    EXPECT_LT(worst, 5e-3) << "a parameter moved by more than one Adam step (lr)";
    EXPECT_GT(expected.size(), 2u);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace dimerec

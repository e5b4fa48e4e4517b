#include "experiment/SlurmScript.h"

#include <gtest/gtest.h>

namespace dimerec {
namespace {

SlurmArrayJob sixTrials() {
    SlurmArrayJob job;
    job.program = "/opt/dimerec/bin/dimerec";
    job.experimentFile = "/home/ana/exp/ablation.json";
    job.profile = "full";
    job.study = "ablation full";
    job.trials = 6;
    job.maxParallel = 4;
    job.outDir = "/scratch/ana/ablation";
    job.resources.cpusPerTask = 4;
    job.resources.memory = "8G";
    job.resources.time = "01:30:00";
    job.resources.partition = "cpu";
    return job;
}

// Written by hand from sbatch(1): --array=0-5%4 runs tasks 0…5, at most 4 at once; %a in
// --output is the array index; SLURM_ARRAY_TASK_ID selects the trial.
TEST(SlurmScript, GoldenJobArray) {
    EXPECT_EQ(slurmArrayScript(sixTrials()),
              "#!/bin/bash\n"
              "#SBATCH --job-name=dimerec-ablation-full\n"
              "#SBATCH --array=0-5%4\n"
              "#SBATCH --ntasks=1\n"
              "#SBATCH --cpus-per-task=4\n"
              "#SBATCH --mem=8G\n"
              "#SBATCH --time=01:30:00\n"
              "#SBATCH --partition=cpu\n"
              "#SBATCH --output=/scratch/ana/ablation/trial-%a.log\n"
              "# Written by `dimerec sweep --slurm`: one trial per array task, each into its own\n"
              "# database (no SQLite shared over the network). When the array is done:\n"
              "#   dimerec runs import --db STUDY.sqlite /scratch/ana/ablation/trial-*.sqlite\n"
              "set -euo pipefail\n"
              "threads=\"${SLURM_CPUS_PER_TASK:-1}\"\n"
              "export OMP_NUM_THREADS=\"$threads\"\n"
              "exec '/opt/dimerec/bin/dimerec' sweep '/home/ana/exp/ablation.json' --profile 'full'"
              " --trial \"$SLURM_ARRAY_TASK_ID\" --threads \"$threads\" \\\n"
              "    --db '/scratch/ana/ablation'/trial-\"$SLURM_ARRAY_TASK_ID\".sqlite\n");
}

TEST(SlurmScript, DefaultPartitionAndNoThrottleLeaveTheirLinesOut) {
    SlurmArrayJob job = sixTrials();
    job.resources.partition.clear();
    job.maxParallel = 0;
    job.profile.clear();
    const std::string script = slurmArrayScript(job);
    EXPECT_EQ(script.find("--partition"), std::string::npos);
    EXPECT_NE(script.find("#SBATCH --array=0-5\n"), std::string::npos);
    EXPECT_EQ(script.find("--profile"), std::string::npos);
}

TEST(SlurmScript, RejectsWhatSlurmWouldReject) {
    SlurmArrayJob job = sixTrials();
    job.trials = 0;
    EXPECT_THROW(slurmArrayScript(job), std::invalid_argument);
    job = sixTrials();
    job.resources.cpusPerTask = 0;
    EXPECT_THROW(slurmArrayScript(job), std::invalid_argument);
    job = sixTrials();
    job.outDir = "/scratch/my runs";
    EXPECT_THROW(slurmArrayScript(job), std::invalid_argument);
}

TEST(SlurmScript, QuotesShellWords) {
    EXPECT_EQ(shellQuote("plain"), "'plain'");
    EXPECT_EQ(shellQuote("it's"), "'it'\\''s'");
}

}  // namespace
}  // namespace dimerec

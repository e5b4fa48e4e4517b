#include "experiment/SlurmScript.h"

#include <sstream>
#include <stdexcept>

namespace dimerec {
namespace {

// Job names go on an #SBATCH line unquoted: keep them to characters every shell leaves alone.
std::string jobName(const std::string& study) {
    std::string name = "dimerec-" + study;
    for (char& c : name) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!plain) c = '-';
    }
    return name;
}

}  // namespace

std::string shellQuote(const std::string& text) {
    std::string quoted = "'";
    for (const char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

std::string slurmArrayScript(const SlurmArrayJob& job) {
    if (job.trials <= 0) throw std::invalid_argument("slurm: the sweep has no trials");
    if (job.program.empty()) throw std::invalid_argument("slurm: no program path");
    if (job.experimentFile.empty()) throw std::invalid_argument("slurm: no experiment file");
    if (job.outDir.empty()) throw std::invalid_argument("slurm: no output folder");
    if (job.outDir.find_first_of(" \t\n'\"") != std::string::npos) {
        throw std::invalid_argument("slurm: output folder '" + job.outDir +
                                    "' has blanks or quotes (#SBATCH --output cannot take them)");
    }
    const SweepResources& r = job.resources;
    if (r.cpusPerTask <= 0) {
        throw std::invalid_argument("slurm: cpus per task must be > 0, got " +
                                    std::to_string(r.cpusPerTask));
    }
    if (r.memory.empty()) throw std::invalid_argument("slurm: memory must not be empty");
    if (r.time.empty()) throw std::invalid_argument("slurm: time limit must not be empty");
    if (job.maxParallel < 0) throw std::invalid_argument("slurm: max parallel must be >= 0");

    std::ostringstream s;
    s << "#!/bin/bash\n";
    s << "#SBATCH --job-name=" << jobName(job.study) << "\n";
    s << "#SBATCH --array=0-" << job.trials - 1;
    if (job.maxParallel > 0) s << "%" << job.maxParallel;
    s << "\n";
    s << "#SBATCH --ntasks=1\n";
    s << "#SBATCH --cpus-per-task=" << r.cpusPerTask << "\n";
    s << "#SBATCH --mem=" << r.memory << "\n";
    s << "#SBATCH --time=" << r.time << "\n";
    if (!r.partition.empty()) s << "#SBATCH --partition=" << r.partition << "\n";
    s << "#SBATCH --output=" << job.outDir << "/trial-%a.log\n";
    s << "# Written by `dimerec sweep --slurm`: one trial per array task, each into its own\n"
         "# database (no SQLite shared over the network). When the array is done:\n"
         "#   dimerec runs import --db STUDY.sqlite "
      << job.outDir << "/trial-*.sqlite\n";
    s << "set -euo pipefail\n";
    s << "threads=\"${SLURM_CPUS_PER_TASK:-1}\"\n";
    s << "export OMP_NUM_THREADS=\"$threads\"\n";
    s << "exec " << shellQuote(job.program) << " sweep " << shellQuote(job.experimentFile);
    if (!job.profile.empty()) s << " --profile " << shellQuote(job.profile);
    s << " --trial \"$SLURM_ARRAY_TASK_ID\" --threads \"$threads\" \\\n"
         "    --db "
      << shellQuote(job.outDir) << "/trial-\"$SLURM_ARRAY_TASK_ID\".sqlite\n";
    return s.str();
}

}  // namespace dimerec

#include "analysis/ReadoutRows.h"

#include <algorithm>
#include <set>

namespace dimerec {
namespace {

// "test/interests" → "interests"; "" for a split that is not a readout's (the test under the
// other history setting is the run's own readout, Comparison's history splits show it).
std::string readoutOfSplit(const std::string& split) {
    if (split == otherHistorySplit(true) || split == otherHistorySplit(false)) return "";
    for (const std::string prefix : {"test/", "valid/"}) {
        if (split.size() > prefix.size() && split.compare(0, prefix.size(), prefix) == 0)
            return split.substr(prefix.size());
    }
    return "";
}

}  // namespace

std::vector<std::string> storedReadouts(const RunSummary& run) {
    std::set<std::string> names;
    for (const auto& [split, metrics] : run.readoutMetrics) {
        if (const std::string name = readoutOfSplit(split); !name.empty()) names.insert(name);
    }
    return {names.begin(), names.end()};
}

std::string readoutLabel(const std::string& label, const std::string& readout) {
    return label + " [" + readout + " readout]";
}

RunSummary readoutView(const RunSummary& run, const std::string& readout) {
    RunSummary view = run;
    view.readoutMetrics.clear();
    auto metricsOf = [&](const std::string& split) {
        const auto found = run.readoutMetrics.find(split + "/" + readout);
        return found == run.readoutMetrics.end() ? std::map<std::string, double>{} : found->second;
    };
    view.testMetrics = metricsOf("test");
    view.validMetrics = metricsOf("valid");
    return view;
}

std::vector<ComparisonEntry> withReadoutEntries(const std::vector<ComparisonEntry>& entries,
                                                const std::vector<std::string>& wanted) {
    std::vector<ComparisonEntry> out;
    for (const ComparisonEntry& entry : entries) {
        out.push_back(entry);
        std::set<std::string> readouts;
        for (const RunSummary& run : entry.runs) {
            for (const std::string& name : storedReadouts(run)) {
                if (std::find(wanted.begin(), wanted.end(), name) != wanted.end())
                    readouts.insert(name);
            }
        }
        for (const std::string& readout : readouts) {
            ComparisonEntry view{readoutLabel(entry.label, readout), {}, entry.excludeHistory};
            for (const RunSummary& run : entry.runs) view.runs.push_back(readoutView(run, readout));
            if (const auto ranks = entry.readoutRanks.find(readout);
                ranks != entry.readoutRanks.end())
                view.ranks = ranks->second;
            view.datasetFingerprint = entry.datasetFingerprint;
            out.push_back(std::move(view));
        }
    }
    return out;
}

}  // namespace dimerec

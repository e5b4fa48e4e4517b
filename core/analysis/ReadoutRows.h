#pragma once

#include "analysis/Comparison.h"
#include "eval/ReadoutNames.h"
#include "store/RunRecords.h"

#include <string>
#include <vector>

namespace dimerec {

// Rows of result tables for the readouts a run stored besides its own (issue 19,
// eval/Readouts.h). A run's own row keeps its plain label ("DimeRec": the readout its config
// names, a DAM readout); each further readout gets a row of its own labelled by readoutLabel, so
// that the interests and fused readouts are always shown as such and beside the run, never
// instead of it.

// The readouts of the run's final metrics ("test/interests" → "interests"), sorted by name.
std::vector<std::string> storedReadouts(const RunSummary& run);

// "DimeRec", "interests" → "DimeRec [interests readout]".
std::string readoutLabel(const std::string& label, const std::string& readout);

// The run as one of its readouts: test and valid metrics are the readout's ("test/<readout>",
// "valid/<readout>"; empty when it has none), no readout metrics; the rest is the run's.
RunSummary readoutView(const RunSummary& run, const std::string& readout);

// The entries, each followed by one entry per readout of `readouts` any of its runs stored: the
// runs seen through that readout (readoutView), labelled readoutLabel, with the entry's
// excludeHistory.
std::vector<ComparisonEntry> withReadoutEntries(
    const std::vector<ComparisonEntry>& entries,
    const std::vector<std::string>& readouts = readoutNames());

}  // namespace dimerec

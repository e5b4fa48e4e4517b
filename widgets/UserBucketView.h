#pragma once

#include "analysis/Comparison.h"
#include "analysis/UserBuckets.h"

#include <QWidget>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QThread;

namespace dimerec {

// The comparison's entries by groups of test users (analysis/UserBuckets.h), as `dimerec
// export plot --kind by-history-length` or `by-target-popularity` draws them: a per-user
// metric (the hr, ndcg, recall and mrr @K the runs have) in buckets of users by the items
// before their test target (1-4, 5-9, 10-19, 20-49, 50+ by default) or by how often the target
// occurs in training (0-9, 10-99, 100-999, 1000+); where buckets start is editable, as the
// CLI's --edges. One line per entry with per-user test ranks (mean ± std over its seeds; a
// readout entry is a line of its own). The buckets need the runs' dataset and
// split: they are read on a thread of their own, once per set of runs and only while the view
// is shown (a comparison that never opens it loads no dataset); loading() meanwhile.
// The note says which entries are left out and why (no per-user ranks, another dataset).
// With a baseline (the comparison's), each bucket tests the other lines against it over the
// bucket's users, as `--reference` does on the command line; daggers mark p < 0.05.
// Right click exports the figure or its data (PlotExport).
class UserBucketView : public QWidget {
    Q_OBJECT

public:
    UserBucketView(std::string storePath, UserGrouping grouping, QWidget* parent = nullptr);
    ~UserBucketView() override;

    void setEntries(const std::vector<ComparisonEntry>& entries);
    // The entry (an index into the entries, -1: none) the others are tested against in each
    // bucket, over its users (userBucketMarks): a dagger marks the cells with p < 0.05.
    void setBaseline(int entry);
    void setMetric(const QString& metric);
    // Where the buckets start ("5, 10, 20, 50"), as typed in the view; a bad list shows in
    // the note.
    void setEdges(const QString& edges);
    bool loading() const { return loader_ != nullptr; }
    QComboBox* metricChooser() const { return metric_; }
    QLineEdit* edgesEdit() const { return edgesEdit_; }
    QCustomPlot* plot() const { return plot_; }
    QLabel* note() const { return note_; }
    const MetricGrid& grid() const { return grid_; }

Q_SIGNALS:
    // The figure shows the current entries (after the buckets were read, or failed to be).
    void drawn();

protected:
    void showEvent(QShowEvent* event) override;

private:
    std::set<int64_t> entryRuns() const;
    // Reads the buckets of the entries' runs on a thread of its own unless they are known.
    void loadBuckets();
    void draw();

    std::string storePath_;
    std::vector<ComparisonEntry> entries_;
    int baseline_ = -1;
    UserGrouping grouping_;
    std::vector<int64_t> edges_;        // where buckets start
    QString edgesError_;                // why the typed edges do not parse
    std::set<int64_t> bucketRuns_;      // the runs `buckets_` (or `bucketError_`) were read for
    std::vector<int64_t> bucketEdges_;  // and the edges
    std::optional<UserBuckets> buckets_;
    QString bucketError_;
    MetricGrid grid_;
    QThread* loader_ = nullptr;
    bool loadAgain_ = false;  // the entries changed while the loader ran

    QComboBox* metric_ = nullptr;
    QLineEdit* edgesEdit_ = nullptr;
    QLabel* note_ = nullptr;
    QCustomPlot* plot_ = nullptr;
};

}  // namespace dimerec

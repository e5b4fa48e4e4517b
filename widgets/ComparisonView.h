#pragma once

#include "analysis/Comparison.h"
#include "analysis/ResultTable.h"
#include "analysis/TableExport.h"
#include "store/RunRecords.h"

#include <QVector>
#include <QWidget>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QTableWidget;
class QThread;

namespace dimerec {

class UserBucketView;
class LossCurvePlot;
class RunStore;

// Compares runs and seed groups side by side, or builds an ablation table. The entries (the
// comparison basket, or a study's variants) are listed on the left: renamable (double click),
// reorderable and removable. The table shows each entry's metrics as mean ± std over its seeds
// with N, the relative delta to a chosen baseline and the p-value of a test against it (over the
// test users both entries share where the runs keep per-user ranks, else over seeds; Holm-
// corrected across the entries of each metric; the note under the options says which); best
// values are bold, second best underlined. The tests run off the window's thread, once per
// change of the selection: the means show at once, the p-values follow (testsFinished). The
// store is read when entries arrive, never when only the metrics, split, baseline or test change
// (they redo the table alone). In the comparison layout the entries are columns and the metrics
// rows; in the ablation layout the entries are the rows, as papers print ablations. Below: the
// config fields that differ between the entries, one training curve per run overlaid, and the
// entries by their test users' history length and by their targets' popularity
// (UserBucketView). Every
// number comes from core/analysis (buildComparisonTable, configDiff); the table exports through
// TableExport as LaTeX, Markdown or CSV (file or clipboard).
class ComparisonView : public QWidget {
    Q_OBJECT

public:
    enum class Layout { EntriesAsColumns, EntriesAsRows };
    enum class ExportFormat { Latex, Markdown, Csv };

    explicit ComparisonView(RunStore& store, QWidget* parent = nullptr);
    ~ComparisonView() override;

    // Adds each run as an entry of its own (runs already present as single runs are skipped).
    // Both add calls read the store on a thread of their own: the entries join when read
    // (entriesChanged), loadingEntries() meanwhile.
    void addRuns(const QVector<qint64>& runs);
    // Adds the seed group (all stored runs with the same config hash and study) of each run,
    // once per group.
    void addSeedGroups(const QVector<qint64>& runs);
    bool loadingEntries() const { return loader_ != nullptr; }
    void setEntries(std::vector<ComparisonEntry> entries);
    const std::vector<ComparisonEntry>& entries() const { return entries_; }
    void removeEntry(int index);
    void renameEntry(int index, const QString& label);
    void moveEntry(int from, int to);
    void clearEntries();

    // Metric keys in column order; those the entries lack are kept out of the table.
    void setMetrics(const QStringList& metrics);
    QStringList metrics() const;
    // Every metric the entries have in the current split.
    QStringList availableMetrics() const;
    // test | valid | test-history-excluded | test-history-kept (the last two where offered)
    void setSplit(const QString& split);
    // Entry the others are compared with; -1 = none.
    void setBaseline(int entry);
    int baseline() const;
    void setTest(SeedTest test);
    void setTableLayout(Layout layout);
    Layout tableLayout() const { return layout_; }

    const ResultTable& table() const { return table_; }
    // Whether the tests against the baseline are still running (table() has no p-values yet).
    bool testsPending() const { return testsPending_; }
    QLabel* note() const { return note_; }
    QTableWidget* tableWidget() const { return tableWidget_; }
    QTableWidget* diffWidget() const { return diff_; }
    QListWidget* entryList() const { return entryList_; }
    QListWidget* metricList() const { return metricList_; }
    LossCurvePlot* curves() const { return curves_; }
    UserBucketView* historyLength() const { return historyLength_; }
    UserBucketView* targetPopularity() const { return targetPopularity_; }
    QComboBox* curveChooser() const { return curveSeries_; }

    // The table as TableExport prints it in the current layout (with the tests: pending ones
    // are computed here rather than left out).
    QString exportText(ExportFormat format) const;
    void copyToClipboard(ExportFormat format) const;
    // Asks for a file and writes the chosen format to it; false when cancelled or failed.
    bool saveExport();

Q_SIGNALS:
    void entriesChanged(int count);
    // table() now holds the tests of the current selection.
    void testsFinished();

private:
    // What the view shows of a run beside its entry: read from the store once, when the run's
    // entry arrives, so that a change of metrics, baseline or test reads nothing.
    struct RunExtras {
        std::string configJson;
        std::vector<SeriesInfo> series;
        // Points of the series overlaid so far, by curveKey.
        std::map<std::string, std::vector<SeriesPoint>> curves;
        std::optional<int64_t> stepsPerEpoch;  // RunStore::stepsPerEpoch
        std::string error;  // why the store could not give them (the run was deleted, …)
    };
    // The extras of `run`, with the points of the curve `curve` (curveKey; "" = none).
    static RunExtras readExtras(const RunStore& store, int64_t run, const std::string& curve);
    // "source\nname" of the curve chooser's text "source · name"; "" when it names none.
    static std::string curveKey(const QString& chooserText);
    using EntryReader = std::function<std::vector<ComparisonEntry>(const RunStore&)>;
    // Runs `read` on a thread of its own with a store connection of its own, with the extras
    // of the entries' runs, then appends the entries (a failure is shown instead). One read at
    // a time, so that entries join in the order they were asked for.
    void loadInBackground(EntryReader read);

    // Everything after a change of the entries: table and tests, config diff, curves.
    void rebuild();
    // The table and its tests alone (a change of metrics, split, baseline or test).
    void refreshTable();
    // Reads the extras of runs new to the entries and forgets those of runs no longer there.
    void loadExtras();
    ComparisonRequest request() const;
    // Tests the entries against the baseline on a thread of its own; the newest request wins.
    void startTests(const ComparisonRequest& request);
    void showNote();
    void refreshEntryList();
    // The splits the entries can show: test and valid, and the two history settings of the
    // test where some run stored both.
    void refreshSplitChoice();
    void refreshMetricList();
    void refreshBaselineChoice();
    void fillTable();
    void fillDiff();
    void fillCurves();
    QString cellText(size_t row, size_t column) const;
    QString cellToolTip(size_t row, size_t column) const;
    TableFormat exportFormat() const;
    std::string split() const;

    RunStore& store_;
    std::vector<ComparisonEntry> entries_;
    std::map<int64_t, RunExtras> extras_;   // per run of the entries
    QThread* loader_ = nullptr;             // reading entries being added, if any
    std::deque<EntryReader> waitingReads_;  // asked for while it runs
    ResultTable table_;
    Layout layout_ = Layout::EntriesAsColumns;
    bool updating_ = false;
    int testGeneration_ = 0;  // of the newest request; older results are dropped
    bool testsPending_ = false;
    QString testError_;
    QThread* tester_ = nullptr;  // the running computation of the tests, if any
    bool testAgain_ = false;     // a newer request waits for it

    QListWidget* entryList_ = nullptr;
    QListWidget* metricList_ = nullptr;
    QComboBox* split_ = nullptr;
    QComboBox* baseline_ = nullptr;
    QComboBox* test_ = nullptr;
    QComboBox* layoutChooser_ = nullptr;
    QComboBox* format_ = nullptr;
    QLabel* note_ = nullptr;
    QTableWidget* tableWidget_ = nullptr;
    QTableWidget* diff_ = nullptr;
    QComboBox* curveSeries_ = nullptr;
    LossCurvePlot* curves_ = nullptr;
    UserBucketView* historyLength_ = nullptr;
    UserBucketView* targetPopularity_ = nullptr;
};

}  // namespace dimerec

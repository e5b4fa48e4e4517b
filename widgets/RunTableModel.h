#pragma once

#include "store/RunRecords.h"

#include <QAbstractTableModel>
#include <QIcon>

#include <map>
#include <vector>

namespace dimerec {

class RunStore;

// The stored runs as a table that pages through the database: it holds only the rows
// fetched so far (a page at a time, as the view scrolls), so ten thousand runs open as fast
// as ten. Filtering and sorting are done by the store's query.
class RunTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        Status,
        Id,
        Name,
        Study,
        Model,
        Dataset,
        Protocol,
        Seed,
        Steps,
        Time,    // wall time of the training (a resumed run's earlier sessions included)
        Epochs,  // epochs trained and, in brackets, the epoch of the best validation
        ValidNdcg,
        TestNdcg,
        TestHr,
        Tags,
        Started,
        ColumnCount
    };
    static constexpr int kPageSize = 200;
    static constexpr int RunIdRole = Qt::UserRole + 1;

    explicit RunTableModel(RunStore& store, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    void sort(int column, Qt::SortOrder order) override;

    void setFilterText(const QString& text);
    // Re-reads the rows fetched so far (live updates); rows whose order is unchanged are
    // updated in place so that selections survive.
    void refresh();
    int64_t totalRuns() const { return total_; }
    const RunSummary* runAt(int row) const;
    int rowOfRun(int64_t id) const;
    static QIcon statusIcon(const QString& status);

private:
    std::vector<RunSummary> query(int64_t offset, int64_t limit) const;
    // "20 (15)": RunStore::trainingExtent of a shown row, read once per run and step count.
    QString epochsText(const RunSummary& run) const;

    RunStore& store_;
    RunQuery query_;
    std::vector<RunSummary> rows_;
    int64_t total_ = 0;
    mutable std::map<int64_t, std::pair<int64_t, QString>> epochs_;  // run → (steps, text)
};

// A wall time as h:mm:ss, or m:ss under an hour: the run browser's Time, the progress bar.
QString formatDuration(double seconds);

}  // namespace dimerec

#pragma once

#include "data/DatasetStatistics.h"

#include <QWidget>

class QFormLayout;
class QLabel;

namespace dimerec {

// Shows a dataset's summary numbers (users, items, interactions, categories, density,
// sequence lengths and how much of the traffic the most popular items take).
class DatasetSummaryView : public QWidget {
    Q_OBJECT

public:
    explicit DatasetSummaryView(QWidget* parent = nullptr);

    void setSummary(const DatasetStatistics& stats);
    const DatasetStatistics& summary() const { return stats_; }

private:
    DatasetStatistics stats_;
    QLabel* name_ = nullptr;
    QLabel* users_ = nullptr;
    QLabel* items_ = nullptr;
    QLabel* interactions_ = nullptr;
    QLabel* categories_ = nullptr;
    QLabel* density_ = nullptr;
    QLabel* lengths_ = nullptr;
    QLabel* longTail_ = nullptr;
};

}  // namespace dimerec

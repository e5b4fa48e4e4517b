#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QTabWidget;

namespace dimerec {

class DatasetSummaryView;
struct DatasetStatistics;

// Bars of one histogram, as plain values computed by core.
struct HistogramBars {
    QVector<double> positions;  // bar centres (or 1, 2, … for labelled bars)
    QVector<double> counts;
    QStringList labels;  // tick labels for categorical bars; empty for numeric ones
    double width = 1.0;  // bar width in x units
};

// A dataset's summary numbers above three plots: the sequence-length histogram, item
// popularity (interactions per item, log-binned) and the category distribution. Each plot's
// context menu exports it (enablePlotExport).
class DatasetStatsView : public QWidget {
    Q_OBJECT

public:
    explicit DatasetStatsView(QWidget* parent = nullptr);

    void setSummary(const DatasetStatistics& stats);
    void setSequenceLengths(const HistogramBars& bars);
    void setPopularity(const HistogramBars& bars);
    void setCategories(const HistogramBars& bars);
    DatasetSummaryView* summaryView() const { return summary_; }
    QCustomPlot* lengthPlot() const { return lengths_; }
    QCustomPlot* popularityPlot() const { return popularity_; }
    QCustomPlot* categoryPlot() const { return categories_; }

private:
    QCustomPlot* makePlot(const QString& xLabel, const QString& yLabel);
    static void showBars(QCustomPlot* plot, const HistogramBars& bars, bool logX);

    DatasetSummaryView* summary_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QCustomPlot* lengths_ = nullptr;
    QCustomPlot* popularity_ = nullptr;
    QCustomPlot* categories_ = nullptr;
};

}  // namespace dimerec

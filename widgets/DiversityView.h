#pragma once

#include "MetricCharts.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;

namespace dimerec {

// Beyond-accuracy view of the selected runs: a bar chart of one diversity measure per run
// and K (Diversity@N, distinct categories@N, ILD, coverage, Gini, linear-probe accuracy), the
// accuracy–diversity trade-off of the runs as a labelled scatter, and the category
// distribution of one run's recommendations next to that of the users' histories. Every chart
// has the export context menu (PlotExport).
class DiversityView : public QWidget {
    Q_OBJECT

public:
    explicit DiversityView(QWidget* parent = nullptr);

    // The runs to compare (their final test metrics).
    void setRuns(const QVector<RunMetrics>& runs);
    // Category shares (categoryShares over the histories and the top-N lists), `caption`
    // naming the run and N; empty vectors clear the chart.
    void setCategoryDistribution(const QStringList& categories, const std::vector<double>& history,
                                 const std::vector<double>& recommendations,
                                 const QString& caption);
    // Shown while the distribution is being computed, or why it is not there.
    void setDistributionStatus(const QString& text);

    // Measures the runs have, as the bar chart's selector lists them ("diversity", "ild", …,
    // "probe_accuracy").
    QStringList measures() const;
    QString measure() const;
    void setMeasure(const QString& measure);
    void setTradeoffAxes(const QString& x, const QString& y);
    QString probeText() const;

    QCustomPlot* barPlot() const { return bars_; }
    QCustomPlot* tradeoffPlot() const { return tradeoff_; }
    QCustomPlot* distributionPlot() const { return distribution_; }

private:
    void redrawBars();
    void redrawTradeoff();

    QVector<RunMetrics> runs_;
    QComboBox* measure_ = nullptr;
    QComboBox* tradeoffX_ = nullptr;
    QComboBox* tradeoffY_ = nullptr;
    QLabel* probe_ = nullptr;
    QLabel* distributionStatus_ = nullptr;
    QCustomPlot* bars_ = nullptr;
    QCustomPlot* tradeoff_ = nullptr;
    QCustomPlot* distribution_ = nullptr;
};

}  // namespace dimerec

#pragma once

#include "analysis/StudyGrid.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QCustomPlot;
class QLabel;
class QTabWidget;

namespace dimerec {

class ComparisonView;
class ParallelCoordinates;
class RunStore;
class StudyHeatMap;

// The views of one study (a sweep's runs): a heat map of a metric over two swept fields (numbers
// or categories such as the noise schedule), the metric against the x field with one line per
// value of the y field (mean ± std over seeds), parallel coordinates over every swept field and
// the metric, and the study's ablation table (its seed groups as rows, the "full" variant as the
// reference).
class StudyView : public QWidget {
    Q_OBJECT

public:
    explicit StudyView(RunStore& store, QWidget* parent = nullptr);

    // Re-reads the list of studies and the chosen study's runs.
    void refresh();
    void setStudy(const QString& study);
    void setMetric(const QString& metric);
    void setSplit(const QString& split);  // test | valid
    // The heat map's axes, also the sweep plot's x and series (swept fields, e.g.
    // "model.lambda"; y "" = none).
    void setHeatMapFields(const QString& x, const QString& y);

    QString study() const;
    QStringList sweptFields() const;
    const std::vector<StudyRun>& runs() const { return runs_; }
    StudyHeatMap* heatMap() const { return heatMap_; }
    QCustomPlot* sweepPlot() const { return sweepPlot_; }
    ParallelCoordinates* parallelCoordinates() const { return parallel_; }
    ComparisonView* ablationTable() const { return ablation_; }
    QTabWidget* tabs() const { return tabs_; }

private:
    void loadStudy();
    void updatePlots();
    std::string metric() const;
    std::string split() const;

    RunStore& store_;
    std::vector<StudyRun> runs_;
    bool updating_ = false;
    QComboBox* study_ = nullptr;
    QComboBox* split_ = nullptr;
    QComboBox* metric_ = nullptr;
    QComboBox* xField_ = nullptr;
    QComboBox* yField_ = nullptr;
    QLabel* status_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    StudyHeatMap* heatMap_ = nullptr;
    QCustomPlot* sweepPlot_ = nullptr;
    ParallelCoordinates* parallel_ = nullptr;
    ComparisonView* ablation_ = nullptr;
};

}  // namespace dimerec

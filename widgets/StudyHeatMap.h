#pragma once

#include "analysis/StudyGrid.h"

#include <QWidget>

class QCPColorGradient;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;

namespace dimerec {

// A metric over two swept fields (e.g. λ × μ, or T × schedule) as a colour map: one cell per
// pair of values that occur (evenly spaced whatever the values, numbers or categories, which
// are the tick labels), the mean over the runs there written in the cell with its N, a colour
// scale beside it; cells without runs stay blank. Its CSV data (context menu, export) is the
// grid's cells: x, y, mean, std, n.
class StudyHeatMap : public QWidget {
    Q_OBJECT

public:
    explicit StudyHeatMap(QWidget* parent = nullptr);

    void setGrid(const MetricGrid& grid, const QString& xLabel, const QString& yLabel,
                 const QString& metricLabel);
    const MetricGrid& grid() const { return grid_; }
    // The text written in cell (x, y); empty for a cell without runs.
    QString cellText(int x, int y) const;
    QCustomPlot* plot() const { return plot_; }

    // The colours of the study views (perceptually ordered, dark = low, yellow = high).
    static QCPColorGradient metricGradient();

private:
    QCustomPlot* plot_ = nullptr;
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    MetricGrid grid_;
};

}  // namespace dimerec

#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

class QCPColorScale;
class QCustomPlot;

namespace dimerec {

// One vertical axis of the parallel coordinates.
struct ParallelAxis {
    QString title;
    // A categorical axis (e.g. the noise schedule): a run's value is the index of its category,
    // the categories evenly spaced bottom to top and each labelled. Empty: a numeric axis.
    QStringList categories;
};

// Parallel coordinates: one vertical axis per field (the swept config fields and the metric
// last), one polyline per run across them, coloured by the metric on the study views' colour
// scale. A numeric axis spans its own minimum (bottom) to maximum (top), printed at its ends.
class ParallelCoordinates : public QWidget {
    Q_OBJECT

public:
    explicit ParallelCoordinates(QWidget* parent = nullptr);

    // `rows`: per run one value per axis; `colours`: per run the value that colours its line.
    // Rows whose size differs from the axes' are ignored.
    void setData(const QVector<ParallelAxis>& axes, const QVector<QVector<double>>& rows,
                 const QVector<double>& colours, const QString& colourLabel);
    int lineCount() const;
    // Height of `value` on `axis` in [0, 1] (0.5 when the axis holds one value only); on a
    // categorical axis `value` is a category's index.
    double normalised(int axis, double value) const;
    QCustomPlot* plot() const { return plot_; }

private:
    QCustomPlot* plot_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QVector<double> minima_;
    QVector<double> maxima_;
};

}  // namespace dimerec

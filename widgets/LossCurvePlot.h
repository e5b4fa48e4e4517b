#pragma once

#include "DebiasedEma.h"

#include <QColor>
#include <QString>
#include <QVector>
#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QLabel;
class QSlider;
class QTimer;

namespace dimerec {

// Named series against the training step (or the epochs: setPerEpochAvailable), drawn like
// TensorBoard's scalars: the debiased exponential moving average in full colour over the raw
// values drawn faintly. Stores every point it is given; draws a min/max decimation of the
// visible range (one bucket per pixel), so a million points per series pan and zoom smoothly.
// Wheel zooms, drag pans, double click returns to the automatic full view; hovering shows
// every series' value at that x.
// Its context menu exports the figure (enablePlotExport) and copies dataCsv().
class LossCurvePlot : public QWidget {
    Q_OBJECT

public:
    explicit LossCurvePlot(QWidget* parent = nullptr);
    ~LossCurvePlot() override;

    // Appends points to a series, creating it on first use. Steps must not decrease; points
    // whose step lies before the series' last step are ignored.
    void addPoints(const QString& series, const QVector<double>& steps,
                   const QVector<double>& values);
    void addPoint(const QString& series, double step, double value);
    void removeSeries(const QString& series);
    void clear();

    void setTitle(const QString& title);
    // A series' colour (creating the series): a run's colour (runColours) where the series
    // are runs; otherwise series take the palette's colours in order.
    void setSeriesColor(const QString& series, const QColor& color);
    void setAxisLabels(const QString& x, const QString& y);
    // Curves with few points (validation metrics) read better unsmoothed: hides the slider
    // and draws the raw values in full colour.
    void setSmoothingAvailable(bool available);

    // The "Per epoch" box in the plot's bar (hidden unless available): the owner draws its
    // points against the epochs trained (step / the run's steps per epoch, RunStore::
    // stepsPerEpoch) while it is ticked, and redraws on perEpochChanged. Runs whose epoch
    // length is not known yet are left out; setRunsLeftOut says how many beside the title.
    void setPerEpochAvailable(bool available);
    bool perEpoch() const;
    void setPerEpoch(bool on);  // without perEpochChanged
    QCheckBox* perEpochBox() const { return perEpochBox_; }
    void setRunsLeftOut(int runs);

    double smoothing() const { return smoothing_; }
    void setSmoothing(double weight);  // 0 (none) … 0.999
    bool logScale() const { return logScale_; }
    void setLogScale(bool on);
    void resetView();

    QStringList seriesNames() const;
    int storedPointCount(const QString& series) const;
    int displayedPointCount(const QString& series) const;  // points handed to the plot
    std::vector<double> smoothedValues(const QString& series) const;
    // The hover read-out at x (a step, or what setAxisLabels names): each series' nearest
    // point, smoothed and raw.
    QString readoutAt(double step) const;
    // Every stored point: series,<x axis label>,value,smoothed (the smoothing weight as set
    // now).
    QString dataCsv() const;
    QCustomPlot* plot() const { return plot_; }

    // Pixel columns the display decimation targets; fixed in tests, else the plot's width.
    void setDisplayBuckets(int buckets) { fixedBuckets_ = buckets; }

Q_SIGNALS:
    void smoothingChanged(double weight);
    void perEpochChanged(bool on);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Series;

    Series& seriesNamed(const QString& name);
    const Series* findSeries(const QString& name) const;
    void resmooth(Series& series);
    void styleGraphs(Series& series);
    void scheduleRefresh();
    void labelXAxis(bool perEpoch);
    void refresh();
    void showReadout(double pixelX);
    void hideReadout();

    QCustomPlot* plot_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* leftOut_ = nullptr;
    QCheckBox* perEpochBox_ = nullptr;
    QLabel* smoothingLabel_ = nullptr;
    QSlider* slider_ = nullptr;
    QLabel* sliderValue_ = nullptr;
    QCheckBox* logBox_ = nullptr;
    QCPItemStraightLine* cursor_ = nullptr;
    QCPItemText* readout_ = nullptr;
    QTimer* refreshTimer_ = nullptr;
    std::vector<std::unique_ptr<Series>> series_;
    double smoothing_ = 0.6;
    bool smoothingAvailable_ = true;
    bool logScale_ = false;
    bool autoRange_ = true;  // follow the data until the user zooms or pans
    bool refreshing_ = false;
    int fixedBuckets_ = 0;
};

}  // namespace dimerec

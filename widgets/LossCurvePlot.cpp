#include "LossCurvePlot.h"

#include "MinMaxDecimation.h"
#include "PlotExport.h"
#include "PlotStyle.h"
#include "analysis/TableExport.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QToolButton>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include "QCustomPlotInclude.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dimerec {
namespace {

constexpr int kSliderSteps = 999;      // slider positions map to weights 0 … 0.999
constexpr int kRefreshDelayMs = 30;    // coalesces bursts of appends into one redraw
constexpr int kRawAlpha = 60;          // opacity of the faint raw curve
constexpr double kRangeMargin = 0.05;  // fraction of the value span left above and below

}  // namespace

struct LossCurvePlot::Series {
    QString name;
    QColor color;
    std::vector<double> x;
    std::vector<double> raw;
    std::vector<double> smooth;
    DebiasedEma ema;
    QCPGraph* rawGraph = nullptr;
    QCPGraph* smoothGraph = nullptr;
};

LossCurvePlot::LossCurvePlot(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);

    auto* bar = new QHBoxLayout;
    title_ = new QLabel(this);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    bar->addWidget(title_);
    leftOut_ = new QLabel(this);
    leftOut_->setObjectName(QStringLiteral("runsLeftOut"));
    leftOut_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    bar->addWidget(leftOut_, 1);
    smoothingLabel_ = new QLabel(tr("Smoothing"), this);
    bar->addWidget(smoothingLabel_);
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setRange(0, kSliderSteps);
    slider_->setMinimumWidth(50);  // narrower where the plot is (the bottom docks open)
    slider_->setMaximumWidth(90);
    slider_->setToolTip(
        tr("Weight of the debiased exponential moving average (as in "
           "TensorBoard); the raw values stay visible faintly"));
    bar->addWidget(slider_);
    sliderValue_ = new QLabel(this);
    sliderValue_->setMinimumWidth(QFontMetrics(font()).horizontalAdvance(QStringLiteral("0.000")));
    bar->addWidget(sliderValue_);
    perEpochBox_ = new QCheckBox(tr("Per epoch"), this);
    perEpochBox_->setToolTip(
        tr("Against the epochs trained instead of the step, so that models whose steps differ "
           "(SASRec's sequence batches, DimeRec's sample batches) line up"));
    perEpochBox_->setVisible(false);
    bar->addWidget(perEpochBox_);
    logBox_ = new QCheckBox(tr("Log scale"), this);
    logBox_->setToolTip(tr("Logarithmic value axis"));
    bar->addWidget(logBox_);
    auto* reset = new QToolButton(this);
    reset->setText(tr("Fit"));
    reset->setToolTip(tr("Show all data and follow new points again (or double-click the plot)"));
    bar->addWidget(reset);
    layout->addLayout(bar);

    plot_ = new QCustomPlot(this);
    plot_->setMinimumHeight(120);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->setNoAntialiasingOnDrag(true);
    // Curves as line segments rather than one antialiased polyline each: 16 overlaid runs
    // (smoothed and raw, decimated to the plot's width) replot in ~35 ms instead of ~190 ms,
    // which held the window that long whenever curves arrived or the comparison opened; joins
    // differ only for pens wider than ours.
    plot_->setPlottingHint(QCP::phFastPolylines, true);
    plot_->legend->setFont(font());
    placeLegendBelow(*plot_);
    setLegendShown(*plot_, true);  // once there is a series and where it fits
    fitValueAxes(*plot_);
    plot_->xAxis->setLabel(tr("step"));
    plot_->installEventFilter(this);
    layout->addWidget(plot_, 1);
    // Figure (PDF/SVG/PNG/pgfplots: the curves as drawn, decimated) and CSV (every stored
    // point) export from the context menu. The menu opens with the pointer still over the plot:
    // the hover read-out goes first, or it would be drawn into the figure (connected before
    // the menu's slot, which runs after it).
    connect(plot_, &QWidget::customContextMenuRequested, this, &LossCurvePlot::hideReadout);
    enablePlotExport(plot_);
    setPlotDataTable(*plot_, [this] { return dataCsv(); });

    cursor_ = new QCPItemStraightLine(plot_);
    cursor_->setPen(QPen(QColor(0, 0, 0, 90), 1, Qt::DashLine));
    cursor_->setVisible(false);
    readout_ = new QCPItemText(plot_);
    readout_->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
    readout_->position->setType(QCPItemPosition::ptAxisRectRatio);
    readout_->position->setCoords(0.01, 0.02);
    readout_->setTextAlignment(Qt::AlignLeft);
    readout_->setBrush(QColor(255, 255, 255, 220));
    readout_->setPen(QPen(QColor(0, 0, 0, 60)));
    readout_->setPadding(QMargins(4, 2, 4, 2));
    readout_->setVisible(false);

    refreshTimer_ = new QTimer(this);
    refreshTimer_->setSingleShot(true);
    refreshTimer_->setInterval(kRefreshDelayMs);
    connect(refreshTimer_, &QTimer::timeout, this, &LossCurvePlot::refresh);

    connect(slider_, &QSlider::valueChanged, this,
            [this](int value) { setSmoothing(static_cast<double>(value) / (kSliderSteps + 1)); });
    connect(logBox_, &QCheckBox::toggled, this, &LossCurvePlot::setLogScale);
    connect(perEpochBox_, &QCheckBox::toggled, this, [this](bool on) {
        labelXAxis(on);
        Q_EMIT perEpochChanged(on);
    });
    connect(reset, &QToolButton::clicked, this, &LossCurvePlot::resetView);
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { resetView(); });
    // A zoom or pan (anything but our own refresh moving the axis) freezes the view; the new
    // range then needs a fresh decimation.
    connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] {
        if (refreshing_) return;
        autoRange_ = false;
        scheduleRefresh();
    });
    connect(plot_, &QCustomPlot::mouseMove, this,
            [this](QMouseEvent* event) { showReadout(event->position().x()); });

    slider_->setValue(static_cast<int>(std::lround(smoothing_ * (kSliderSteps + 1))));
    sliderValue_->setText(QString::number(smoothing_, 'f', 3));
}

LossCurvePlot::~LossCurvePlot() = default;

void LossCurvePlot::setTitle(const QString& title) {
    title_->setText(title);
}

void LossCurvePlot::setSeriesColor(const QString& series, const QColor& color) {
    Series& named = seriesNamed(series);
    named.color = color;
    styleGraphs(named);
    scheduleRefresh();
}

void LossCurvePlot::setAxisLabels(const QString& x, const QString& y) {
    plot_->xAxis->setLabel(x);
    plot_->yAxis->setLabel(y);
}

void LossCurvePlot::setPerEpochAvailable(bool available) {
    perEpochBox_->setVisible(available);
}

bool LossCurvePlot::perEpoch() const {
    return perEpochBox_->isChecked();
}

void LossCurvePlot::setPerEpoch(bool on) {
    const QSignalBlocker block(perEpochBox_);
    perEpochBox_->setChecked(on);
    labelXAxis(on);
}

void LossCurvePlot::labelXAxis(bool perEpoch) {
    plot_->xAxis->setLabel(perEpoch ? tr("epoch") : tr("step"));
    autoRange_ = true;  // the new x values need the full view
}

void LossCurvePlot::setRunsLeftOut(int runs) {
    leftOut_->setText(runs == 0
                          ? QString()
                          : tr("(%n run(s) left out: not past their first epoch)", nullptr, runs));
}

void LossCurvePlot::setSmoothingAvailable(bool available) {
    smoothingAvailable_ = available;
    slider_->setVisible(available);
    sliderValue_->setVisible(available);
    smoothingLabel_->setVisible(available);
    for (auto& series : series_) {
        resmooth(*series);
        styleGraphs(*series);
    }
    scheduleRefresh();
}

void LossCurvePlot::setSmoothing(double weight) {
    weight = std::clamp(weight, 0.0, static_cast<double>(kSliderSteps) / (kSliderSteps + 1));
    if (weight == smoothing_) return;
    smoothing_ = weight;
    const QSignalBlocker block(slider_);
    slider_->setValue(static_cast<int>(std::lround(weight * (kSliderSteps + 1))));
    sliderValue_->setText(QString::number(weight, 'f', 3));
    for (auto& series : series_) resmooth(*series);
    scheduleRefresh();
    Q_EMIT smoothingChanged(weight);
}

void LossCurvePlot::setLogScale(bool on) {
    if (on == logScale_) return;
    logScale_ = on;
    const QSignalBlocker block(logBox_);
    logBox_->setChecked(on);
    setLogY(*plot_, on);
    autoRange_ = true;
    scheduleRefresh();
}

void LossCurvePlot::resetView() {
    autoRange_ = true;
    scheduleRefresh();
}

LossCurvePlot::Series& LossCurvePlot::seriesNamed(const QString& name) {
    for (auto& series : series_) {
        if (series->name == name) return *series;
    }
    auto series = std::make_unique<Series>();
    series->name = name;
    series->color = paletteColour(static_cast<int>(series_.size()));
    series->ema = DebiasedEma(smoothingAvailable_ ? smoothing_ : 0.0);
    series->rawGraph = plot_->addGraph();
    series->rawGraph->removeFromLegend();
    series->smoothGraph = plot_->addGraph();
    series->smoothGraph->setName(name);
    styleGraphs(*series);
    series_.push_back(std::move(series));
    return *series_.back();
}

const LossCurvePlot::Series* LossCurvePlot::findSeries(const QString& name) const {
    for (const auto& series : series_) {
        if (series->name == name) return series.get();
    }
    return nullptr;
}

void LossCurvePlot::styleGraphs(Series& series) {
    QColor faint = series.color;
    faint.setAlpha(kRawAlpha);
    series.rawGraph->setPen(QPen(faint, 1));
    series.rawGraph->setVisible(smoothingAvailable_);
    series.smoothGraph->setPen(QPen(series.color, 2));
    if (!smoothingAvailable_) {
        series.smoothGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    }
}

void LossCurvePlot::resmooth(Series& series) {
    const double weight = smoothingAvailable_ ? smoothing_ : 0.0;
    series.ema = DebiasedEma(weight);
    series.smooth.clear();
    series.smooth.reserve(series.raw.size());
    for (double value : series.raw) series.smooth.push_back(series.ema.push(value));
}

void LossCurvePlot::addPoints(const QString& name, const QVector<double>& steps,
                              const QVector<double>& values) {
    Series& series = seriesNamed(name);
    const qsizetype n = std::min(steps.size(), values.size());
    for (qsizetype i = 0; i < n; ++i) {
        if (!series.x.empty() && steps[i] < series.x.back()) continue;
        series.x.push_back(steps[i]);
        series.raw.push_back(values[i]);
        series.smooth.push_back(series.ema.push(values[i]));
    }
    scheduleRefresh();
}

void LossCurvePlot::addPoint(const QString& series, double step, double value) {
    addPoints(series, {step}, {value});
}

void LossCurvePlot::removeSeries(const QString& name) {
    const auto it = std::find_if(series_.begin(), series_.end(),
                                 [&](const auto& series) { return series->name == name; });
    if (it == series_.end()) return;
    plot_->removeGraph((*it)->rawGraph);
    plot_->removeGraph((*it)->smoothGraph);
    series_.erase(it);
    scheduleRefresh();
}

void LossCurvePlot::clear() {
    for (const auto& series : series_) {
        plot_->removeGraph(series->rawGraph);
        plot_->removeGraph(series->smoothGraph);
    }
    series_.clear();
    readout_->setVisible(false);
    cursor_->setVisible(false);
    autoRange_ = true;
    scheduleRefresh();
}

QStringList LossCurvePlot::seriesNames() const {
    QStringList names;
    for (const auto& series : series_) names << series->name;
    return names;
}

int LossCurvePlot::storedPointCount(const QString& name) const {
    const Series* series = findSeries(name);
    return series ? static_cast<int>(series->x.size()) : 0;
}

int LossCurvePlot::displayedPointCount(const QString& name) const {
    const Series* series = findSeries(name);
    return series ? series->smoothGraph->dataCount() : 0;
}

std::vector<double> LossCurvePlot::smoothedValues(const QString& name) const {
    const Series* series = findSeries(name);
    return series ? series->smooth : std::vector<double>{};
}

void LossCurvePlot::scheduleRefresh() {
    if (!refreshTimer_->isActive()) refreshTimer_->start();
}

void LossCurvePlot::refresh() {
    refreshing_ = true;
    if (autoRange_) {
        double xMin = std::numeric_limits<double>::infinity();
        double xMax = -xMin;
        double yMin = xMin;
        double yMax = -xMin;
        for (const auto& series : series_) {
            if (series->x.empty()) continue;
            xMin = std::min(xMin, series->x.front());
            xMax = std::max(xMax, series->x.back());
            // The faint raw curve is part of the picture only when smoothing is available.
            for (const auto* values : {&series->smooth, &series->raw}) {
                if (values == &series->raw && !smoothingAvailable_) continue;
                for (double v : *values) {
                    if (!std::isfinite(v) || (logScale_ && v <= 0.0)) continue;
                    yMin = std::min(yMin, v);
                    yMax = std::max(yMax, v);
                }
            }
        }
        if (xMin <= xMax) {
            plot_->xAxis->setRange(xMin, xMax > xMin ? xMax : xMin + 1.0);
        }
        if (yMin <= yMax) {
            if (logScale_) {
                plot_->yAxis->setRange(yMin / 1.2, yMax * 1.2);
            } else {
                const double pad = yMax > yMin ? (yMax - yMin) * kRangeMargin
                                               : std::max(std::abs(yMax) * 0.1, 1e-3);
                plot_->yAxis->setRange(yMin - pad, yMax + pad);
            }
        }
    }
    const QCPRange range = plot_->xAxis->range();
    const int buckets = fixedBuckets_ > 0 ? fixedBuckets_ : std::max(1, plot_->axisRect()->width());
    for (const auto& series : series_) {
        const DecimatedSeries smooth =
            decimateMinMax(series->x, series->smooth, range.lower, range.upper, buckets);
        series->smoothGraph->setData(smooth.x, smooth.y, true);
        if (smoothingAvailable_) {
            const DecimatedSeries raw =
                decimateMinMax(series->x, series->raw, range.lower, range.upper, buckets);
            series->rawGraph->setData(raw.x, raw.y, true);
        } else {
            series->rawGraph->data()->clear();
        }
    }
    // Step labels need room on a narrow plot (the validation plot beside the losses).
    plot_->xAxis->ticker()->setTickCount(std::clamp(plot_->axisRect()->width() / 90, 2, 6));
    plot_->replot(QCustomPlot::rpQueuedReplot);
    refreshing_ = false;
}

QString LossCurvePlot::dataCsv() const {
    QString csv = QStringLiteral("series,%1,value,smoothed\n")
                      .arg(QString::fromStdString(csvField(plot_->xAxis->label().toStdString())));
    const auto number = [](double value) { return QString::number(value, 'g', 10); };
    for (const auto& series : series_) {
        const QString name = QString::fromStdString(csvField(series->name.toStdString()));
        for (size_t i = 0; i < series->x.size(); ++i) {
            csv += name + QLatin1Char(',') + number(series->x[i]) + QLatin1Char(',') +
                   number(series->raw[i]) + QLatin1Char(',') + number(series->smooth[i]) +
                   QLatin1Char('\n');
        }
    }
    return csv;
}

QString LossCurvePlot::readoutAt(double step) const {
    QStringList lines;
    const QLocale locale;
    double shownStep = step;
    for (const auto& series : series_) {
        if (series->x.empty()) continue;
        const auto it = std::lower_bound(series->x.begin(), series->x.end(), step);
        size_t i = static_cast<size_t>(it - series->x.begin());
        if (i == series->x.size() || (i > 0 && step - series->x[i - 1] < series->x[i] - step)) --i;
        shownStep = series->x[i];
        QString line =
            QStringLiteral("%1: %2").arg(series->name, QString::number(series->smooth[i], 'g', 5));
        if (smoothingAvailable_ && smoothing_ > 0.0) {
            line += tr(" (raw %1)").arg(QString::number(series->raw[i], 'g', 5));
        }
        lines << line;
    }
    if (lines.isEmpty()) return {};
    // Steps are whole; other x axes (epochs) show two decimals.
    const bool whole = shownStep == std::round(shownStep);
    lines.prepend(plot_->xAxis->label() + QLatin1Char(' ') +
                  (whole ? locale.toString(static_cast<qlonglong>(std::llround(shownStep)))
                         : locale.toString(shownStep, 'f', 2)));
    return lines.join(QLatin1Char('\n'));
}

void LossCurvePlot::hideReadout() {
    readout_->setVisible(false);
    cursor_->setVisible(false);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LossCurvePlot::showReadout(double pixelX) {
    const double step = plot_->xAxis->pixelToCoord(pixelX);
    const QString text = readoutAt(step);
    readout_->setVisible(!text.isEmpty());
    cursor_->setVisible(!text.isEmpty());
    readout_->setText(text);
    cursor_->point1->setCoords(step, 0.0);
    cursor_->point2->setCoords(step, 1.0);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool LossCurvePlot::eventFilter(QObject* watched, QEvent* event) {
    if (watched == plot_ && event->type() == QEvent::Leave) hideReadout();
    if (watched == plot_ && event->type() == QEvent::Resize) scheduleRefresh();
    return QWidget::eventFilter(watched, event);
}

}  // namespace dimerec

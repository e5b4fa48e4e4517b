#include "DatasetStatsView.h"

#include "DatasetSummaryView.h"
#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace dimerec {
namespace {

constexpr int kAxisTicks = 3;  // the dock is narrow: few, readable tick labels

}  // namespace

DatasetStatsView::DatasetStatsView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    summary_ = new DatasetSummaryView(this);
    layout->addWidget(summary_);
    tabs_ = new QTabWidget(this);
    lengths_ = makePlot(tr("sequence length"), tr("users"));
    popularity_ = makePlot(tr("interactions per item"), tr("items"));
    categories_ = makePlot(QString(), tr("items"));
    tabs_->addTab(lengths_, tr("Lengths"));
    tabs_->addTab(popularity_, tr("Popularity"));
    tabs_->addTab(categories_, tr("Categories"));
    tabs_->setTabToolTip(0, tr("How many users have histories of each length"));
    tabs_->setTabToolTip(1, tr("How many items have each number of interactions (log scale): "
                               "the long tail"));
    tabs_->setTabToolTip(2, tr("Items per category (an item may have several)"));
    layout->addWidget(tabs_, 1);
}

QCustomPlot* DatasetStatsView::makePlot(const QString& xLabel, const QString& yLabel) {
    auto* plot = new QCustomPlot(this);
    plot->setMinimumHeight(150);
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->xAxis->ticker()->setTickCount(kAxisTicks);
    plot->xAxis->ticker()->setTickStepStrategy(QCPAxisTicker::tssMeetTickCount);
    plot->axisRect()->setRangeZoom(Qt::Horizontal);
    plot->axisRect()->setRangeDrag(Qt::Horizontal);
    enablePlotExport(plot);  // figure (PDF/SVG/PNG/pgfplots) and CSV from the context menu
    return plot;
}

void DatasetStatsView::setSummary(const DatasetStatistics& stats) {
    summary_->setSummary(stats);
}

void DatasetStatsView::showBars(QCustomPlot* plot, const HistogramBars& bars, bool logX) {
    plot->clearPlottables();
    auto* barGraph = new QCPBars(plot->xAxis, plot->yAxis);
    barGraph->setName(plot->yAxis->label());  // names the CSV's series: users, items
    barGraph->setWidth(bars.width);
    barGraph->setPen(QPen(QColor(0x1f, 0x77, 0xb4).darker(120)));
    barGraph->setBrush(QColor(0x1f, 0x77, 0xb4, 170));
    barGraph->setData(bars.positions, bars.counts, true);
    if (!bars.labels.isEmpty()) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        ticker->addTicks(bars.positions, bars.labels);
        plot->xAxis->setTicker(ticker);
        plot->xAxis->setTickLabelRotation(60);
    }
    if (logX) {
        plot->xAxis->setScaleType(QCPAxis::stLogarithmic);
        plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        barGraph->setWidthType(QCPBars::wtAxisRectRatio);
        barGraph->setWidth(0.6 / std::max<qsizetype>(1, bars.positions.size()));
    }
    plot->rescaleAxes();
    const QCPRange x = plot->xAxis->range();
    if (logX) {
        plot->xAxis->setRange(x.lower / 1.5, x.upper * 1.5);
    } else {
        plot->xAxis->setRange(x.lower - bars.width, x.upper + bars.width);
    }
    plot->yAxis->setRangeLower(0.0);
    plot->yAxis->setRangeUpper(plot->yAxis->range().upper * 1.05);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void DatasetStatsView::setSequenceLengths(const HistogramBars& bars) {
    showBars(lengths_, bars, false);
}
void DatasetStatsView::setPopularity(const HistogramBars& bars) {
    showBars(popularity_, bars, true);
}
void DatasetStatsView::setCategories(const HistogramBars& bars) {
    showBars(categories_, bars, false);
}

}  // namespace dimerec

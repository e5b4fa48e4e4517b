#include "ParallelCoordinates.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"
#include "StudyHeatMap.h"

#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace dimerec {
namespace {

constexpr double kEndLabelGap = 0.04;  // axis-end labels sit this far beyond [0, 1]

QString valueText(double value) {
    return QString::number(value, 'g', 4);
}

}  // namespace

ParallelCoordinates::ParallelCoordinates(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    plot_ = new QCustomPlot(this);
    plot_->setObjectName(QStringLiteral("parallelCoordinatesPlot"));
    layout->addWidget(plot_);
    enablePlotExport(plot_);  // figure (PDF/SVG/PNG) and CSV export from the context menu
    scale_ = new QCPColorScale(plot_);
    scale_->setType(QCPAxis::atRight);
    scale_->setGradient(StudyHeatMap::metricGradient());
    plot_->plotLayout()->addElement(0, 1, scale_);
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    plot_->yAxis->setVisible(false);
    plot_->xAxis->grid()->setVisible(false);
    plot_->yAxis->grid()->setVisible(false);
    plot_->yAxis->setRange(-2 * kEndLabelGap, 1 + 2 * kEndLabelGap);
}

int ParallelCoordinates::lineCount() const {
    return plot_->graphCount();
}

double ParallelCoordinates::normalised(int axis, double value) const {
    const double low = minima_.value(axis);
    const double high = maxima_.value(axis);
    return high > low ? (value - low) / (high - low) : 0.5;
}

void ParallelCoordinates::setData(const QVector<ParallelAxis>& axes,
                                  const QVector<QVector<double>>& rows,
                                  const QVector<double>& colours, const QString& colourLabel) {
    plot_->clearGraphs();
    plot_->clearItems();
    const int count = static_cast<int>(axes.size());
    minima_.fill(std::numeric_limits<double>::infinity(), count);
    maxima_.fill(-std::numeric_limits<double>::infinity(), count);
    for (const QVector<double>& row : rows) {
        if (row.size() != count) continue;
        for (int a = 0; a < count; ++a) {
            minima_[a] = std::min(minima_[a], row[a]);
            maxima_[a] = std::max(maxima_[a], row[a]);
        }
    }
    for (int a = 0; a < count; ++a) {  // categories span their indices, used or not
        if (axes[a].categories.isEmpty()) continue;
        minima_[a] = 0.0;
        maxima_[a] = static_cast<double>(axes[a].categories.size() - 1);
    }
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    for (double value : colours) {
        low = std::min(low, value);
        high = std::max(high, value);
    }
    if (!(low < high)) high = low + 1e-9;
    const QCPRange colourRange(low, high);
    scale_->setDataRange(colourRange);
    scale_->axis()->setLabel(colourLabel);
    QCPColorGradient gradient = StudyHeatMap::metricGradient();  // colorize() is not const

    // Lines in the order of their colour, so the best runs are drawn on top.
    QVector<int> order;
    for (int r = 0; r < rows.size(); ++r) {
        if (rows[r].size() == count && r < colours.size()) order << r;
    }
    std::sort(order.begin(), order.end(), [&](int a, int b) { return colours[a] < colours[b]; });
    for (int r : order) {
        QVector<double> keys;
        QVector<double> values;
        for (int a = 0; a < count; ++a) {
            keys << a;
            values << normalised(a, rows[r][a]);
        }
        QCPGraph* graph = plot_->addGraph();
        graph->setData(keys, values, true);
        QRgb colour = 0;
        gradient.colorize(&colours[r], colourRange, &colour, 1);
        graph->setPen(QPen(QColor(colour), 1.6));
    }

    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int a = 0; a < count; ++a) {
        ticker->addTick(a, axes[a].title);
        auto* line = new QCPItemLine(plot_);
        line->start->setCoords(a, 0);
        line->end->setCoords(a, 1);
        line->setPen(QPen(Qt::darkGray, 1.2));
        const auto axisLabel = [&](double y, const QString& text, Qt::Alignment alignment) {
            auto* label = new QCPItemText(plot_);
            label->position->setCoords(a, y);
            label->setPositionAlignment(alignment | Qt::AlignHCenter);
            label->setText(text);
            label->setBrush(QBrush(QColor(255, 255, 255, 200)));
        };
        const QStringList& categories = axes[a].categories;
        for (int c = 0; c < categories.size(); ++c)
            axisLabel(normalised(a, c), categories[c], Qt::AlignVCenter);
        if (!categories.isEmpty() || minima_[a] > maxima_[a]) continue;
        axisLabel(1 + kEndLabelGap / 2, valueText(maxima_[a]), Qt::AlignBottom);
        axisLabel(-kEndLabelGap / 2, valueText(minima_[a]), Qt::AlignTop);
    }
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(-0.3, std::max(count - 1, 1) + 0.3);
    plot_->replot();
}

}  // namespace dimerec

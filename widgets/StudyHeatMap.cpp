#include "StudyHeatMap.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace dimerec {
namespace {

constexpr int kDecimals = 4;

// Dark text on light cells, light on dark ones (by perceived luminance, ITU-R BT.601).
QColor textColourOn(const QColor& fill) {
    const double luminance = 0.299 * fill.red() + 0.587 * fill.green() + 0.114 * fill.blue();
    return luminance > 128.0 ? Qt::black : Qt::white;
}

}  // namespace

QCPColorGradient StudyHeatMap::metricGradient() {
    // Stops of matplotlib's viridis.
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0.0, QColor(68, 1, 84));
    gradient.setColorStopAt(0.25, QColor(59, 82, 139));
    gradient.setColorStopAt(0.5, QColor(33, 145, 140));
    gradient.setColorStopAt(0.75, QColor(94, 201, 98));
    gradient.setColorStopAt(1.0, QColor(253, 231, 37));
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    return gradient;
}

StudyHeatMap::StudyHeatMap(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    plot_ = new QCustomPlot(this);
    plot_->setObjectName(QStringLiteral("heatMapPlot"));
    layout->addWidget(plot_);
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(0, 0, new QCPTextElement(plot_, QString()));
    enablePlotExport(plot_);  // figure (PDF/SVG/PNG) and CSV export from the context menu
    setPlotDataTable(*plot_, [this] { return QString::fromStdString(metricGridCsv(grid_)); });
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    scale_ = new QCPColorScale(plot_);
    plot_->plotLayout()->addElement(1, 1, scale_);
    scale_->setType(QCPAxis::atRight);
    map_->setColorScale(scale_);
    map_->setGradient(metricGradient());
    map_->setInterpolate(false);
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
}

QString StudyHeatMap::cellText(int x, int y) const {
    const MetricStats& stats = grid_.at(static_cast<size_t>(x), static_cast<size_t>(y));
    if (stats.n == 0) return QString();
    return QStringLiteral("%1\nN=%2").arg(stats.mean, 0, 'f', kDecimals).arg(stats.n);
}

void StudyHeatMap::setGrid(const MetricGrid& grid, const QString& xLabel, const QString& yLabel,
                           const QString& metricLabel) {
    grid_ = grid;
    plot_->clearItems();
    auto* title = qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0));
    title->setText(tr("%1, mean over seeds").arg(metricLabel));
    const int nx = static_cast<int>(grid.x.values.size());
    const int ny = static_cast<int>(grid.y.values.size());
    // QCPColorMap gives a dimension of one data cell no extent: such a dimension gets two data
    // cells, a half apart around 0, which together cover the grid cell's [-0.5, 0.5].
    const auto dataCells = [](int n) { return std::max(n, 2); };
    const auto range = [](int n) { return n > 1 ? QCPRange(0, n - 1) : QCPRange(-0.25, 0.25); };
    map_->data()->setSize(dataCells(nx), dataCells(ny));
    map_->data()->setRange(range(nx), range(ny));
    map_->data()->fillAlpha(0);
    double low = std::numeric_limits<double>::infinity();
    double high = -low;
    for (int dy = 0; nx > 0 && ny > 0 && dy < dataCells(ny); ++dy) {
        for (int dx = 0; dx < dataCells(nx); ++dx) {
            const MetricStats& stats =
                grid.at(static_cast<size_t>(nx > 1 ? dx : 0), static_cast<size_t>(ny > 1 ? dy : 0));
            if (stats.n == 0) continue;
            map_->data()->setCell(dx, dy, stats.mean);
            map_->data()->setAlpha(dx, dy, 255);
            low = std::min(low, stats.mean);
            high = std::max(high, stats.mean);
        }
    }
    if (low > high) {
        low = 0.0;
        high = 1.0;
    } else if (low == high) {
        high = low + 1e-9;  // one value: any colour will do, but the range must not be empty
    }
    map_->setDataRange(QCPRange(low, high));
    scale_->axis()->setLabel(metricLabel);

    const auto ticks = [](const FieldAxis& axis) {
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (size_t i = 0; i < axis.values.size(); ++i)
            ticker->addTick(double(i), QString::fromStdString(axis.values[i].label));
        return ticker;
    };
    plot_->xAxis->setTicker(ticks(grid.x));
    plot_->yAxis->setTicker(ticks(grid.y));
    plot_->xAxis->setLabel(xLabel);
    plot_->yAxis->setLabel(yLabel);
    plot_->xAxis->setRange(-0.5, std::max(nx, 1) - 0.5);
    plot_->yAxis->setRange(-0.5, std::max(ny, 1) - 0.5);
    plot_->xAxis->grid()->setVisible(false);
    plot_->yAxis->grid()->setVisible(false);

    QCPColorGradient gradient = metricGradient();  // colorize() is not const
    for (int y = 0; y < ny; ++y) {
        for (int x = 0; x < nx; ++x) {
            const QString text = cellText(x, y);
            if (text.isEmpty()) continue;
            const double mean = grid.at(static_cast<size_t>(x), static_cast<size_t>(y)).mean;
            QRgb colour = 0;
            gradient.colorize(&mean, QCPRange(low, high), &colour, 1);
            auto* label = new QCPItemText(plot_);
            label->position->setType(QCPItemPosition::ptPlotCoords);
            label->position->setCoords(x, y);
            label->setText(text);
            label->setTextAlignment(Qt::AlignCenter);
            label->setColor(textColourOn(QColor(colour)));
            QFont font = label->font();
            font.setPointSizeF(font.pointSizeF() * 1.25);
            label->setFont(font);
        }
    }
    plot_->replot();
}

}  // namespace dimerec

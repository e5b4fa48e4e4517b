#include "HammerMap.h"

#include "CategoryPalette.h"
#include "QCustomPlotInclude.h"
#include "analysis/Projection.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace dimerec {
namespace {

constexpr int kOutlineSegments = 180;

QString tr(const char* text) {
    return QCoreApplication::translate("HammerMap", text);
}

// Adds a scatter-only graph of map points.
QCPGraph* addPoints(QCustomPlot& plot, const QString& name, const QVector<double>& x,
                    const QVector<double>& y, const QCPScatterStyle& style) {
    QCPGraph* graph = plot.addGraph();
    graph->setName(name);
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setScatterStyle(style);
    graph->setData(x, y, true);
    graph->setAdaptiveSampling(false);
    return graph;
}

void mapOf(const std::vector<float>& points, QVector<double>& x, QVector<double>& y) {
    for (size_t i = 0; i + 2 < points.size(); i += 3) {
        const auto xy = hammerProjection(points[i], points[i + 1], points[i + 2]);
        x.push_back(xy[0]);
        y.push_back(xy[1]);
    }
}

std::vector<float> pointsOf(const SphereScene& scene, const std::vector<int32_t>& ids) {
    std::vector<float> points;
    const size_t rows = scene.items.size() / 3;
    for (int32_t id : ids) {
        if (id < 0 || static_cast<size_t>(id) >= rows) continue;
        const auto at = static_cast<size_t>(id) * 3;
        points.insert(points.end(), scene.items.begin() + static_cast<std::ptrdiff_t>(at),
                      scene.items.begin() + static_cast<std::ptrdiff_t>(at + 3));
    }
    return points;
}

}  // namespace

void drawHammerMap(QCustomPlot& plot, const SphereScene& scene) {
    plot.clearPlottables();
    plot.clearItems();
    const CategoryPalette palette(scene.itemCategory, scene.categoryNames);

    // The map's edge: the ellipse x²/8 + y²/2 = 1.
    auto* outline = new QCPCurve(plot.xAxis, plot.yAxis);
    QVector<double> t;
    QVector<double> ox;
    QVector<double> oy;
    for (int s = 0; s <= kOutlineSegments; ++s) {
        const double angle = 2.0 * M_PI * s / kOutlineSegments;
        t.push_back(s);
        ox.push_back(2.0 * std::sqrt(2.0) * std::cos(angle));
        oy.push_back(std::sqrt(2.0) * std::sin(angle));
    }
    outline->setData(t, ox, oy);
    outline->setPen(QPen(QColor(150, 155, 165), 1.0));
    outline->setBrush(QColor(244, 246, 250));
    outline->setName(tr("map edge"));
    outline->removeFromLegend();

    // Items per legend entry, so that each category is one legend line.
    const QStringList names = palette.legendNames();
    const auto& ids = palette.legendIds();
    QVector<QVector<double>> xs(names.size());
    QVector<QVector<double>> ys(names.size());
    const size_t rows = scene.items.size() / 3;
    for (size_t i = 0; i < rows; ++i) {
        const int32_t category = i < scene.itemCategory.size() ? scene.itemCategory[i] : -1;
        const auto found = std::find(ids.begin(), ids.end(), category);
        const int slot = found == ids.end() ? static_cast<int>(names.size()) - 1
                                            : static_cast<int>(found - ids.begin());
        if (slot < 0) continue;
        const auto xy =
            hammerProjection(scene.items[3 * i], scene.items[3 * i + 1], scene.items[3 * i + 2]);
        xs[slot].push_back(xy[0]);
        ys[slot].push_back(xy[1]);
    }
    for (int slot = 0; slot < names.size(); ++slot) {
        const QColor colour = slot < static_cast<int>(ids.size())
                                  ? palette.colour(ids[static_cast<size_t>(slot)])
                                  : CategoryPalette::otherColour();
        QColor fill = colour;
        fill.setAlpha(200);
        addPoints(plot, names[slot], xs[slot], ys[slot],
                  QCPScatterStyle(QCPScatterStyle::ssDisc, fill, fill, 4));
    }

    struct Marked {
        QString name;
        std::vector<float> points;
        QCPScatterStyle style;
    };
    const Marked marked[] = {
        {tr("diffusion samples"), scene.samples,
         QCPScatterStyle(QCPScatterStyle::ssCross, QPen(QColor(220, 20, 60), 1.5), Qt::NoBrush, 6)},
        {tr("history"), pointsOf(scene, scene.historyItems),
         QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1.5), Qt::NoBrush, 8)},
        {tr("top-N"), pointsOf(scene, scene.recommendations),
         QCPScatterStyle(QCPScatterStyle::ssTriangle, QPen(QColor(0, 70, 160), 1.5), Qt::NoBrush,
                         8)},
        {tr("next item"), pointsOf(scene, scene.targets),
         QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(QColor(0, 150, 0), 2.0), Qt::NoBrush, 9)},
        {tr("guidance"), scene.guidance,
         QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(Qt::white, 1.0), QColor(106, 61, 154),
                         10)}};
    for (const Marked& set : marked) {
        if (set.points.empty()) continue;
        QVector<double> x;
        QVector<double> y;
        mapOf(set.points, x, y);
        addPoints(plot, set.name, x, y, set.style);
    }

    for (QCPAxis* axis : {plot.xAxis, plot.yAxis}) {
        axis->setTicks(false);
        axis->setTickLabels(false);
        axis->setBasePen(Qt::NoPen);
        axis->grid()->setVisible(false);
    }
    plot.xAxis->setRange(-2.9, 2.9);
    plot.yAxis->setRange(-1.48, 1.48);
    plot.xAxis->setLabel(scene.principalAxes
                             ? tr("Hammer equal-area map · longitude 0 = first principal direction")
                             : tr("Hammer equal-area map · longitude 0 = first embedding axis"));
    if (plot.plotLayout()->columnCount() < 2) {
        plot.plotLayout()->addElement(0, 1, plot.legend);
        plot.plotLayout()->setColumnStretchFactor(1, 0.001);
        plot.legend->setMargins(QMargins(4, 2, 4, 2));
        plot.legend->setRowSpacing(0);
    }
    plot.legend->setVisible(true);
    plot.legend->setBorderPen(Qt::NoPen);
    plot.replot();
}

}  // namespace dimerec

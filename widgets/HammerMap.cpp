#include "HammerMap.h"

#include "CategoryPalette.h"
#include "PgfplotsExport.h"
#include "PlotStyle.h"
#include "QCustomPlotInclude.h"
#include "analysis/Projection.h"

#include <QCoreApplication>
#include <QVector3D>

#include <algorithm>
#include <cmath>

namespace dimerec {
namespace {

constexpr int kOutlineSegments = 180;
constexpr int kNearDotAlpha = 200;
constexpr int kFarDotAlpha = 45;   // the sphere view's dimmed hemisphere
constexpr int kFarMarkAlpha = 90;  // its far markers

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
    graph->setData(x, y);  // sorted by x: the plot finds the visible points by bisection
    graph->setAdaptiveSampling(false);
    return graph;
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

// A marker style with its colours at `alpha`: the far side's marks.
QCPScatterStyle faded(QCPScatterStyle style, int alpha) {
    QPen pen = style.pen();
    QColor colour = pen.color();
    colour.setAlpha(alpha);
    pen.setColor(colour);
    style.setPen(pen);
    if (style.brush().style() != Qt::NoBrush) {
        QColor fill = style.brush().color();
        fill.setAlpha(alpha);
        style.setBrush(fill);
    }
    return style;
}

// Map coordinates of the points on one side.
struct MapPoints {
    QVector<double> x;
    QVector<double> y;
};

}  // namespace

QVector3D pointAt(const std::vector<float>& rows, size_t row) {
    return QVector3D(rows[3 * row], rows[3 * row + 1], rows[3 * row + 2]);
}

void drawSceneMap(QCustomPlot& plot, const SphereScene& scene, const MapProjection& project) {
    const CategoryPalette palette(scene.itemCategory, scene.categoryNames);
    // Items per legend entry and side (0 far, 1 near), so that each category is one legend line.
    const QStringList names = palette.legendNames();
    const auto& ids = palette.legendIds();
    QVector<MapPoints> dots[2] = {QVector<MapPoints>(names.size()),
                                  QVector<MapPoints>(names.size())};
    const size_t rows = scene.items.size() / 3;
    for (size_t i = 0; i < rows; ++i) {
        const int32_t category = i < scene.itemCategory.size() ? scene.itemCategory[i] : -1;
        const auto found = std::find(ids.begin(), ids.end(), category);
        const int slot = found == ids.end() ? static_cast<int>(names.size()) - 1
                                            : static_cast<int>(found - ids.begin());
        if (slot < 0) continue;
        const MapPoint at = project(pointAt(scene.items, i));
        dots[at.front ? 1 : 0][slot].x.push_back(at.x);
        dots[at.front ? 1 : 0][slot].y.push_back(at.y);
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

    // The far side first, so that the near side is drawn over it. A set wholly on the far side
    // keeps its legend entry there.
    for (const bool front : {false, true}) {
        const auto add = [&](const QString& name, const MapPoints& far, const MapPoints& near,
                             const QCPScatterStyle& farStyle, const QCPScatterStyle& nearStyle) {
            if (front && (!near.x.isEmpty() || far.x.isEmpty())) {
                addPoints(plot, name, near.x, near.y, nearStyle);
            } else if (!front && !far.x.isEmpty()) {
                QCPGraph* graph =
                    addPoints(plot, tr("%1 (far side)").arg(name), far.x, far.y, farStyle);
                if (!near.x.isEmpty()) graph->removeFromLegend();
            }
        };
        for (int slot = 0; slot < names.size(); ++slot) {
            const QColor colour = slot < static_cast<int>(ids.size())
                                      ? palette.colour(ids[static_cast<size_t>(slot)])
                                      : CategoryPalette::otherColour();
            const auto disc = [&colour](int alpha) {
                QColor fill = colour;
                fill.setAlpha(alpha);
                return QCPScatterStyle(QCPScatterStyle::ssDisc, fill, fill, 4);
            };
            add(names[slot], dots[0][slot], dots[1][slot], disc(kFarDotAlpha), disc(kNearDotAlpha));
        }
        for (const Marked& set : marked) {
            if (set.points.empty()) continue;
            MapPoints sides[2];
            for (size_t i = 0; i < set.points.size() / 3; ++i) {
                const MapPoint at = project(pointAt(set.points, i));
                sides[at.front ? 1 : 0].x.push_back(at.x);
                sides[at.front ? 1 : 0].y.push_back(at.y);
            }
            add(set.name, sides[0], sides[1], faded(set.style, kFarMarkAlpha), set.style);
        }
    }

    for (QCPAxis* axis : {plot.xAxis, plot.yAxis}) {
        axis->setTicks(false);
        axis->setTickLabels(false);
        axis->setBasePen(Qt::NoPen);
        axis->grid()->setVisible(false);
    }
    placeLegendRight(plot);
    setLegendShown(plot, true);
}

void drawHammerMap(QCustomPlot& plot, const SphereScene& scene) {
    plot.clearPlottables();
    plot.clearItems();

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

    drawSceneMap(plot, scene, [](const QVector3D& point) {
        const auto xy = hammerProjection(point.x(), point.y(), point.z());
        return MapPoint{xy[0], xy[1], true};
    });
    plot.xAxis->setRange(-2.9, 2.9);
    plot.yAxis->setRange(-1.48, 1.48);
    plot.xAxis->setLabel(scene.principalAxes
                             ? tr("Hammer equal-area map · longitude 0 = first principal direction")
                             : tr("Hammer equal-area map · longitude 0 = first embedding axis"));
    setPgfplotsAxisOptions(plot, {QStringLiteral("axis equal image")});  // keeps its 2:1 outline
    plot.replot();
}

}  // namespace dimerec

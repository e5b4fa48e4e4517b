#include "SphereView.h"

#include "HammerMap.h"
#include "PgfplotsExport.h"
#include "PlotExportDialog.h"
#include "QCustomPlotInclude.h"

#include <QContextMenuEvent>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QPaintEngine>
#include <QPainterPath>
#include <QPixmap>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <vector>

namespace dimerec {
namespace {

constexpr double kDragDegreesPerPixel = 0.4;
constexpr double kHoverPixels = 6.0;
constexpr double kMinZoom = 0.5;
constexpr double kMaxZoom = 8.0;
constexpr int kBackAlpha = 45;  // dimmed hemisphere facing away
constexpr int kFrontAlpha = 210;
constexpr int kGreatCircleSegments = 96;
constexpr double kLegendLine = 1.35;  // legend line height, in font pixels

struct MarkStyle {
    SphereMark mark;
    QColor colour;
};
const MarkStyle kMarks[] = {{SphereMark::History, QColor(0, 0, 0)},
                            {SphereMark::Guidance, QColor(106, 61, 154)},
                            {SphereMark::Sample, QColor(220, 20, 60)},
                            {SphereMark::Recommendation, QColor(0, 70, 160)},
                            {SphereMark::Target, QColor(0, 150, 0)}};

QColor withAlpha(QColor colour, int alpha) {
    colour.setAlpha(alpha);
    return colour;
}

// Dots of one colour at `centres`. Thousands of antialiased ellipses cost the raster engine
// about 14 ms a frame (each is flattened to a polygon and filled), too slow to drag ML-1M's
// globe at the screen's rate; on raster devices (the widget, PNG export) each dot is instead a
// copy of one dot drawn once per colour, under 1 ms for 3,706 items. Vector devices (PDF, SVG)
// keep true circles.
void drawDots(QPainter& painter, const std::vector<QPointF>& centres, double radius,
              const QColor& colour) {
    if (centres.empty()) return;
    painter.setPen(Qt::NoPen);
    if (painter.paintEngine()->type() != QPaintEngine::Raster) {
        painter.setBrush(colour);
        for (const QPointF& centre : centres) painter.drawEllipse(centre, radius, radius);
        return;
    }
    const double ratio = painter.device()->devicePixelRatioF();
    const int side = static_cast<int>(std::ceil((2.0 * radius + 2.0) * ratio));
    QPixmap dot(side, side);
    dot.fill(Qt::transparent);
    {
        QPainter stamp(&dot);
        stamp.setRenderHint(QPainter::Antialiasing);
        stamp.setPen(Qt::NoPen);
        stamp.setBrush(colour);
        stamp.drawEllipse(QPointF(side / 2.0, side / 2.0), radius * ratio, radius * ratio);
    }
    std::vector<QPainter::PixmapFragment> fragments;
    fragments.reserve(centres.size());
    for (const QPointF& centre : centres) {
        fragments.push_back(QPainter::PixmapFragment::create(centre, QRectF(0, 0, side, side),
                                                             1.0 / ratio, 1.0 / ratio));
    }
    painter.drawPixmapFragments(fragments.data(), static_cast<int>(fragments.size()), dot);
}

// One marker glyph of `size` (its half-width) at `at`.
void drawMarker(QPainter& painter, SphereMark mark, const QPointF& at, double size, QColor colour) {
    painter.save();
    QPen pen(colour, std::max(1.0, size / 3.0));
    pen.setJoinStyle(Qt::MiterJoin);
    switch (mark) {
        case SphereMark::History:
            painter.setPen(pen);
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(at, size, size);
            break;
        case SphereMark::Guidance: {
            painter.setPen(QPen(QColor(255, 255, 255, colour.alpha()), std::max(1.0, size / 4.0)));
            painter.setBrush(colour);
            const QPointF diamond[] = {at + QPointF(0, -size * 1.3), at + QPointF(size * 1.3, 0),
                                       at + QPointF(0, size * 1.3), at + QPointF(-size * 1.3, 0)};
            painter.drawPolygon(diamond, 4);
            break;
        }
        case SphereMark::Sample:
            painter.setPen(pen);
            painter.drawLine(at + QPointF(-size * 0.8, -size * 0.8),
                             at + QPointF(size * 0.8, size * 0.8));
            painter.drawLine(at + QPointF(-size * 0.8, size * 0.8),
                             at + QPointF(size * 0.8, -size * 0.8));
            break;
        case SphereMark::Recommendation: {
            painter.setPen(pen);
            painter.setBrush(Qt::NoBrush);
            const QPointF triangle[] = {at + QPointF(0, -size * 1.2),
                                        at + QPointF(size * 1.1, size * 0.8),
                                        at + QPointF(-size * 1.1, size * 0.8)};
            painter.drawPolygon(triangle, 3);
            break;
        }
        case SphereMark::Target:
            painter.setPen(pen);
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(
                QRectF(at - QPointF(size * 1.2, size * 1.2), QSizeF(size * 2.4, size * 2.4)));
            break;
    }
    painter.restore();
}

QFont fontOfPixels(int pixels) {
    QFont font;
    font.setPixelSize(std::max(1, pixels));
    return font;
}

}  // namespace

SphereView::SphereView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(320, 260);
    setAutoFillBackground(false);
    setToolTip(QString());
}

void SphereView::setScene(SphereScene scene) {
    scene_ = std::move(scene);
    palette_ = CategoryPalette(scene_.itemCategory, scene_.categoryNames);
    update();
}

void SphereView::setItemPoints(std::vector<float> items) {
    if (items.size() != scene_.items.size()) return;
    scene_.items = std::move(items);
    update();
}

void SphereView::clear() {
    setScene(SphereScene{});
}

void SphereView::setRotation(const QQuaternion& rotation) {
    rotation_ = rotation.normalized();
    update();
}

void SphereView::setZoom(double zoom) {
    zoom_ = std::clamp(zoom, kMinZoom, kMaxZoom);
    update();
}

QString SphereView::markName(SphereMark mark) {
    switch (mark) {
        case SphereMark::History:
            return tr("history");
        case SphereMark::Guidance:
            return tr("guidance");
        case SphereMark::Sample:
            return tr("diffusion samples");
        case SphereMark::Recommendation:
            return tr("top-N");
        case SphereMark::Target:
            return tr("next item");
    }
    return QString();
}

QStringList SphereView::legendCategories() const {
    return palette_.legendNames();
}

QStringList SphereView::legendLines(const QSize& size, int fontPixels) const {
    return legendLinesIn(geometry(size, fontPixels).legend, fontPixels);
}

QStringList SphereView::legendLinesIn(const QRectF& legend, int fontPixels) const {
    QStringList names = legendCategories();
    const double line = fontPixels * kLegendLine;
    // Lines below the title whose dot and text end above the legend's bottom (the key's line).
    const auto fit =
        static_cast<qsizetype>(std::max(0.0, std::floor((legend.height() - line) / line)));
    if (names.size() <= fit) return names;
    const qsizetype kept = std::max<qsizetype>(0, fit - 1);
    const qsizetype left = names.size() - kept;
    names = names.mid(0, kept);
    names << tr("+ %1 more").arg(left);
    return names;
}

QColor SphereView::categoryColor(int32_t category) const {
    return palette_.colour(category);
}

SphereView::Key SphereView::keyLayout(const QSize& size, int fontPixels) const {
    const std::pair<SphereMark, bool> present[] = {
        {SphereMark::History, !scene_.historyItems.empty()},
        {SphereMark::Guidance, !scene_.guidance.empty()},
        {SphereMark::Sample, !scene_.samples.empty()},
        {SphereMark::Recommendation, !scene_.recommendations.empty()},
        {SphereMark::Target, !scene_.targets.empty()}};
    const QFontMetricsF metrics(fontOfPixels(fontPixels));
    const double right = size.width() - fontPixels * 0.5;
    Key key;
    std::vector<int> rowOf;
    double x = fontPixels;
    int row = 0;
    for (const auto& [mark, shown] : present) {
        if (!shown) continue;
        const double width = fontPixels * 1.3 + metrics.horizontalAdvance(markName(mark));
        if (x > fontPixels && x + width > right) {
            x = fontPixels;
            ++row;
        }
        key.entries.push_back({mark, QPointF(x + fontPixels * 0.5, 0.0)});
        rowOf.push_back(row);
        x += width + fontPixels * 1.2;
    }
    key.hasNote = !scene_.samples.empty() || !scene_.items.empty();
    if (key.hasNote) {
        const double width = metrics.horizontalAdvance(tr("faint: far hemisphere"));
        if (x > fontPixels && x + width > right) {
            x = fontPixels;
            ++row;
        }
        key.note.setX(std::max(x, right - width));
    }
    key.rows = row + 1;
    // Rows from the bottom up: the last one where the single row always was.
    const auto rowY = [&](int r) {
        return size.height() - fontPixels * 1.2 - (key.rows - 1 - r) * fontPixels * kLegendLine;
    };
    for (size_t i = 0; i < key.entries.size(); ++i) key.entries[i].second.setY(rowY(rowOf[i]));
    key.note.setY(rowY(row));  // the note is on the last row
    return key;
}

SphereView::Geometry SphereView::geometry(const QSize& size, int fontPixels) const {
    Geometry g;
    const double line = fontPixels * 1.5;
    const double legendWidth = palette_.legendIds().empty() ? 0.0 : fontPixels * 10.0;
    g.key = keyLayout(size, fontPixels);
    const double keyHeight = (g.key.rows - 1) * fontPixels * kLegendLine;
    const QRectF area(0, line * 1.2, size.width() - legendWidth,
                      size.height() - line * 2.4 - keyHeight);
    g.centre = area.center();
    g.radius = std::max(1.0, 0.47 * std::min(area.width(), area.height()) * zoom_);
    g.legend = QRectF(size.width() - legendWidth, line * 1.2, legendWidth, area.height());
    return g;
}

QPointF SphereView::projectWith(const Geometry& g, const QVector3D& point, bool* front) const {
    const QVector3D v = rotation_.rotatedVector(point);
    if (front != nullptr) *front = v.z() >= 0.0f;
    return QPointF(g.centre.x() + g.radius * v.x(), g.centre.y() - g.radius * v.y());
}

QPointF SphereView::project(const QVector3D& point, const QSize& size, bool* front) const {
    return projectWith(geometry(size, fontPixels()), point, front);
}

QPointF SphereView::globeCentre() const {
    return geometry(size(), fontPixels()).centre;
}

double SphereView::globeRadius() const {
    return geometry(size(), fontPixels()).radius;
}

int SphereView::fontPixels() const {
    return QFontInfo(font()).pixelSize();
}

QVector3D SphereView::itemPoint(int item) const {
    return pointAt(scene_.items, static_cast<size_t>(item));
}

int SphereView::itemAt(const QPointF& pos) const {
    const Geometry g = geometry(size(), fontPixels());
    int best = -1;
    double bestDistance = kHoverPixels * kHoverPixels;
    const int rows = static_cast<int>(scene_.items.size() / 3);
    for (int i = 0; i < rows; ++i) {
        bool front = false;
        const QPointF at = projectWith(g, itemPoint(i), &front);
        if (!front) continue;
        const double dx = at.x() - pos.x();
        const double dy = at.y() - pos.y();
        const double distance = dx * dx + dy * dy;
        if (distance <= bestDistance) {
            bestDistance = distance;
            best = i;
        }
    }
    return best;
}

QString SphereView::itemText(int item) const {
    if (item < 0 || static_cast<size_t>(item) >= scene_.items.size() / 3) return QString();
    const auto at = static_cast<size_t>(item);
    QString title =
        at < scene_.itemTitles.size() ? QString::fromStdString(scene_.itemTitles[at]) : QString();
    if (title.isEmpty()) title = tr("item %1").arg(item);
    const QString categories = at < scene_.itemCategoryText.size()
                                   ? QString::fromStdString(scene_.itemCategoryText[at])
                                   : QString();
    return categories.isEmpty() ? title : title + QLatin1Char('\n') + categories;
}

QString SphereView::headerText() const {
    QString header;
    if (scene_.items.empty()) {
        header = tr("No embeddings yet: select a finished run with a checkpoint.");
    } else if (scene_.principalAxes) {
        const auto& ev = scene_.explainedVariance;
        header = tr("%1 items · PCA axes explain %2 %, %3 %, %4 % of the variance")
                     .arg(scene_.items.size() / 3)
                     .arg(ev[0] * 100.0, 0, 'f', 1)
                     .arg(ev[1] * 100.0, 0, 'f', 1)
                     .arg(ev[2] * 100.0, 0, 'f', 1);
    } else {
        header = tr("%1 items · 3-dim embeddings as they are").arg(scene_.items.size() / 3);
    }
    if (!scene_.userLabel.empty())
        header += QStringLiteral(" · ") + QString::fromStdString(scene_.userLabel);
    return header;
}

void SphereView::render(QPainter& painter, const QSize& size, int fontPixels) const {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(QRect(QPoint(0, 0), size), Qt::white);
    const Geometry g = geometry(size, fontPixels);
    const QFont font = fontOfPixels(fontPixels);
    painter.setFont(font);

    painter.setPen(Qt::black);
    // Elided ("…") where the view is too narrow for the whole line.
    const double headerWidth = size.width() - fontPixels;
    painter.drawText(QRectF(fontPixels * 0.5, 0, headerWidth, fontPixels * 1.8),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(font).elidedText(headerText(), Qt::ElideRight, headerWidth));

    // The globe with its three coordinate great circles.
    QRadialGradient shade(g.centre - QPointF(g.radius * 0.35, g.radius * 0.35), g.radius * 1.4);
    shade.setColorAt(0.0, QColor(252, 252, 255));
    shade.setColorAt(1.0, QColor(226, 230, 238));
    painter.setPen(QPen(QColor(150, 155, 165), std::max(1.0, fontPixels / 10.0)));
    painter.setBrush(shade);
    painter.drawEllipse(g.centre, g.radius, g.radius);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(190, 195, 205), std::max(0.5, fontPixels / 16.0)));
    for (int axis = 0; axis < 3; ++axis) {
        QPointF previous;
        bool previousFront = false;
        for (int s = 0; s <= kGreatCircleSegments; ++s) {
            const double angle = 2.0 * M_PI * s / kGreatCircleSegments;
            const float c = static_cast<float>(std::cos(angle));
            const float d = static_cast<float>(std::sin(angle));
            const QVector3D p = axis == 0   ? QVector3D(c, d, 0)
                                : axis == 1 ? QVector3D(0, c, d)
                                            : QVector3D(c, 0, d);
            bool front = false;
            const QPointF at = projectWith(g, p, &front);
            if (s > 0 && front && previousFront) painter.drawLine(previous, at);
            previous = at;
            previousFront = front;
        }
    }

    // Items: the far side first and faint, then the near side.
    const double dot = std::max(1.0, std::min(g.radius / 140.0, fontPixels / 4.0));
    const int rows = static_cast<int>(scene_.items.size() / 3);
    for (const bool frontPass : {false, true}) {
        // The pass's dots by colour (category), each colour drawn at once.
        std::map<QRgb, std::vector<QPointF>> byColour;
        for (int i = 0; i < rows; ++i) {
            bool front = false;
            const QPointF at = projectWith(g, itemPoint(i), &front);
            if (front != frontPass) continue;
            const int32_t category = static_cast<size_t>(i) < scene_.itemCategory.size()
                                         ? scene_.itemCategory[static_cast<size_t>(i)]
                                         : -1;
            byColour[withAlpha(categoryColor(category), front ? kFrontAlpha : kBackAlpha).rgba()]
                .push_back(at);
        }
        for (const auto& [colour, centres] : byColour)
            drawDots(painter, centres, dot, QColor::fromRgba(colour));
        drawMarks(painter, g, fontPixels, frontPass);
    }

    drawLegend(painter, g, fontPixels);

    // The marker key along the bottom, only for the sets the scene has.
    const Key& key = g.key;
    for (const auto& [mark, at] : key.entries) {
        const auto style =
            std::find_if(std::begin(kMarks), std::end(kMarks),
                         [mark = mark](const MarkStyle& s) { return s.mark == mark; });
        drawMarker(painter, mark, at, fontPixels * 0.4, style->colour);
        painter.setPen(Qt::black);
        painter.drawText(at + QPointF(fontPixels * 0.8, fontPixels * 0.35), markName(mark));
    }
    if (key.hasNote) {
        painter.setPen(QColor(110, 110, 110));
        painter.drawText(key.note + QPointF(0.0, fontPixels * 0.35), tr("faint: far hemisphere"));
    }
    painter.restore();
}

void SphereView::drawMarks(QPainter& painter, const Geometry& g, int fontPixels,
                           bool frontPass) const {
    const double size = std::max(2.0, fontPixels * 0.45);
    const auto drawSet = [&](SphereMark mark, auto&& pointOf, size_t count) {
        const auto style = std::find_if(std::begin(kMarks), std::end(kMarks),
                                        [mark](const MarkStyle& s) { return s.mark == mark; });
        for (size_t i = 0; i < count; ++i) {
            bool front = false;
            const QPointF at = projectWith(g, pointOf(i), &front);
            if (front != frontPass) continue;
            drawMarker(painter, mark, at, size, withAlpha(style->colour, front ? 255 : 90));
        }
    };
    const size_t rows = scene_.items.size() / 3;
    const auto itemsOf = [this, rows](const std::vector<int32_t>& ids) {
        return [this, &ids, rows](size_t i) {
            const auto id = static_cast<size_t>(ids[i]);
            return id < rows ? pointAt(scene_.items, id) : QVector3D();
        };
    };
    drawSet(
        SphereMark::Sample, [this](size_t i) { return pointAt(scene_.samples, i); },
        scene_.samples.size() / 3);
    drawSet(SphereMark::History, itemsOf(scene_.historyItems), scene_.historyItems.size());
    drawSet(SphereMark::Recommendation, itemsOf(scene_.recommendations),
            scene_.recommendations.size());
    drawSet(SphereMark::Target, itemsOf(scene_.targets), scene_.targets.size());
    drawSet(
        SphereMark::Guidance, [this](size_t i) { return pointAt(scene_.guidance, i); },
        scene_.guidance.size() / 3);
}

void SphereView::drawLegend(QPainter& painter, const Geometry& g, int fontPixels) const {
    const qsizetype categories = legendCategories().size();
    if (categories == 0) return;
    const QStringList names = legendLinesIn(g.legend, fontPixels);
    const auto& ids = palette_.legendIds();
    const qsizetype named = names.size() < categories ? names.size() - 1 : names.size();
    const double line = fontPixels * kLegendLine;
    double y = g.legend.top() + line * 0.5;
    painter.setPen(Qt::black);
    QFont bold = painter.font();
    bold.setBold(true);
    painter.save();
    painter.setFont(bold);
    painter.drawText(QPointF(g.legend.left() + fontPixels * 0.3, y + fontPixels * 0.35),
                     tr("primary category"));
    painter.restore();
    y += line;
    for (qsizetype i = 0; i < names.size(); ++i) {
        if (i < named) {
            const QColor colour = i < static_cast<qsizetype>(ids.size())
                                      ? categoryColor(ids[static_cast<size_t>(i)])
                                      : CategoryPalette::otherColour();
            painter.setPen(Qt::NoPen);
            painter.setBrush(colour);
            painter.drawEllipse(QPointF(g.legend.left() + fontPixels * 0.8, y), fontPixels * 0.35,
                                fontPixels * 0.35);
        }
        painter.setPen(Qt::black);
        painter.drawText(QPointF(g.legend.left() + fontPixels * 1.5, y + fontPixels * 0.35),
                         names[i]);
        y += line;
    }
}

void SphereView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    render(painter, size(), fontPixels());
}

void SphereView::mousePressEvent(QMouseEvent* event) {
    lastMouse_ = event->position().toPoint();
}

void SphereView::mouseMoveEvent(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    if (event->buttons() & Qt::LeftButton) {
        const QPoint delta = pos - lastMouse_;
        lastMouse_ = pos;
        // Dragging right turns the globe about the screen's vertical axis, dragging down
        // about its horizontal axis, like grabbing its surface.
        const QQuaternion turn =
            QQuaternion::fromAxisAndAngle(0, 1, 0,
                                          static_cast<float>(delta.x() * kDragDegreesPerPixel)) *
            QQuaternion::fromAxisAndAngle(1, 0, 0,
                                          static_cast<float>(delta.y() * kDragDegreesPerPixel));
        setRotation(turn * rotation_);
        return;
    }
    const int item = itemAt(event->position());
    if (item >= 0) {
        QToolTip::showText(event->globalPosition().toPoint(), itemText(item), this);
    } else {
        QToolTip::hideText();
    }
    Q_EMIT itemHovered(item);
}

QQuaternion SphereView::obliqueView() {
    return QQuaternion::fromAxisAndAngle(1, 0, 0, 25) * QQuaternion::fromAxisAndAngle(0, 1, 0, -55);
}

void SphereView::mouseDoubleClickEvent(QMouseEvent*) {
    rotation_ = obliqueView();
    setZoom(1.0);
}

void SphereView::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    setZoom(zoom_ * std::pow(1.15, steps));
    event->accept();
}

void SphereView::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    menu.addAction(tr("Export figure…"), this, &SphereView::exportToFile);
    menu.addAction(tr("Reset view"), this, [this] {
        rotation_ = obliqueView();
        setZoom(1.0);
    });
    menu.exec(event->globalPos());
}

void SphereView::drawFlat(QCustomPlot& plot) const {
    plot.clearPlottables();
    plot.clearItems();
    // The globe's disc, in the light grey of the painted globe's shading.
    QVector<double> t;
    QVector<double> x;
    QVector<double> y;
    for (int s = 0; s <= kGreatCircleSegments; ++s) {
        const double angle = 2.0 * M_PI * s / kGreatCircleSegments;
        t << s;
        x << std::cos(angle);
        y << std::sin(angle);
    }
    auto* disc = new QCPCurve(plot.xAxis, plot.yAxis);
    disc->setData(t, x, y);
    disc->setPen(QPen(QColor(150, 155, 165), 1.0));
    disc->setBrush(QColor(238, 241, 246));
    disc->setName(tr("globe"));
    disc->removeFromLegend();
    // The near half of each coordinate great circle, as one arc from the first near sample
    // after a far one (render() draws the segments between near samples).
    for (int axis = 0; axis < 3; ++axis) {
        std::vector<MapPoint> circle;
        for (int s = 0; s < kGreatCircleSegments; ++s) {
            const double angle = 2.0 * M_PI * s / kGreatCircleSegments;
            const float c = static_cast<float>(std::cos(angle));
            const float d = static_cast<float>(std::sin(angle));
            const QVector3D v = rotation_.rotatedVector(axis == 0   ? QVector3D(c, d, 0)
                                                        : axis == 1 ? QVector3D(0, c, d)
                                                                    : QVector3D(c, 0, d));
            circle.push_back({v.x(), v.y(), v.z() >= 0.0f});
        }
        const auto far =
            std::find_if(circle.begin(), circle.end(), [](const MapPoint& p) { return !p.front; });
        const bool whole = far == circle.end();  // face-on: the globe's edge
        std::rotate(circle.begin(), far, circle.end());
        QVector<double> arcT;
        QVector<double> arcX;
        QVector<double> arcY;
        for (const MapPoint& p : circle) {
            if (!p.front) continue;
            arcT << arcT.size();
            arcX << p.x;
            arcY << p.y;
        }
        if (whole) {  // closed: back to the first sample
            arcT << arcT.size();
            arcX << arcX.front();
            arcY << arcY.front();
        }
        auto* arc = new QCPCurve(plot.xAxis, plot.yAxis);
        arc->setData(arcT, arcX, arcY);
        arc->setPen(QPen(QColor(190, 195, 205), 0.8));
        arc->setName(tr("great circle"));
        arc->removeFromLegend();
    }
    drawSceneMap(plot, scene_, [this](const QVector3D& point) {
        const QVector3D v = rotation_.rotatedVector(point);
        return MapPoint{v.x(), v.y(), v.z() >= 0.0f};
    });
    // The globe fills 94 % of the shorter side at zoom 1, as in geometry().
    const double half = 1.0 / (0.94 * zoom_);
    plot.xAxis->setRange(-half, half);
    plot.yAxis->setRange(-half, half);
    plot.xAxis->setLabel(headerText() + tr(" · faint: far hemisphere"));
    // A round globe; the long caption small, wrapped at the figure's width.
    setPgfplotsAxisOptions(plot, {QStringLiteral("axis equal image"),
                                  QStringLiteral("xlabel style={font=\\footnotesize, align=center, "
                                                 "text width=\\pgfkeysvalueof{/pgfplots/width}}")});
    plot.replot();
}

void SphereView::exportTo(const QString& path, const PlotExportOptions& options) const {
    const PlotFormat format = plotFormatForPath(path);
    if (format == PlotFormat::Csv || format == PlotFormat::Pgfplots) {
        QCustomPlot plot;
        plot.resize(800, 600);  // for the layout only: pgfplots sizes the figure itself
        drawFlat(plot);
        exportPlot(plot, path, options);
        return;
    }
    exportFigure([this](QCPPainter& painter, const QSize& size,
                        int fontPixels) { render(painter, size, fontPixels); },
                 path, format, options);
}

void SphereView::exportToFile() {
    PlotExportDialog dialog(window(), QStringLiteral("sphere"));
    if (dialog.exec() != QDialog::Accepted) return;
    try {
        exportTo(dialog.path(), dialog.options());
    } catch (const std::exception& error) {
        QMessageBox::warning(window(), tr("Export figure"), QString::fromUtf8(error.what()));
    }
}

}  // namespace dimerec

#pragma once

#include "CategoryPalette.h"
#include "PlotExport.h"
#include "analysis/SphereScene.h"

#include <QColor>
#include <QPointF>
#include <QQuaternion>
#include <QVector3D>
#include <QWidget>

class QCustomPlot;
class QPainter;

namespace dimerec {

// An orthographic globe of a SphereScene, painted with QPainter: items as dots coloured by
// primary category (legend on the right), the chosen user's history, guidance vectors,
// reverse-process samples, recommendations and target with distinct markers. The view looks
// down the rotated z axis (x right, y up); the hemisphere facing away is dimmed. Drag rotates,
// the wheel zooms, double click returns to obliqueView(); hovering a point shows its title and
// categories.
class SphereView : public QWidget {
    Q_OBJECT

public:
    explicit SphereView(QWidget* parent = nullptr);

    void setScene(SphereScene scene);
    // Replaces only the item points (an embedding snapshot of another epoch, projected on the
    // same basis); must have as many rows as the scene's items.
    void setItemPoints(std::vector<float> items);
    const SphereScene& scene() const { return scene_; }
    void clear();

    QQuaternion rotation() const { return rotation_; }
    // The view double click returns to: tilted so that the first principal direction (x),
    // which often holds the densest cloud, is neither edge-on nor hidden.
    static QQuaternion obliqueView();
    void setRotation(const QQuaternion& rotation);
    double zoom() const { return zoom_; }
    void setZoom(double zoom);  // 1 = the globe fills the drawing area's shorter side

    // Screen position of a point of the unit sphere in a widget of `size`; `front` (if given)
    // says whether it faces the viewer.
    QPointF project(const QVector3D& point, const QSize& size, bool* front = nullptr) const;
    // The globe's centre and radius in the widget as it is now.
    QPointF globeCentre() const;
    double globeRadius() const;
    // The front-facing item nearest to `pos` within a few pixels, or -1.
    int itemAt(const QPointF& pos) const;
    // The hover text of an item: title, then its categories.
    QString itemText(int item) const;
    // Legend entries: names of the categories that occur as primary categories (in id order),
    // plus "other" when more than the palette's colours occur.
    QStringList legendCategories() const;
    // The legend's lines below its title when drawn into `size`: every category while they fit
    // above the marker key, otherwise those that fit and a last line "+ N more" (a dot's hover
    // text names its category).
    QStringList legendLines(const QSize& size, int fontPixels) const;
    // How many rows the marker key along the bottom takes at this size (see keyLayout).
    int keyRows(const QSize& size, int fontPixels) const {
        return keyLayout(size, fontPixels).rows;
    }
    QColor categoryColor(int32_t category) const;
    static QString markName(SphereMark mark);

    // Paints the whole view into `size` units with a base font of `fontPixels` (used for the
    // widget and for figure export).
    void render(QPainter& painter, const QSize& size, int fontPixels) const;
    // The view as it is now (rotation, zoom) drawn on `plot` (replacing what it showed), for
    // export as data: the globe's disc and the near halves of its great circles, then
    // drawSceneMap's points at their projected positions (x right, y up, in globe radii), the
    // far hemisphere faint and out of the legend; the axes keep one scale in pgfplots.
    void drawFlat(QCustomPlot& plot) const;
    // Writes the view to `path` in the format its extension names: PDF, SVG and PNG painted
    // (render), CSV and pgfplots from drawFlat. Throws like exportPlot.
    void exportTo(const QString& path, const PlotExportOptions& options) const;
    // Asks for a file and writes the view there (PlotExportDialog, exportTo).
    void exportToFile();

Q_SIGNALS:
    void itemHovered(int item);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    // The marker key along the bottom: an entry per set the scene has, flowed left to right
    // into as many rows as the width needs, then the note on the far hemisphere (on the last
    // row when it fits there, else on a row of its own).
    struct Key {
        std::vector<std::pair<SphereMark, QPointF>> entries;  // marker centres
        QPointF note;  // where the note's text starts, on its row's centre line (with hasNote)
        bool hasNote = false;
        int rows = 1;
    };
    struct Geometry {
        QPointF centre;
        double radius = 0.0;
        QRectF legend;
        Key key;  // the globe makes room for its rows
    };
    Key keyLayout(const QSize& size, int fontPixels) const;
    Geometry geometry(const QSize& size, int fontPixels) const;
    QPointF projectWith(const Geometry& g, const QVector3D& point, bool* front) const;
    QVector3D itemPoint(int item) const;
    int fontPixels() const;      // the widget font's size in pixels
    QString headerText() const;  // what the three axes are, and the user shown
    void drawMarks(QPainter& painter, const Geometry& g, int fontPixels, bool front) const;
    void drawLegend(QPainter& painter, const Geometry& g, int fontPixels) const;
    QStringList legendLinesIn(const QRectF& legend, int fontPixels) const;  // see legendLines

    SphereScene scene_;
    CategoryPalette palette_;
    QQuaternion rotation_;
    double zoom_ = 1.0;
    QPoint lastMouse_;
};

}  // namespace dimerec

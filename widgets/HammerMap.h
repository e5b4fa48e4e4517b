#pragma once

#include "analysis/SphereScene.h"

#include <functional>
#include <vector>

class QCustomPlot;
class QVector3D;

namespace dimerec {

// Where a point of the unit sphere lands on a flat map, and whether it faces the viewer.
struct MapPoint {
    double x = 0.0;
    double y = 0.0;
    bool front = true;
};
using MapProjection = std::function<MapPoint(const QVector3D& point)>;

// Row `row` of rows × 3 points (SphereScene's layout).
QVector3D pointAt(const std::vector<float>& rows, size_t row);

// Adds the scene's points to `plot` as they land through `project`: items as dots coloured by
// primary category (CategoryPalette, one legend entry per category, legend on the right) and
// the user's marked sets with the sphere view's markers; points facing away drawn faint, under
// the others and out of the legend (unless all of their set faces away). Hides the axes' ticks and
// grids. The caller clears the plot, draws what lies beneath (an outline), and sets the ranges.
void drawSceneMap(QCustomPlot& plot, const SphereScene& scene, const MapProjection& project);

// Draws the scene as a flat Hammer equal-area map on `plot` (replacing what it showed): the
// map's outline and drawSceneMap's points. Longitude 0 (the first principal direction) is the
// centre. For printing, where a globe hides half the points.
void drawHammerMap(QCustomPlot& plot, const SphereScene& scene);

}  // namespace dimerec

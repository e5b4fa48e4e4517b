#pragma once

#include "analysis/SphereScene.h"

class QCustomPlot;

namespace dimerec {

// Draws the scene as a flat Hammer equal-area map on `plot` (replacing what it showed): the
// map's outline, items coloured by primary category (CategoryPalette, legend on the right)
// and the user's marked sets with the sphere view's markers. Longitude 0 (the first principal
// direction) is the centre. For printing, where a globe hides half the points.
void drawHammerMap(QCustomPlot& plot, const SphereScene& scene);

}  // namespace dimerec

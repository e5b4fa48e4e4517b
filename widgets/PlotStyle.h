#pragma once

#include <QColor>
#include <QVector>
#include <QtGlobal>

class QCPAxis;
class QCustomPlot;
class QString;

namespace dimerec {

// The colour of a run in every view (live curves, comparison curves, metric bars, exported
// figures): Tableau 10 by run id, so a run keeps its colour however the runs are combined.
QColor runColour(qint64 runId);
// The colours of runs shown together: each run its runColour, unless a run before it in the
// list took that colour (run ids ten apart share one), then the first Tableau 10 colour that
// none of them took, so up to ten runs are told apart. A run listed again keeps its colour.
QVector<QColor> runColours(const QVector<qint64>& runIds);
// Tableau 10's colour number `index` (wrapping), for series that are not runs.
QColor paletteColour(int index);

// Moves the plot's legend out of the axis rect into a row below it, entries side by side and
// wrapping, so that it never covers data; fitted before every replot (fitLegend).
void placeLegendBelow(QCustomPlot& plot);
// The same into a column to the right of the plot, entries top to bottom.
void placeLegendRight(QCustomPlot& plot);
// Whether the plot's legend is wanted. Placed below or beside the plot it then shows when it
// has entries and leaves the data enough room (fitLegend), else it steps out of the layout
// until the plot is large enough; elsewhere it shows as asked.
void setLegendShown(QCustomPlot& plot, bool shown);
// Whether the plot's owner wants its legend (setLegendShown; else whether it is visible): an
// exported figure has the legend even when the window's plot is too small to show it.
bool legendWanted(const QCustomPlot& plot);
// As many legend entries per row as the plot's width holds (one column beside the plot) and,
// for a placed legend, whether it fits (setLegendShown). Called before every replot of a plot
// whose legend was placed; call it after changing the entries of any other.
void fitLegend(QCustomPlot& plot);
// Keeps the value axes' tick labels apart however short the plot gets: about one tick per three
// label heights of the axis rect, between 2 and QCustomPlot's default 5 (below it steps are
// chosen to meet the count, so two ticks show rather than one), fitted at every layout (a plot
// squeezed by the docks at 1366 × 768 drew seven labels into 40 pixels), and their titles
// elided to the axis rect's height (shown whole again where they fit).
void fitValueAxes(QCustomPlot& plot);
// The axis's title as its owner set it, where fitValueAxes draws it elided (label() is the
// title as drawn).
QString axisTitle(const QCPAxis& axis);
// The y axis on a logarithmic scale (decade ticks) or back on a linear one; the range is the
// caller's to set.
void setLogY(QCustomPlot& plot, bool on);
// A drawn plot's y axis made logarithmic and fitted to its positive values with a margin.
void fitLogY(QCustomPlot& plot);

}  // namespace dimerec

#pragma once

#include <QColor>
#include <QtGlobal>

class QCustomPlot;

namespace dimerec {

// The colour of a run in every view (live curves, comparison curves, metric bars, exported
// figures): Tableau 10 by run id, so a run keeps its colour however the runs are combined.
QColor runColour(qint64 runId);
// Tableau 10's colour number `index` (wrapping), for series that are not runs.
QColor paletteColour(int index);

// Moves the plot's legend out of the axis rect into a row below it, entries side by side and
// wrapping (fitLegendColumns, before every replot), so that it never covers data.
void placeLegendBelow(QCustomPlot& plot);
// Whether the plot's legend is wanted. Below the axis rect (placeLegendBelow) it then shows when
// it has entries and takes at most half the plot's height, else it leaves the layout until the
// plot is tall enough; elsewhere it shows as asked.
void setLegendShown(QCustomPlot& plot, bool shown);
// Whether the plot's owner wants its legend (setLegendShown; else whether it is visible): an
// exported figure has the legend even when the window's plot is too small to show it.
bool legendWanted(const QCustomPlot& plot);
// As many legend entries per row as the plot's width holds (at least one), and, for a legend
// below the axis rect, whether it fits (setLegendShown). Called before every replot of a plot
// whose legend placeLegendBelow moved; call it after changing the entries of any other.
void fitLegendColumns(QCustomPlot& plot);

}  // namespace dimerec

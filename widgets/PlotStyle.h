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
// wrapping (fitLegendColumns), so that it never covers data.
void placeLegendBelow(QCustomPlot& plot);
// As many legend entries per row as the plot's width holds (at least one): call after the
// entries or the width change.
void fitLegendColumns(QCustomPlot& plot);

}  // namespace dimerec

#pragma once

#include "PlotExport.h"

#include <QString>
#include <QStringList>

class QCustomPlot;

namespace dimerec {

// A QCustomPlot as pgfplots, so that a paper typesets the figure in its own fonts: `tex` holds a
// tikzpicture with one pgfplots axis (labels, ranges, log scales, text ticks, legend and every
// series' colour as the plot has them) whose \addplot commands read their columns from `csv`,
// written beside it as `csvName`. Graphs and curves become lines or marks (with their error bars),
// bars become ybar plots (grouped bars side by side), a colour map a matrix plot with its colour
// bar (also a colour scale of its own, for lines coloured by a value), text items and lines
// placed in plot coordinates nodes and \draw paths. Other items (cursors, readouts) are left
// out. The file's first lines say which packages it needs and how to \input it.
struct PgfplotsFigure {
    QString tex;
    QString csv;
};
PgfplotsFigure plotPgfplots(QCustomPlot& plot, const QString& csvName,
                            const PlotExportOptions& options);

// pgfplots axis options that `plot`'s export adds after its own (so they win), for what a
// QCustomPlot does not say: e.g. "axis equal image" for a map whose circles must stay round.
void setPgfplotsAxisOptions(QCustomPlot& plot, const QStringList& options);

}  // namespace dimerec

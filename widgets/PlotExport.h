#pragma once

#include <QSizeF>
#include <QString>

#include <functional>

class QCPPainter;
class QCustomPlot;
class QPainter;
class QWidget;

namespace dimerec {

// Figures for papers: a QCustomPlot (or any painting) written as vector PDF / SVG, as PNG at
// a chosen DPI, its data as CSV, or (a QCustomPlot) as pgfplots, a .tex with its data in a .csv
// beside it that a paper typesets in its own fonts (PgfplotsExport.h), at a physical size with a
// chosen base font size.
//
// Rendering works in points (1/72 in): the figure is laid out on a canvas of
// kExportUnitsPerPoint units per point, so a 8.5 cm wide figure is laid out 241 pt wide
// whatever the output; fonts are set in pixels of that canvas (device independent, so the
// layout and the drawing agree on every device), pens of width 1 come out as 1/2 pt lines.

enum class PlotFormat { Pdf, Svg, Png, Csv, Pgfplots };
enum class LengthUnit { Centimetres, Inches };

constexpr double kExportUnitsPerPoint = 2.0;

struct PlotExportOptions {
    double width = 8.5;                         // figure width, in `unit`
    double height = 6.0;                        // figure height, in `unit`
    LengthUnit unit = LengthUnit::Centimetres;  // of width and height
    int dpi = 300;                              // PNG resolution (vector formats ignore it)
    double fontSize = 8.0;                      // base font (tick labels, legend), points
};

// Length in points (72 per inch).
double toPoints(double length, LengthUnit unit);
// "8.5cm", "3.3in", "85mm", "240pt" → value and unit (mm and pt are converted to cm / in);
// throws std::invalid_argument naming the text otherwise.
void parseLength(const QString& text, double& value, LengthUnit& unit);
// The format a file name asks for by its extension (.pdf .svg .png .csv .tex); throws
// std::invalid_argument naming the file for any other.
PlotFormat plotFormatForPath(const QString& path);
QString formatName(PlotFormat format);

// Draws one figure onto `painter`, whose canvas is `size` units (kExportUnitsPerPoint per
// point), with `fontPixels` the base font size in canvas units.
using FigurePainter = std::function<void(QCPPainter& painter, const QSize& size, int fontPixels)>;

// Writes a figure painted by `paint` in `format` (not Csv or Pgfplots) to `path`. Throws
// std::runtime_error naming the file when it cannot be written.
void exportFigure(const FigurePainter& paint, const QString& path, PlotFormat format,
                  const PlotExportOptions& options);

// Writes `plot` to `path` in the format its extension names: the plot's fonts are set to
// the base size for the export (title +2 pt) and restored afterwards; CSV writes
// plotDataCsv; .tex writes pgfplots and its data as <name>.csv in the same folder. Throws like
// exportFigure.
void exportPlot(QCustomPlot& plot, const QString& path, const PlotExportOptions& options);

// The plot's data: the table set with setPlotDataTable, else one row per point:
// series,x,x_label,y (x_label: the text tick of a bar chart's category axis, else empty).
// Series without a name are called "series N".
QString plotDataCsv(QCustomPlot& plot);

// Makes plotDataCsv write `table()` for `plot` instead of walking its graphs: for a plot whose
// data is more than its points (a heat map's cells, error bars: mean, std and N). An empty
// function goes back to the walk.
void setPlotDataTable(QCustomPlot& plot, std::function<QString()> table);

// Gives `plot` a context menu with "Export figure…" (PlotExportDialog) and "Copy data as CSV".
void enablePlotExport(QCustomPlot* plot);

}  // namespace dimerec

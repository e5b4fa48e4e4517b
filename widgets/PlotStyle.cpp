#include "PlotStyle.h"

#include "QCustomPlotInclude.h"

#include <algorithm>
#include <iterator>

namespace dimerec {
namespace {

// Where placeLegendBelow or placeLegendRight put a plot's legend: the grid and the cell it
// leaves when it does not fit and comes back to, whether that is below the data, and whether
// the plot's owner wants it shown (setLegendShown).
const char* const kLegendGrid = "dimerecLegendGrid";
const char* const kLegendCell = "dimerecLegendCell";  // QPoint(column, row)
const char* const kLegendBelow = "dimerecLegendBelow";
const char* const kLegendWanted = "dimerecLegendWanted";
// Where fitValueAxes keeps a value axis's title as its owner set it and as it draws it.
const char* const kFullTitle = "dimerecFullTitle";
const char* const kShownTitle = "dimerecShownTitle";

QCPLayoutGrid* legendGrid(const QCustomPlot& plot) {
    return qobject_cast<QCPLayoutGrid*>(plot.property(kLegendGrid).value<QObject*>());
}

// Whether the legend was moved out of the axis rect already (by us or by the plot's owner).
bool legendPlaced(const QCustomPlot& plot) {
    return legendGrid(plot) != nullptr ||
           qobject_cast<QCPLayoutInset*>(plot.legend->layout()) == nullptr;
}

// The legend's entries: how many, and the widest and tallest cell with its spacing.
struct LegendCells {
    int items = 0;
    int widest = 1;
    int tallest = 1;
};

LegendCells legendCells(const QCPLegend& legend) {
    LegendCells cells;
    for (int i = 0; i < legend.itemCount(); ++i) {
        // Cells of the legend's grid stay empty after graphs are removed (the comparison's
        // curves are redrawn on every change): item() is null there.
        if (const QCPAbstractLegendItem* item = legend.item(i)) {
            const QSize size = item->minimumOuterSizeHint();
            cells.widest = std::max(cells.widest, size.width() + legend.columnSpacing());
            cells.tallest = std::max(cells.tallest, size.height() + legend.rowSpacing());
            ++cells.items;
        }
    }
    return cells;
}

// Puts the legend into `grid` at (row, column) and keeps it fitted before every replot (a
// resize replots): the plot's size decides the entries per row and whether it fits.
void placeLegend(QCustomPlot& plot, QCPLayoutGrid* grid, int row, int column, bool below) {
    grid->addElement(row, column, plot.legend);
    plot.legend->setBorderPen(Qt::NoPen);
    plot.legend->setBrush(Qt::NoBrush);
    plot.setProperty(kLegendGrid, QVariant::fromValue<QObject*>(grid));
    plot.setProperty(kLegendCell, QPoint(column, row));
    plot.setProperty(kLegendBelow, below);
    plot.setProperty(kLegendWanted, plot.legend->visible());
    QObject::connect(&plot, &QCustomPlot::beforeReplot, &plot, [&plot] { fitLegend(plot); });
    fitLegend(plot);
}

}  // namespace

QColor paletteColour(int index) {
    // Tableau 10, the palette TensorBoard and matplotlib users recognise.
    static const QColor colours[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e),
                                     QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28),
                                     QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f),
                                     QColor(0xbc, 0xbd, 0x22), QColor(0x17, 0xbe, 0xcf)};
    const int count = static_cast<int>(std::size(colours));
    return colours[((index % count) + count) % count];
}

QColor runColour(qint64 runId) {
    return paletteColour(static_cast<int>((runId - 1) % 10));
}

QVector<QColor> runColours(const QVector<qint64>& runIds) {
    QVector<QColor> colours;
    const auto taken = [&colours](const QColor& colour) { return colours.contains(colour); };
    for (int i = 0; i < runIds.size(); ++i) {
        const qint64 id = runIds[i];
        if (const int first = static_cast<int>(runIds.indexOf(id)); first < i) {
            colours.push_back(colours[first]);  // the same run shown again
            continue;
        }
        QColor colour = runColour(id);
        for (int free = 0; taken(colour) && free < 10; ++free) colour = paletteColour(free);
        if (taken(colour)) colour = runColour(id);  // more than ten runs: colours repeat
        colours.push_back(colour);
    }
    return colours;
}

void placeLegendBelow(QCustomPlot& plot) {
    if (legendPlaced(plot)) return;
    // A row under the axis rect (and any title above it): the legend centred between two
    // stretching spacers. Alone in the plot's column, an empty legend's small maximum width
    // would squeeze the axis rect above it.
    QCPLayoutGrid* layout = plot.plotLayout();
    const int row = layout->rowCount();
    auto* strip = new QCPLayoutGrid;
    layout->addElement(row, 0, strip);
    layout->setRowStretchFactor(row, 0.001);  // as tall as the legend needs, no more
    strip->addElement(0, 0, new QCPLayoutElement(&plot));
    strip->addElement(0, 2, new QCPLayoutElement(&plot));
    strip->setColumnStretchFactor(1, 0.001);
    plot.legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot.legend->setMargins(QMargins(4, 0, 4, 2));
    placeLegend(plot, strip, 0, 1, true);
}

void placeLegendRight(QCustomPlot& plot) {
    if (legendPlaced(plot)) return;
    QCPLayoutGrid* layout = plot.plotLayout();
    const int column = layout->columnCount();
    plot.legend->setFillOrder(QCPLegend::foRowsFirst);
    plot.legend->setMargins(QMargins(4, 2, 4, 2));
    plot.legend->setRowSpacing(0);
    placeLegend(plot, layout, 0, column, false);
    layout->setColumnStretchFactor(column, 0.001);  // as wide as the legend needs, no more
}

bool legendWanted(const QCustomPlot& plot) {
    const QVariant wanted = plot.property(kLegendWanted);
    return wanted.isValid() ? wanted.toBool() : plot.legend->visible();
}

void setLegendShown(QCustomPlot& plot, bool shown) {
    plot.setProperty(kLegendWanted, shown);
    if (legendGrid(plot) == nullptr) {
        plot.legend->setVisible(shown);
    } else {
        fitLegend(plot);
    }
}

QString axisTitle(const QCPAxis& axis) {
    return axis.label() == axis.property(kShownTitle).toString()
               ? axis.property(kFullTitle).toString()
               : axis.label();
}

void fitValueAxes(QCustomPlot& plot) {
    // The layout has placed the ticks by then: a changed count takes effect in one more replot.
    // A title is drawn after the layout, so its elision shows in this one.
    QObject::connect(&plot, &QCustomPlot::afterLayout, &plot, [&plot] {
        bool changed = false;
        for (QCPAxisRect* rect : plot.axisRects()) {
            for (QCPAxis* axis : rect->axes(QCPAxis::atLeft | QCPAxis::atRight)) {
                const QString full = axisTitle(*axis);
                axis->setProperty(kFullTitle, full);
                const QString title = QFontMetrics(axis->labelFont())
                                          .elidedText(full, Qt::ElideRight, rect->height());
                axis->setProperty(kShownTitle, title);
                axis->setLabel(title);
                const int line = QFontMetrics(axis->tickLabelFont()).height();
                const int count = std::clamp(rect->height() / (3 * line), 2, 5);
                if (axis->ticker()->tickCount() == count) continue;
                axis->ticker()->setTickCount(count);
                // Few ticks: steps such as 0.0008 rather than one lone tick at 0.001.
                axis->ticker()->setTickStepStrategy(count < 5 ? QCPAxisTicker::tssMeetTickCount
                                                              : QCPAxisTicker::tssReadability);
                changed = true;
            }
        }
        if (changed) plot.replot(QCustomPlot::rpQueuedReplot);
    });
}

void setLogY(QCustomPlot& plot, bool on) {
    plot.yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on) {
        plot.yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        plot.yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    plot.yAxis->setNumberFormat(QStringLiteral("gb"));
}

void fitLogY(QCustomPlot& plot) {
    setLogY(plot, true);
    plot.yAxis->rescale();  // the positive values only, on a logarithmic axis
    plot.yAxis->scaleRange(1.2);
    plot.replot();
}

void fitLegend(QCustomPlot& plot) {
    const LegendCells cells = legendCells(*plot.legend);
    // The viewport: the widget, or the page while the plot is exported at another size.
    const QRect area = plot.viewport();
    QCPLayoutGrid* grid = legendGrid(plot);
    const bool below = grid == nullptr || plot.property(kLegendBelow).toBool();
    // Below the data as many entries per row as the width holds; beside it one column (wrap
    // counts the rows of a column there: the legend fills rows first).
    const int perRow = below ? std::max(1, (area.width() - 8) / cells.widest) : 1;
    const int rows = (cells.items + perRow - 1) / perRow;
    const int wrap = below ? perRow : std::max(1, cells.items);
    if (wrap != plot.legend->wrap()) {
        plot.legend->setWrap(wrap);
        // setWrap only affects items added later; re-wrap the ones already there.
        plot.legend->setFillOrder(plot.legend->fillOrder(), true);
    }
    if (grid == nullptr) return;
    // A legend that would squeeze the data — below it more than half the plot's height (32
    // curves in a small comparison dock), beside it taller than the plot or wider than a third
    // of it (23 categories and markers beside a small Hammer map) — leaves the layout (an
    // invisible element still takes its room) and comes back when the plot grows; exported
    // figures keep it (legendWanted). An empty one would be a stray little box.
    const bool fits =
        below ? rows * cells.tallest <= area.height() / 2
              : rows * cells.tallest <= area.height() - 8 && cells.widest <= area.width() / 3;
    const bool shown = legendWanted(plot) && cells.items > 0 && fits;
    const QPoint cell = plot.property(kLegendCell).toPoint();
    const bool placed = plot.legend->layout() == grid;
    if (shown && !placed) grid->addElement(cell.y(), cell.x(), plot.legend);
    if (!shown && placed) grid->take(plot.legend);
    plot.legend->setVisible(shown);
}

}  // namespace dimerec

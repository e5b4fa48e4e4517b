#include "PlotStyle.h"

#include "QCustomPlotInclude.h"

#include <algorithm>
#include <iterator>

namespace dimerec {
namespace {

// Properties of a plot whose legend placeLegendBelow moved: the row it lives in, and whether the
// plot's owner wants it shown (setLegendShown).
const char* const kLegendStrip = "dimerecLegendStrip";
const char* const kLegendWanted = "dimerecLegendWanted";

QCPLayoutGrid* legendStrip(const QCustomPlot& plot) {
    return qobject_cast<QCPLayoutGrid*>(plot.property(kLegendStrip).value<QObject*>());
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

void placeLegendBelow(QCustomPlot& plot) {
    if (legendStrip(plot) != nullptr ||
        qobject_cast<QCPLayoutInset*>(plot.legend->layout()) == nullptr)
        return;  // placed
    // A row under the axis rect (and any title above it): the legend centred between two
    // stretching spacers. Alone in the plot's column, an empty legend's small maximum width
    // would squeeze the axis rect above it.
    QCPLayoutGrid* layout = plot.plotLayout();
    const int row = layout->rowCount();
    auto* strip = new QCPLayoutGrid;
    layout->addElement(row, 0, strip);
    layout->setRowStretchFactor(row, 0.001);  // as tall as the legend needs, no more
    strip->addElement(0, 0, new QCPLayoutElement(&plot));
    strip->addElement(0, 1, plot.legend);
    strip->addElement(0, 2, new QCPLayoutElement(&plot));
    strip->setColumnStretchFactor(1, 0.001);
    plot.legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot.legend->setBorderPen(Qt::NoPen);
    plot.legend->setBrush(Qt::NoBrush);
    plot.legend->setMargins(QMargins(4, 0, 4, 2));
    plot.setProperty(kLegendStrip, QVariant::fromValue<QObject*>(strip));
    plot.setProperty(kLegendWanted, plot.legend->visible());
    // The plot's size decides the columns and whether the legend fits: refitted before every
    // replot (a resize replots).
    QObject::connect(&plot, &QCustomPlot::beforeReplot, &plot, [&plot] { fitLegendColumns(plot); });
    fitLegendColumns(plot);
}

bool legendWanted(const QCustomPlot& plot) {
    const QVariant wanted = plot.property(kLegendWanted);
    return wanted.isValid() ? wanted.toBool() : plot.legend->visible();
}

void setLegendShown(QCustomPlot& plot, bool shown) {
    plot.setProperty(kLegendWanted, shown);
    if (legendStrip(plot) == nullptr) {
        plot.legend->setVisible(shown);
    } else {
        fitLegendColumns(plot);
    }
}

void fitLegendColumns(QCustomPlot& plot) {
    int widest = 1;
    int tallest = 1;
    int items = 0;
    for (int i = 0; i < plot.legend->itemCount(); ++i) {
        // Cells of the legend's grid stay empty after graphs are removed (the comparison's
        // curves are redrawn on every change): item() is null there.
        if (const QCPAbstractLegendItem* item = plot.legend->item(i)) {
            const QSize size = item->minimumOuterSizeHint();
            widest = std::max(widest, size.width() + plot.legend->columnSpacing());
            tallest = std::max(tallest, size.height() + plot.legend->rowSpacing());
            ++items;
        }
    }
    // The viewport: the widget, or the page while the plot is exported at another size.
    const QRect area = plot.viewport();
    const int columns = std::max(1, (area.width() - 8) / widest);
    if (columns != plot.legend->wrap()) {
        plot.legend->setWrap(columns);
        // setWrap only affects items added later; re-wrap the ones already there.
        plot.legend->setFillOrder(plot.legend->fillOrder(), true);
    }
    QCPLayoutGrid* strip = legendStrip(plot);
    if (strip == nullptr) return;
    // A legend taller than half the plot would squeeze the data into a sliver (32 curves in a
    // small comparison dock): it leaves the layout (an invisible element still takes its room)
    // and comes back when the plot grows. An empty one would be a stray little box.
    const int rows = (items + columns - 1) / columns;
    const bool shown = legendWanted(plot) && items > 0 && rows * tallest <= area.height() / 2;
    const bool inStrip = plot.legend->layout() == strip;
    if (shown && !inStrip) strip->addElement(0, 1, plot.legend);
    if (!shown && inStrip) strip->take(plot.legend);
    plot.legend->setVisible(shown);
}

}  // namespace dimerec

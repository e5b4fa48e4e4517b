#include "PlotStyle.h"

#include "QCustomPlotInclude.h"

#include <algorithm>
#include <iterator>

namespace dimerec {
namespace {}  // namespace

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
    if (qobject_cast<QCPLayoutInset*>(plot.legend->layout()) == nullptr) return;  // placed
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
    fitLegendColumns(plot);
}

void fitLegendColumns(QCustomPlot& plot) {
    int widest = 1;
    for (int i = 0; i < plot.legend->itemCount(); ++i) {
        // A plottable taken out of the legend leaves an empty cell.
        if (const QCPAbstractLegendItem* item = plot.legend->item(i))
            widest = std::max(widest,
                              item->minimumOuterSizeHint().width() + plot.legend->columnSpacing());
    }
    const int columns = std::max(1, (plot.width() - 8) / widest);
    if (columns == plot.legend->wrap()) return;
    plot.legend->setWrap(columns);
    // setWrap only affects items added later; re-wrap the ones already there.
    plot.legend->setFillOrder(plot.legend->fillOrder(), true);
}

}  // namespace dimerec

#include "PgfplotsExport.h"

#include "QCustomPlotInclude.h"
#include "PlotStyle.h"
#include "analysis/TableExport.h"

#include <QFileInfo>
#include <QMap>

#include <algorithm>
#include <cmath>
#include <vector>

namespace dimerec {
namespace {

// pgfplots' estimate of the room its labels take, subtracted from `width` to size the axis.
constexpr double kLabelRoomPt = 45.0;
// The dynamic property of a plot that holds setPgfplotsAxisOptions' options.
const char* const kAxisOptionsProperty = "dimerecPgfplotsAxisOptions";
// Samples of a colour gradient written into the colormap.
constexpr int kColormapStops = 9;
// Tick labels as the app prints them: plain decimals (no "·10^-3" factor, no thousands
// separator).
const QString kTickNumbers = QStringLiteral(
    "tick label style={/pgf/number format/fixed, /pgf/number format/precision=4, "
    "/pgf/number format/1000 sep={}}");

// Text for LaTeX: special characters escaped, known symbols as math, line breaks as \\ (for
// nodes with align=center).
QString latex(const QString& text) {
    QStringList lines;
    for (const QString& line : text.split(QLatin1Char('\n')))
        lines << QString::fromStdString(escapeLatex(line.toStdString()));
    return lines.join(QStringLiteral("\\\\"));
}

QString number(double value) {
    return std::isfinite(value) ? QString::number(value, 'g', 10) : QStringLiteral("nan");
}

// A colour's alpha (8 bits) as an opacity: three digits tell every level apart.
QString opacity(const QColor& c) {
    return QString::number(c.alpha() / 255.0, 'g', 3);
}

QString points(double value) {
    return QString::number(value, 'f', 2) + QStringLiteral("pt");
}

// A length of the exported canvas (kExportUnitsPerPoint per point) in points.
QString canvasPoints(double units) {
    return points(units / kExportUnitsPerPoint);
}

QString dashOf(Qt::PenStyle style) {
    switch (style) {
        case Qt::DashLine:
            return QStringLiteral("dashed");
        case Qt::DotLine:
            return QStringLiteral("dotted");
        case Qt::DashDotLine:
        case Qt::DashDotDotLine:
            return QStringLiteral("dashdotted");
        default:
            return QString();
    }
}

// The pgfplots mark of a scatter style: open or filled as QCustomPlot draws it (a shape is
// filled when the style has a brush).
QString markOf(const QCPScatterStyle& style) {
    const bool filled = style.brush().style() != Qt::NoBrush;
    const auto variant = [filled](const char* name) {
        return QLatin1String(name) + (filled ? QStringLiteral("*") : QString());
    };
    switch (style.shape()) {
        case QCPScatterStyle::ssNone:
            return QString();
        case QCPScatterStyle::ssCircle:
            return filled ? QStringLiteral("*") : QStringLiteral("o");
        case QCPScatterStyle::ssSquare:
            return variant("square");
        case QCPScatterStyle::ssDiamond:
            return variant("diamond");
        case QCPScatterStyle::ssCross:
            return QStringLiteral("x");
        case QCPScatterStyle::ssPlus:
            return QStringLiteral("+");
        case QCPScatterStyle::ssTriangle:
            return variant("triangle");
        default:
            return QStringLiteral("*");
    }
}

// The anchor of a node placed with a QCPItemText's position alignment.
QString anchorOf(Qt::Alignment alignment) {
    QString vertical;
    if (alignment & Qt::AlignTop) vertical = QStringLiteral("north");
    if (alignment & Qt::AlignBottom) vertical = QStringLiteral("south");
    QString horizontal;
    if (alignment & Qt::AlignLeft) horizontal = QStringLiteral("west");
    if (alignment & Qt::AlignRight) horizontal = QStringLiteral("east");
    if (vertical.isEmpty() && horizontal.isEmpty()) return QStringLiteral("center");
    if (vertical.isEmpty()) return horizontal;
    if (horizontal.isEmpty()) return vertical;
    return vertical + QLatin1Char(' ') + horizontal;
}

class Writer {
public:
    Writer(QCustomPlot& plot, const QString& csvName, const PlotExportOptions& options)
        : plot_(plot), csvName_(csvName), options_(options) {}

    PgfplotsFigure write() {
        plot_.replot(QCustomPlot::rpImmediateRefresh);  // lay out, for pixel-sized parts
        for (int i = 0; i < plot_.plottableCount(); ++i) {
            QCPAbstractPlottable* plottable = plot_.plottable(i);
            if (!plottable->visible() || plottable->keyAxis() != plot_.xAxis ||
                plottable->valueAxis() != plot_.yAxis) {
                continue;
            }
            if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
                addGraph(graph, i + 1);
            } else if (auto* curve = qobject_cast<QCPCurve*>(plottable)) {
                addCurve(curve, i + 1);
            } else if (auto* bars = qobject_cast<QCPBars*>(plottable)) {
                addBars(bars, i + 1);
            } else if (auto* map = qobject_cast<QCPColorMap*>(plottable)) {
                addColorMap(map, i + 1);
            }
            // Error bars are written with the graph they belong to.
        }
        // A colour scale of its own (lines coloured by a value, as in the parallel
        // coordinates): its colour map, range and bar.
        for (QCPLayoutElement* element : plot_.plotLayout()->elements(true)) {
            auto* scale = qobject_cast<QCPColorScale*>(element);
            if (scale != nullptr && scale->visible() && !colourScaleWritten_)
                colourScale(scale->gradient(), scale->dataRange(), scale);
        }
        for (int i = 0; i < plot_.itemCount(); ++i) {
            QCPAbstractItem* item = plot_.item(i);
            if (auto* text = qobject_cast<QCPItemText*>(item)) addText(text);
            if (auto* line = qobject_cast<QCPItemLine*>(item)) addLine(line);
        }
        return {tex(), csv()};
    }

private:
    // The xcolor name of a colour, defined on first use.
    QString colour(const QColor& c) {
        const QRgb key = c.rgb();
        if (const auto found = colourNames_.constFind(key); found != colourNames_.constEnd())
            return *found;
        QString name = QStringLiteral("dimerec");
        for (int n = static_cast<int>(colourNames_.size());; n = n / 26 - 1) {
            name += QChar(QLatin1Char('A').unicode() + n % 26);
            if (n < 26) break;
        }
        colourNames_.insert(key, name);
        definitions_ << QStringLiteral("\\definecolor{%1}{RGB}{%2,%3,%4}")
                            .arg(name)
                            .arg(c.red())
                            .arg(c.green())
                            .arg(c.blue());
        return name;
    }

    QString column(const QString& name, QVector<double> values) {
        columns_.push_back({name, std::move(values)});
        return name;
    }

    // Pen and fill of a plottable as plot options.
    void strokeAndFill(QStringList& o, const QPen& pen, const QBrush& brush) {
        if (pen.style() == Qt::NoPen) {
            o << QStringLiteral("draw=none");
        } else {
            o << QStringLiteral("color=") + colour(pen.color())
              << QStringLiteral("line width=") + canvasPoints(std::max(1.0, pen.widthF()));
            if (pen.color().alpha() < 255)
                o << QStringLiteral("draw opacity=%1").arg(opacity(pen.color()));
            if (const QString dash = dashOf(pen.style()); !dash.isEmpty()) o << dash;
        }
        if (brush.style() != Qt::NoBrush) {
            o << QStringLiteral("fill=") + colour(brush.color());
            if (brush.color().alpha() < 255)
                o << QStringLiteral("fill opacity=%1").arg(opacity(brush.color()));
        }
    }

    void marks(QStringList& o, const QCPScatterStyle& style, bool onlyMarks) {
        const QString mark = markOf(style);
        if (mark.isEmpty()) {
            o << QStringLiteral("no markers");
            return;
        }
        if (onlyMarks) o << QStringLiteral("only marks");
        o << QStringLiteral("mark=") + mark
          << QStringLiteral("mark size=") + canvasPoints(style.size() / 2.0);
        if (style.isPenDefined() && style.pen().style() != Qt::NoPen)
            o << QStringLiteral("mark options={solid, draw=%1}").arg(colour(style.pen().color()));
    }

    // Closes a plot: the legend entry of the plottable, or `forget plot` when it has none.
    void finish(QCPAbstractPlottable* plottable, QStringList& o, const QString& table) {
        const bool inLegend = plot_.legend != nullptr && legendWanted(plot_) &&
                              plot_.legend->hasItemWithPlottable(plottable);
        if (!inLegend) o.prepend(QStringLiteral("forget plot"));
        QString text = QStringLiteral("\\addplot[%1]\n    table[%2] {\\dimerecdatadir %3};\n")
                           .arg(o.join(QStringLiteral(", ")), table, csvName_);
        if (inLegend)
            text += QStringLiteral("\\addlegendentry{%1}\n").arg(latex(plottable->name()));
        plots_ << text;
    }

    QString xyTable(const QString& x, const QString& y) const {
        return QStringLiteral("col sep=comma, x=%1, y=%2").arg(x, y);
    }

    void addGraph(QCPGraph* graph, int n) {
        QVector<double> keys;
        QVector<double> values;
        for (const QCPGraphData& point : *graph->data()) {
            keys << point.key;
            values << point.value;
        }
        const QString prefix = QStringLiteral("s%1").arg(n);
        const QString x = column(prefix + QStringLiteral("_x"), keys);
        const QString y = column(prefix + QStringLiteral("_y"), values);
        QStringList o;
        if (graph->lineStyle() != QCPGraph::lsNone) {
            strokeAndFill(o, graph->pen(), Qt::NoBrush);
        } else {
            // Marks alone, in the colour of their fill, else of their outline (the graph's
            // pen when the marks have none of their own).
            const QCPScatterStyle& style = graph->scatterStyle();
            const QColor c = style.brush().style() != Qt::NoBrush ? style.brush().color()
                             : style.isPenDefined()               ? style.pen().color()
                                                                  : graph->pen().color();
            o << QStringLiteral("color=") + colour(c);
            if (c.alpha() < 255) o << QStringLiteral("opacity=%1").arg(opacity(c));
        }
        marks(o, graph->scatterStyle(), graph->lineStyle() == QCPGraph::lsNone);
        QString table = xyTable(x, y);
        // Error bars drawn for this graph: their columns, and the options last (they change
        // the key path).
        for (int i = 0; i < plot_.plottableCount(); ++i) {
            auto* errors = qobject_cast<QCPErrorBars*>(plot_.plottable(i));
            if (errors == nullptr || !errors->visible() || errors->dataPlottable() != graph)
                continue;
            QVector<double> minus;
            QVector<double> plus;
            for (const QCPErrorBarsData& error : *errors->data()) {
                minus << error.errorMinus;
                plus << error.errorPlus;
            }
            const QChar axis = errors->errorType() == QCPErrorBars::etKeyError ? QLatin1Char('x')
                                                                               : QLatin1Char('y');
            const QString low = column(prefix + QStringLiteral("_minus"), minus);
            const QString high = column(prefix + QStringLiteral("_plus"), plus);
            table +=
                QStringLiteral(", %1 error minus=%2, %1 error plus=%3").arg(axis).arg(low, high);
            o << QStringLiteral("error bars/.cd, %1 dir=both, %1 explicit, error bar style={%2}")
                     .arg(axis)
                     .arg(QStringLiteral("color=") + colour(errors->pen().color()));
            break;
        }
        finish(graph, o, table);
    }

    void addCurve(QCPCurve* curve, int n) {
        QVector<double> keys;
        QVector<double> values;
        for (const QCPCurveData& point : *curve->data()) {
            keys << point.key;
            values << point.value;
        }
        const QString prefix = QStringLiteral("s%1").arg(n);
        QStringList o;
        strokeAndFill(o, curve->lineStyle() == QCPCurve::lsNone ? QPen(Qt::NoPen) : curve->pen(),
                      curve->brush());
        marks(o, curve->scatterStyle(), curve->lineStyle() == QCPCurve::lsNone);
        const QString x = column(prefix + QStringLiteral("_x"), keys);
        finish(curve, o, xyTable(x, column(prefix + QStringLiteral("_y"), values)));
    }

    // A bar's width: in axis units when the plot gives it so, else in points.
    QString barWidth(const QCPBars* bars) const {
        switch (bars->widthType()) {
            case QCPBars::wtPlotCoords:
                return number(bars->width());
            case QCPBars::wtAxisRectRatio:
                return points(bars->width() *
                              (toPoints(options_.width, options_.unit) - kLabelRoomPt));
            case QCPBars::wtAbsolute:
                return canvasPoints(bars->width());
        }
        return number(bars->width());
    }

    void addBars(QCPBars* bars, int n) {
        // Bars of a group stand side by side around their key: the plot's offset, in axis units
        // (groups of bars sized in axis units, as the charts draw them).
        double shift = 0.0;
        if (QCPBarsGroup* group = bars->barsGroup();
            group != nullptr && bars->widthType() == QCPBars::wtPlotCoords) {
            const double spacing =
                group->spacingType() == QCPBarsGroup::stPlotCoords ? group->spacing() : 0.0;
            double total = 0.0;
            double before = 0.0;
            for (QCPBars* member : group->bars()) {
                if (member == bars) before = total;
                total += member->width() + spacing;
            }
            total -= spacing;
            shift = before + bars->width() / 2.0 - total / 2.0;
        }
        QVector<double> keys;
        QVector<double> values;
        for (const QCPBarsData& point : *bars->data()) {
            keys << point.key + shift;
            values << point.value;
        }
        const QString prefix = QStringLiteral("s%1").arg(n);
        QStringList o = {QStringLiteral("ybar"), QStringLiteral("bar shift=0pt"),
                         QStringLiteral("bar width=") + barWidth(bars)};
        strokeAndFill(o, bars->pen(), bars->brush());
        const QString x = column(prefix + QStringLiteral("_x"), keys);
        finish(bars, o, xyTable(x, column(prefix + QStringLiteral("_y"), values)));
    }

    void addColorMap(QCPColorMap* map, int n) {
        QCPColorMapData* data = map->data();
        QVector<double> xs;
        QVector<double> ys;
        QVector<double> cells;
        for (int j = 0; j < data->valueSize(); ++j) {
            for (int i = 0; i < data->keySize(); ++i) {
                double x = 0.0;
                double y = 0.0;
                data->cellToCoord(i, j, &x, &y);
                xs << x;
                ys << y;
                cells << data->cell(i, j);
            }
        }
        const QString prefix = QStringLiteral("s%1").arg(n);
        QStringList o = {
            QStringLiteral("matrix plot*"), QStringLiteral("mesh/cols=%1").arg(data->keySize()),
            QStringLiteral("point meta=explicit"), QStringLiteral("unbounded coords=jump")};
        const QString x = column(prefix + QStringLiteral("_x"), xs);
        const QString y = column(prefix + QStringLiteral("_y"), ys);
        const QString table = xyTable(x, y) + QStringLiteral(", meta=") +
                              column(prefix + QStringLiteral("_value"), cells);
        finish(map, o, table);
        colourScale(map->gradient(), map->dataRange(), map->colorScale());
    }

    // The axis' colour map sampled from `gradient` over `range`, with its colour bar when
    // `scale` is shown. One per axis: pgfplots has one colour map and bar per axis.
    void colourScale(QCPColorGradient gradient,  // color() is not const
                     const QCPRange& range, const QCPColorScale* scale) {
        colourScaleWritten_ = true;
        QStringList stops;
        for (int s = 0; s < kColormapStops; ++s) {
            const QColor c =
                QColor::fromRgb(gradient.color(s / double(kColormapStops - 1), QCPRange(0, 1)));
            stops << QStringLiteral("rgb255=(%1,%2,%3)").arg(c.red()).arg(c.green()).arg(c.blue());
        }
        axisOptions_
            << QStringLiteral("colormap={dimerecmap}{%1}").arg(stops.join(QLatin1Char(' ')))
            << QStringLiteral("point meta min=%1").arg(number(range.lower))
            << QStringLiteral("point meta max=%1").arg(number(range.upper));
        if (scale != nullptr && scale->visible()) {
            axisOptions_ << QStringLiteral("colorbar")
                         << QStringLiteral("colorbar style={ylabel={%1}, scaled ticks=false, %2}")
                                .arg(latex(scale->axis()->label()), kTickNumbers);
        }
    }

    void addText(QCPItemText* item) {
        if (!item->visible() || item->position->type() != QCPItemPosition::ptPlotCoords) return;
        const QPointF at = item->position->coords();
        QStringList o = {QStringLiteral("font=\\scriptsize"), QStringLiteral("align=center"),
                         QStringLiteral("anchor=") + anchorOf(item->positionAlignment()),
                         QStringLiteral("text=") + colour(item->color())};
        if (item->brush().style() != Qt::NoBrush) {  // a label's backing, e.g. over a line
            o << QStringLiteral("fill=") + colour(item->brush().color());
            if (item->brush().color().alpha() < 255)
                o << QStringLiteral("fill opacity=%1, text opacity=1")
                         .arg(opacity(item->brush().color()));
        }
        if (!qFuzzyIsNull(item->rotation()))
            o << QStringLiteral("rotate=%1").arg(number(-item->rotation()));
        plots_ << QStringLiteral("\\node[%1] at (axis cs:%2,%3) {%4};\n")
                      .arg(o.join(QStringLiteral(", ")), number(at.x()), number(at.y()),
                           latex(item->text()));
    }

    // A line between two points in plot coordinates (e.g. the axes of the parallel
    // coordinates).
    void addLine(QCPItemLine* item) {
        if (!item->visible() || item->start->type() != QCPItemPosition::ptPlotCoords ||
            item->end->type() != QCPItemPosition::ptPlotCoords) {
            return;
        }
        QStringList o;
        strokeAndFill(o, item->pen(), Qt::NoBrush);
        const QPointF from = item->start->coords();
        const QPointF to = item->end->coords();
        plots_ << QStringLiteral("\\draw[%1] (axis cs:%2,%3) -- (axis cs:%4,%5);\n")
                      .arg(o.join(QStringLiteral(", ")), number(from.x()), number(from.y()),
                           number(to.x()), number(to.y()));
    }

    void axisOptions(QCPAxis* axis, const QString& letter, QStringList& o) const {
        if (!axis->visible()) {
            o << QStringLiteral("hide %1 axis").arg(letter);
            return;
        }
        if (const QString title = axisTitle(*axis); !title.isEmpty())
            o << QStringLiteral("%1label={%2}").arg(letter, latex(title));
        o << QStringLiteral("%1min=%2").arg(letter, number(axis->range().lower))
          << QStringLiteral("%1max=%2").arg(letter, number(axis->range().upper));
        if (axis->scaleType() == QCPAxis::stLogarithmic)
            o << QStringLiteral("%1mode=log").arg(letter);
        if (axis->rangeReversed()) o << QStringLiteral("%1 dir=reverse").arg(letter);
        if (auto text = axis->ticker().dynamicCast<QCPAxisTickerText>()) {
            QStringList ticks;
            QStringList labels;
            for (auto it = text->ticks().cbegin(); it != text->ticks().cend(); ++it) {
                ticks << number(it.key());
                labels << QLatin1Char('{') + latex(it.value()) + QLatin1Char('}');
            }
            o << QStringLiteral("%1tick={%2}").arg(letter, ticks.join(QLatin1Char(',')))
              << QStringLiteral("%1ticklabels={%2}").arg(letter, labels.join(QLatin1Char(',')));
        }
        if (!axis->tickLabels()) o << QStringLiteral("%1ticklabels={}").arg(letter);
        if (!axis->ticks()) o << QStringLiteral("%1tick style={draw=none}").arg(letter);
        if (axis->basePen().style() == Qt::NoPen)
            o << QStringLiteral("%1 axis line style={draw=none}").arg(letter);
        o << QStringLiteral("%1majorgrids=%2")
                 .arg(letter,
                      axis->grid()->visible() ? QStringLiteral("true") : QStringLiteral("false"));
        // QCustomPlot turns labels clockwise, TikZ counter-clockwise; the turned text ends at
        // its tick.
        if (const double turn = axis->tickLabelRotation(); !qFuzzyIsNull(turn)) {
            o << QStringLiteral("%1 tick label style={rotate=%2, anchor=%3}")
                     .arg(letter, number(-turn),
                          turn < 0 ? QStringLiteral("north east") : QStringLiteral("north west"));
        }
    }

    QString tex() const {
        QStringList o = {
            QStringLiteral("width=") + points(toPoints(options_.width, options_.unit)),
            QStringLiteral("height=") + points(toPoints(options_.height, options_.unit)),
            QStringLiteral("scaled ticks=false"), kTickNumbers,
            QStringLiteral("grid style={gray!20}")};
        axisOptions(plot_.xAxis, QStringLiteral("x"), o);
        axisOptions(plot_.yAxis, QStringLiteral("y"), o);
        for (QCPLayoutElement* element : plot_.plotLayout()->elements(true)) {
            if (auto* title = qobject_cast<QCPTextElement*>(element);
                title != nullptr && !title->text().isEmpty()) {
                o << QStringLiteral("title={%1}").arg(latex(title->text()));
            }
        }
        // The legend above the axis, entries side by side: never over the data.
        const int entries = plot_.legend != nullptr ? plot_.legend->itemCount() : 0;
        o << QStringLiteral(
                 "legend style={at={(0.5,1.03)}, anchor=south, legend columns=%1, draw=none, "
                 "font=\\footnotesize}")
                 .arg(std::clamp(entries, 1, 3))
          << QStringLiteral("legend cell align=left");  // rows of columns read as a list
        o << axisOptions_ << plot_.property(kAxisOptionsProperty).toStringList();

        const QString base = QFileInfo(csvName_).completeBaseName();
        QString text;
        text += QStringLiteral(
                    "% %1.tex: a DimeRec Workbench figure as pgfplots; its data is in %2.\n"
                    "% Preamble: \\usepackage{pgfplots} \\pgfplotsset{compat=1.16}\n"
                    "% In the text: \\input{%1.tex} (in a figure). The table is read from "
                    "\\dimerecdatadir %2,\n"
                    "% so for files in figures/ write \\newcommand\\dimerecdatadir{figures/} "
                    "before \\input{figures/%1.tex}.\n"
                    "% Alone: \\documentclass{article} \\usepackage{pgfplots} "
                    "\\pgfplotsset{compat=1.16}\n"
                    "%   \\pagestyle{empty} \\begin{document} \\input{%1.tex} \\end{document}\n")
                    .arg(base, csvName_);
        text += QStringLiteral("\\providecommand\\dimerecdatadir{}\n");
        for (const QString& definition : definitions_) text += definition + QLatin1Char('\n');
        text += QStringLiteral("\\begin{tikzpicture}\n\\begin{axis}[\n  ") +
                o.join(QStringLiteral(",\n  ")) + QStringLiteral("]\n");
        for (const QString& plot : plots_) text += plot;
        text += QStringLiteral("\\end{axis}\n\\end{tikzpicture}\n");
        return text;
    }

    QString csv() const {
        QStringList header;
        qsizetype rows = 0;
        for (const Column& c : columns_) {
            header << c.name;
            rows = std::max(rows, c.values.size());
        }
        QString text = header.join(QLatin1Char(',')) + QLatin1Char('\n');
        for (qsizetype r = 0; r < rows; ++r) {
            QStringList cells;
            for (const Column& c : columns_)
                cells << (r < c.values.size() ? number(c.values[r]) : QStringLiteral("nan"));
            text += cells.join(QLatin1Char(',')) + QLatin1Char('\n');
        }
        return text;
    }

    struct Column {
        QString name;
        QVector<double> values;
    };

    QCustomPlot& plot_;
    QString csvName_;
    PlotExportOptions options_;
    QMap<QRgb, QString> colourNames_;
    QStringList definitions_;
    std::vector<Column> columns_;
    QStringList plots_;
    QStringList axisOptions_;
    bool colourScaleWritten_ = false;
};

}  // namespace

void setPgfplotsAxisOptions(QCustomPlot& plot, const QStringList& options) {
    plot.setProperty(kAxisOptionsProperty, options);
}

PgfplotsFigure plotPgfplots(QCustomPlot& plot, const QString& csvName,
                            const PlotExportOptions& options) {
    return Writer(plot, csvName, options).write();
}

}  // namespace dimerec

#include "PlotExport.h"

#include "PgfplotsExport.h"
#include "PlotExportDialog.h"
#include "QCustomPlotInclude.h"
#include "analysis/TableExport.h"

#include <QApplication>
#include <QBuffer>
#include <QClipboard>
#include <QFile>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QMenu>
#include <QMessageBox>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace dimerec {
namespace {

constexpr double kPointsPerInch = 72.0;
constexpr double kCmPerInch = 2.54;
constexpr double kTitleExtraPoints = 2.0;

[[noreturn]] void fail(const QString& path, const QString& why) {
    throw std::runtime_error(QStringLiteral("%1: %2").arg(path, why).toStdString());
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        fail(path, QStringLiteral("cannot write: %1").arg(file.errorString()));
    }
}

QString csvField(const QString& text) {
    return QString::fromStdString(dimerec::csvField(text.toStdString()));
}

QString number(double value) {
    return QString::number(value, 'g', 10);
}

// Sets every font of a plot (axes, colour scales, legends and their items, text elements, text
// items) to a size in canvas pixels for the duration of an export, and puts the old fonts back.
class FontOverride {
public:
    FontOverride(QCustomPlot& plot, int basePixels, int titlePixels) {
        for (QCPAxisRect* rect : plot.axisRects()) {
            for (QCPAxis* axis : rect->axes()) overrideAxis(axis, basePixels);
        }
        for (QCPLayoutElement* element : plot.plotLayout()->elements(true)) {
            if (auto* text = qobject_cast<QCPTextElement*>(element)) {
                const QFont old = text->font();
                text->setFont(sized(old, titlePixels));
                restore_.push_back([text, old] { text->setFont(old); });
            } else if (auto* legend = qobject_cast<QCPLegend*>(element)) {
                overrideLegend(legend, sized(legend->font(), basePixels));
            } else if (auto* scale = qobject_cast<QCPColorScale*>(element)) {
                overrideAxis(scale->axis(), basePixels);
            } else if (auto* rect = qobject_cast<QCPAxisRect*>(element)) {
                for (QCPLayoutElement* inset : rect->insetLayout()->elements(false)) {
                    if (auto* legend = qobject_cast<QCPLegend*>(inset)) {
                        overrideLegend(legend, sized(legend->font(), basePixels));
                    }
                }
            }
        }
        for (int i = 0; i < plot.itemCount(); ++i) {
            if (auto* text = qobject_cast<QCPItemText*>(plot.item(i))) {
                const QFont old = text->font();
                text->setFont(sized(old, basePixels));
                restore_.push_back([text, old] { text->setFont(old); });
            }
        }
    }
    ~FontOverride() {
        for (auto it = restore_.rbegin(); it != restore_.rend(); ++it) (*it)();
    }
    FontOverride(const FontOverride&) = delete;
    FontOverride& operator=(const FontOverride&) = delete;

private:
    static QFont sized(QFont font, int pixels) {
        font.setPixelSize(pixels);
        return font;
    }

    void overrideAxis(QCPAxis* axis, int pixels) {
        const QFont label = axis->labelFont();
        const QFont ticks = axis->tickLabelFont();
        axis->setLabelFont(sized(label, pixels));
        axis->setTickLabelFont(sized(ticks, pixels));
        restore_.push_back([axis, label, ticks] {
            axis->setLabelFont(label);
            axis->setTickLabelFont(ticks);
        });
    }

    void overrideLegend(QCPLegend* legend, const QFont& font) {
        const QFont old = legend->font();
        legend->setFont(font);
        restore_.push_back([legend, old] { legend->setFont(old); });
        for (int i = 0; i < legend->itemCount(); ++i) {
            QCPAbstractLegendItem* item = legend->item(i);
            // A cell left empty (an entry removed, as the error bars of sweep lines are, then
            // the entries re-wrapped) has no item.
            if (item == nullptr) continue;
            const QFont itemOld = item->font();
            item->setFont(font);
            restore_.push_back([item, itemOld] { item->setFont(itemOld); });
        }
    }

    std::vector<std::function<void()>> restore_;
};

// A plot's own CSV table (setPlotDataTable), kept as a child object of the plot.
class PlotDataTable : public QObject {
public:
    PlotDataTable(QObject* plot, std::function<QString()> table)
        : QObject(plot), table_(std::move(table)) {}
    QString operator()() const { return table_(); }

private:
    std::function<QString()> table_;
};

const PlotDataTable* dataTableOf(const QCustomPlot& plot) {
    for (const QObject* child : plot.children()) {
        if (const auto* table = dynamic_cast<const PlotDataTable*>(child)) return table;
    }
    return nullptr;
}

QString tickLabel(const QCPAxis* axis, double key) {
    auto text = axis->ticker().dynamicCast<QCPAxisTickerText>();
    if (!text) return QString();
    const auto it = text->ticks().constFind(key);
    return it == text->ticks().constEnd() ? QString() : it.value();
}

}  // namespace

double toPoints(double length, LengthUnit unit) {
    return unit == LengthUnit::Inches ? length * kPointsPerInch
                                      : length / kCmPerInch * kPointsPerInch;
}

void parseLength(const QString& text, double& value, LengthUnit& unit) {
    const QString trimmed = text.trimmed().toLower();
    struct Suffix {
        const char* text;
        LengthUnit unit;
        double factor;
    };
    static const Suffix suffixes[] = {{"cm", LengthUnit::Centimetres, 1.0},
                                      {"mm", LengthUnit::Centimetres, 0.1},
                                      {"in", LengthUnit::Inches, 1.0},
                                      {"pt", LengthUnit::Inches, 1.0 / kPointsPerInch}};
    for (const Suffix& suffix : suffixes) {
        const QLatin1String end(suffix.text);
        if (!trimmed.endsWith(end)) continue;
        bool ok = false;
        const double number = trimmed.chopped(end.size()).trimmed().toDouble(&ok);
        if (ok && number > 0.0 && std::isfinite(number)) {
            value = number * suffix.factor;
            unit = suffix.unit;
            return;
        }
    }
    throw std::invalid_argument(
        QStringLiteral("length '%1': give a positive number with cm, mm, in or pt, e.g. 8.5cm")
            .arg(text)
            .toStdString());
}

PlotFormat plotFormatForPath(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("pdf")) return PlotFormat::Pdf;
    if (suffix == QLatin1String("svg")) return PlotFormat::Svg;
    if (suffix == QLatin1String("png")) return PlotFormat::Png;
    if (suffix == QLatin1String("csv")) return PlotFormat::Csv;
    if (suffix == QLatin1String("tex")) return PlotFormat::Pgfplots;
    throw std::invalid_argument(
        QStringLiteral("%1: the file name must end in .pdf, .svg, .png, .csv or .tex")
            .arg(path)
            .toStdString());
}

QString formatName(PlotFormat format) {
    switch (format) {
        case PlotFormat::Pdf:
            return QStringLiteral("PDF");
        case PlotFormat::Svg:
            return QStringLiteral("SVG");
        case PlotFormat::Png:
            return QStringLiteral("PNG");
        case PlotFormat::Csv:
            return QStringLiteral("CSV");
        case PlotFormat::Pgfplots:
            return QStringLiteral("pgfplots");
    }
    return QString();
}

void exportFigure(const FigurePainter& paint, const QString& path, PlotFormat format,
                  const PlotExportOptions& options) {
    if (options.width <= 0.0 || options.height <= 0.0 || options.dpi <= 0 ||
        options.fontSize <= 0.0) {
        fail(path, QStringLiteral("width, height, DPI and font size must be positive"));
    }
    const double widthPt = toPoints(options.width, options.unit);
    const double heightPt = toPoints(options.height, options.unit);
    const QSize canvas(qRound(widthPt * kExportUnitsPerPoint),
                       qRound(heightPt * kExportUnitsPerPoint));
    const int fontPixels = std::max(1, qRound(options.fontSize * kExportUnitsPerPoint));
    const int canvasDpi = qRound(kPointsPerInch * kExportUnitsPerPoint);
    // PDF and SVG: the figure as vector strokes and text, without QCustomPlot's pixmap cache.
    const auto paintVector = [&](QPaintDevice& device, const QString& what) {
        QCPPainter painter;
        if (!painter.begin(&device)) fail(path, QStringLiteral("cannot start %1").arg(what));
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        paint(painter, canvas, fontPixels);
        painter.end();
    };

    switch (format) {
        case PlotFormat::Pdf: {
            QBuffer buffer;
            buffer.open(QIODevice::WriteOnly);
            {
                QPdfWriter writer(&buffer);
                writer.setCreator(QStringLiteral("DimeRec Workbench"));
                writer.setTitle(QFileInfo(path).completeBaseName());
                writer.setPageLayout(
                    QPageLayout(QPageSize(QSizeF(widthPt, heightPt), QPageSize::Point, QString(),
                                          QPageSize::ExactMatch),
                                QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
                writer.setResolution(canvasDpi);
                paintVector(writer, QStringLiteral("a PDF"));
            }
            writeFile(path, buffer.data());
            return;
        }
        case PlotFormat::Svg: {
            QBuffer buffer;
            buffer.open(QIODevice::WriteOnly);
            QSvgGenerator svg;
            svg.setOutputDevice(&buffer);
            svg.setSize(canvas);
            svg.setViewBox(QRect(QPoint(0, 0), canvas));
            svg.setResolution(canvasDpi);
            svg.setTitle(QFileInfo(path).completeBaseName());
            svg.setDescription(QStringLiteral("DimeRec Workbench figure"));
            paintVector(svg, QStringLiteral("an SVG"));
            writeFile(path, buffer.data());
            return;
        }
        case PlotFormat::Png: {
            const QSize pixels(qRound(widthPt / kPointsPerInch * options.dpi),
                               qRound(heightPt / kPointsPerInch * options.dpi));
            QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
            if (image.isNull()) fail(path, QStringLiteral("image too large"));
            image.fill(Qt::white);
            {
                QCPPainter painter(&image);
                painter.setRenderHint(QPainter::Antialiasing);
                painter.setRenderHint(QPainter::TextAntialiasing);
                painter.scale(pixels.width() / static_cast<double>(canvas.width()),
                              pixels.height() / static_cast<double>(canvas.height()));
                paint(painter, canvas, fontPixels);
            }
            const int dotsPerMeter = qRound(options.dpi / 0.0254);
            image.setDotsPerMeterX(dotsPerMeter);
            image.setDotsPerMeterY(dotsPerMeter);
            QImageWriter writer(path, "png");
            if (!writer.write(image))
                fail(path, QStringLiteral("cannot write: %1").arg(writer.errorString()));
            return;
        }
        case PlotFormat::Csv:
        case PlotFormat::Pgfplots:
            fail(path,
                 QStringLiteral("a painted figure has no data for %1").arg(formatName(format)));
    }
}

void exportPlot(QCustomPlot& plot, const QString& path, const PlotExportOptions& options) {
    const PlotFormat format = plotFormatForPath(path);
    if (format == PlotFormat::Csv) {
        writeFile(path, plotDataCsv(plot).toUtf8());
        return;
    }
    if (format == PlotFormat::Pgfplots) {
        const QFileInfo tex(path);
        const QString csvName = tex.completeBaseName() + QStringLiteral(".csv");
        const PgfplotsFigure figure = plotPgfplots(plot, csvName, options);
        writeFile(path, figure.tex.toUtf8());
        writeFile(tex.dir().filePath(csvName), figure.csv.toUtf8());
        return;
    }
    exportFigure(
        [&plot, &options](QCPPainter& painter, const QSize& size, int fontPixels) {
            const int titlePixels =
                qRound((options.fontSize + kTitleExtraPoints) * kExportUnitsPerPoint);
            FontOverride fonts(plot, fontPixels, titlePixels);
            plot.toPainter(&painter, size.width(), size.height());
        },
        path, format, options);
    plot.replot();
}

void setPlotDataTable(QCustomPlot& plot, std::function<QString()> table) {
    delete dataTableOf(plot);
    if (table) new PlotDataTable(&plot, std::move(table));
}

QString plotDataCsv(QCustomPlot& plot) {
    if (const PlotDataTable* table = dataTableOf(plot)) return (*table)();
    QString csv = QStringLiteral("series,x,x_label,y\n");
    for (int i = 0; i < plot.plottableCount(); ++i) {
        QCPAbstractPlottable* plottable = plot.plottable(i);
        const QString name = plottable->name().isEmpty() ? QStringLiteral("series %1").arg(i + 1)
                                                         : plottable->name();
        const QCPAxis* keyAxis = plottable->keyAxis();
        const auto row = [&](double key, double value) {
            csv += csvField(name) + QLatin1Char(',') + number(key) + QLatin1Char(',') +
                   csvField(tickLabel(keyAxis, key)) + QLatin1Char(',') + number(value) +
                   QLatin1Char('\n');
        };
        if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
            for (const QCPGraphData& point : *graph->data()) row(point.key, point.value);
        } else if (auto* bars = qobject_cast<QCPBars*>(plottable)) {
            for (const QCPBarsData& point : *bars->data()) row(point.key, point.value);
        } else if (auto* curve = qobject_cast<QCPCurve*>(plottable)) {
            for (const QCPCurveData& point : *curve->data()) row(point.key, point.value);
        }
    }
    return csv;
}

void enablePlotExport(QCustomPlot* plot) {
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(plot, &QWidget::customContextMenuRequested, plot, [plot](const QPoint& at) {
        QMenu menu(plot);
        menu.addAction(QObject::tr("Export figure…"), plot, [plot] {
            PlotExportDialog dialog(plot->window(), QStringLiteral("figure"));
            if (dialog.exec() != QDialog::Accepted) return;
            try {
                exportPlot(*plot, dialog.path(), dialog.options());
            } catch (const std::exception& error) {
                QMessageBox::warning(plot->window(), QObject::tr("Export figure"),
                                     QString::fromUtf8(error.what()));
            }
        });
        menu.addAction(QObject::tr("Copy data as CSV"), plot,
                       [plot] { QApplication::clipboard()->setText(plotDataCsv(*plot)); });
        menu.exec(plot->mapToGlobal(at));
    });
}

}  // namespace dimerec

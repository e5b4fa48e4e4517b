#include "DatasetStatsView.h"
#include "LossCurvePlot.h"
#include "MetricCharts.h"
#include "ParallelCoordinates.h"
#include "PlotExport.h"
#include "PlotExportDialog.h"
#include "PlotStyle.h"
#include "QtTestApp.h"
#include "SphereView.h"
#include "StudyHeatMap.h"
#include "analysis/Aggregate.h"
#include "analysis/StudyGrid.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QMenu>
#include <QMouseEvent>
#include <QTest>
#include <QTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "QCustomPlotInclude.h"

#include <stdexcept>

namespace dimerec {
namespace {

// A small loss plot with a title, axis labels and a legend.
class PlotExportTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        plot_.resize(600, 400);
        QCPGraph* graph = plot_.addGraph();
        graph->setName(QStringLiteral("total"));
        graph->setData({1.0, 2.0}, {0.5, 0.25});
        plot_.xAxis->setLabel(QStringLiteral("training step"));
        plot_.yAxis->setLabel(QStringLiteral("loss value"));
        plot_.legend->setVisible(true);
        plot_.rescaleAxes();
        plot_.replot();
    }

    QString path(const QString& name) const { return dir_.filePath(name); }

    // The application must exist before the plot widget (members are built in this order).
    QApplication& app_ = qtTestApp();
    QTemporaryDir dir_;
    QCustomPlot plot_;
};

QByteArray readAll(const QString& path) {
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << path.toStdString();
    return file.readAll();
}

TEST(PlotExportUnits, ConvertsLengthsToPoints) {
    // 1 in = 72 pt = 2.54 cm.
    EXPECT_DOUBLE_EQ(toPoints(1.0, LengthUnit::Inches), 72.0);
    EXPECT_DOUBLE_EQ(toPoints(2.54, LengthUnit::Centimetres), 72.0);
    double value = 0.0;
    LengthUnit unit = LengthUnit::Inches;
    parseLength(QStringLiteral("85mm"), value, unit);
    EXPECT_DOUBLE_EQ(value, 8.5);
    EXPECT_EQ(unit, LengthUnit::Centimetres);
    parseLength(QStringLiteral(" 3.5 in"), value, unit);
    EXPECT_DOUBLE_EQ(value, 3.5);
    EXPECT_EQ(unit, LengthUnit::Inches);
    parseLength(QStringLiteral("144pt"), value, unit);
    EXPECT_DOUBLE_EQ(value, 2.0);
    EXPECT_THROW(parseLength(QStringLiteral("8.5"), value, unit), std::invalid_argument);
    EXPECT_THROW(parseLength(QStringLiteral("-1cm"), value, unit), std::invalid_argument);
    EXPECT_THROW(plotFormatForPath(QStringLiteral("figure.jpeg")), std::invalid_argument);
    EXPECT_EQ(plotFormatForPath(QStringLiteral("a/b.SVG")), PlotFormat::Svg);
}

TEST_F(PlotExportTest, PdfPageHasTheRequestedSizeInPoints) {
    PlotExportOptions options;  // 8.5 cm × 6 cm
    exportPlot(plot_, path(QStringLiteral("fig.pdf")), options);
    const QByteArray pdf = readAll(path(QStringLiteral("fig.pdf")));
    ASSERT_TRUE(pdf.startsWith("%PDF-"));
    const QRegularExpression box(QStringLiteral(R"(/MediaBox \[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\])"));
    const QRegularExpressionMatch match = box.match(QString::fromLatin1(pdf));
    ASSERT_TRUE(match.hasMatch());
    // 8.5 cm / 2.54 × 72 = 240.94 pt; 6 cm → 170.08 pt.
    EXPECT_NEAR(match.captured(1).toDouble(), 240.94, 0.5);
    EXPECT_NEAR(match.captured(2).toDouble(), 170.08, 0.5);
    // Fonts are embedded (a FontFile stream), not referenced.
    EXPECT_TRUE(pdf.contains("/FontFile"));
}

TEST_F(PlotExportTest, SvgHasTheSizeAndTheAxisLabelsAsText) {
    PlotExportOptions options;
    options.width = 4.0;
    options.height = 3.0;
    options.unit = LengthUnit::Inches;
    exportPlot(plot_, path(QStringLiteral("fig.svg")), options);
    QXmlStreamReader xml(readAll(path(QStringLiteral("fig.svg"))));
    QString width;
    QStringList texts;
    bool inText = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("svg")) {
            width = xml.attributes().value(QStringLiteral("width")).toString();
        }
        if (xml.isStartElement() && xml.name() == QLatin1String("text")) inText = true;
        if (xml.isEndElement() && xml.name() == QLatin1String("text")) inText = false;
        if (inText && xml.isCharacters()) texts << xml.text().toString().trimmed();
    }
    ASSERT_FALSE(xml.hasError()) << xml.errorString().toStdString();
    // QSvgGenerator writes the physical width in mm: 4 in = 101.6 mm.
    ASSERT_TRUE(width.endsWith(QLatin1String("mm"))) << width.toStdString();
    EXPECT_NEAR(width.chopped(2).toDouble(), 101.6, 0.5);
    EXPECT_TRUE(texts.contains(QStringLiteral("training step")));
    EXPECT_TRUE(texts.contains(QStringLiteral("loss value")));
    EXPECT_TRUE(texts.contains(QStringLiteral("total")));  // the legend
}

TEST_F(PlotExportTest, PngHasThePixelsAndDpiRequested) {
    PlotExportOptions options;  // 8.5 cm × 6 cm
    options.dpi = 300;
    exportPlot(plot_, path(QStringLiteral("fig.png")), options);
    const QImage image(path(QStringLiteral("fig.png")));
    ASSERT_FALSE(image.isNull());
    // 8.5 / 2.54 × 300 = 1003.9 → 1004 px; 6 / 2.54 × 300 = 708.7 → 709 px.
    EXPECT_EQ(image.width(), 1004);
    EXPECT_EQ(image.height(), 709);
    // 300 dpi = 300 / 0.0254 = 11811 dots per metre.
    EXPECT_EQ(image.dotsPerMeterX(), 11811);
    EXPECT_EQ(image.dotsPerMeterY(), 11811);
    // Not blank: the curve and text draw dark pixels on the white background.
    int dark = 0;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3) dark += qGray(image.pixel(x, y)) < 100;
    }
    EXPECT_GT(dark, 100);
}

TEST_F(PlotExportTest, CsvListsEveryPoint) {
    exportPlot(plot_, path(QStringLiteral("fig.csv")), PlotExportOptions{});
    EXPECT_EQ(QString::fromUtf8(readAll(path(QStringLiteral("fig.csv")))),
              QStringLiteral("series,x,x_label,y\ntotal,1,,0.5\ntotal,2,,0.25\n"));
}

TEST_F(PlotExportTest, CsvNamesTheBarsCategories) {
    QCustomPlot bars;
    auto* series = new QCPBars(bars.xAxis, bars.yAxis);
    series->setName(QStringLiteral("share, histories"));
    series->addData(1, 0.75);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTick(1, QStringLiteral("Drama"));
    bars.xAxis->setTicker(ticker);
    EXPECT_EQ(plotDataCsv(bars),
              QStringLiteral("series,x,x_label,y\n\"share, histories\",1,Drama,0.75\n"));
}

TEST_F(PlotExportTest, RestoresTheFontsAfterExport) {
    const QFont before = plot_.xAxis->labelFont();
    PlotExportOptions options;
    options.fontSize = 20;
    exportPlot(plot_, path(QStringLiteral("big.pdf")), options);
    EXPECT_EQ(plot_.xAxis->labelFont(), before);
}

TEST_F(PlotExportTest, UnwritablePathThrowsNamingIt) {
    const QString bad = path(QStringLiteral("missing-dir/fig.pdf"));
    try {
        exportPlot(plot_, bad, PlotExportOptions{});
        FAIL() << "expected an error";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("missing-dir/fig.pdf"), std::string::npos);
    }
}

// Compiles `name`.tex (its .csv beside it in `dir`) with pdflatex, \input into the minimal
// document its first lines describe. Skips without pdflatex, except under CI=true.
void compileWithPdflatex(const QTemporaryDir& dir, const QString& name) {
    const QString pdflatex = QStandardPaths::findExecutable(QStringLiteral("pdflatex"));
    if (pdflatex.isEmpty()) {
        if (qgetenv("CI") == "true") FAIL() << "pdflatex not found under CI=true";
        GTEST_SKIP() << "pdflatex not found (scripts/install-deps.sh installs it)";
    }
    QFile main(dir.filePath(QStringLiteral("main.tex")));
    ASSERT_TRUE(main.open(QIODevice::WriteOnly));
    main.write(QStringLiteral("\\documentclass{article}\n\\usepackage{pgfplots}\n"
                              "\\pgfplotsset{compat=1.16}\n\\pagestyle{empty}\n"
                              "\\begin{document}\n\\input{%1.tex}\n\\end{document}\n")
                   .arg(name)
                   .toUtf8());
    main.close();
    QProcess latex;
    latex.setWorkingDirectory(dir.path());
    latex.setProcessChannelMode(QProcess::MergedChannels);
    latex.start(pdflatex, {QStringLiteral("-interaction=nonstopmode"),
                           QStringLiteral("-halt-on-error"), QStringLiteral("main.tex")});
    ASSERT_TRUE(latex.waitForFinished(300'000));
    EXPECT_EQ(latex.exitCode(), 0) << latex.readAll().right(3000).toStdString();
    EXPECT_TRUE(QFile::exists(dir.filePath(QStringLiteral("main.pdf"))));
}

// The xcolor definition of a colour, as the .tex writes it.
QString rgb(const QColor& colour) {
    return QStringLiteral("{RGB}{%1,%2,%3}")
        .arg(colour.red())
        .arg(colour.green())
        .arg(colour.blue());
}

// Runs shown together keep their own colours (Tableau 10 by id) unless an earlier one took it:
// runs 4, 14 and 24 all map to red (index 3); 14 then takes the first free colour, blue (0),
// 24 orange (1), and run 1, whose own blue is taken, green (2). Run 5 keeps its purple (4).
TEST(RunColours, RunsShownTogetherGetDistinctColours) {
    EXPECT_EQ(runColours({4, 14, 24, 1, 5}),
              (QVector<QColor>{paletteColour(3), paletteColour(0), paletteColour(1),
                               paletteColour(2), paletteColour(4)}));
    EXPECT_EQ(runColours({3, 7}), (QVector<QColor>{runColour(3), runColour(7)}));
    // A run shown again (its readouts as entries of their own) keeps its colour and takes no
    // other run's: 14 still gets its own red.
    EXPECT_EQ(runColours({10, 10, 10, 14}),
              (QVector<QColor>{runColour(10), runColour(10), runColour(10), runColour(14)}));
    // Eleven runs: the eleventh finds no free colour and keeps its own.
    QVector<qint64> eleven;
    for (qint64 id = 1; id <= 11; ++id) eleven.push_back(id);
    EXPECT_EQ(runColours(eleven).back(), runColour(11));
}

// Curves of two runs, as the workbench and `export plot --kind loss` draw them: in the runs'
// colours, with the axis labels and legend entries of the app, the points in the .csv.
TEST_F(PlotExportTest, PgfplotsKeepsLabelsColoursAndData) {
    QCustomPlot plot;
    plot.resize(600, 400);
    Curve first;
    first.name = QStringLiteral("run_3 λ=1");
    first.runId = 3;
    first.x = {0, 10, 20};
    first.y = {2.0, 1.5, 1.25};
    Curve second = first;
    second.name = QStringLiteral("run 7");
    second.runId = 7;
    second.y = {2.5, 1.0, 0.75};
    drawCurves(plot, {first, second}, QStringLiteral("training step"),
               QStringLiteral("loss (total)"));
    exportPlot(plot, path(QStringLiteral("loss.tex")), PlotExportOptions{});

    const QString tex = QString::fromUtf8(readAll(path(QStringLiteral("loss.tex"))));
    EXPECT_TRUE(tex.contains(QStringLiteral("xlabel={training step}"))) << tex.toStdString();
    EXPECT_TRUE(tex.contains(QStringLiteral("ylabel={loss (total)}")));
    EXPECT_TRUE(tex.contains(rgb(runColour(3))));
    EXPECT_TRUE(tex.contains(rgb(runColour(7))));
    // LaTeX's special characters escaped, λ as math.
    EXPECT_TRUE(tex.contains(QStringLiteral("\\addlegendentry{run\\_3 $\\lambda$=1}")));
    EXPECT_TRUE(tex.contains(QStringLiteral("{\\dimerecdatadir loss.csv}")));
    // 8.5 cm × 6 cm = 240.94 pt × 170.08 pt (8.5 / 2.54 × 72).
    EXPECT_TRUE(tex.contains(QStringLiteral("width=240.94pt")));
    EXPECT_TRUE(tex.contains(QStringLiteral("height=170.08pt")));
    EXPECT_EQ(QString::fromUtf8(readAll(path(QStringLiteral("loss.csv")))),
              QStringLiteral("s1_x,s1_y,s2_x,s2_y\n0,2,0,2.5\n10,1.5,10,1\n20,1.25,20,0.75\n"));
    compileWithPdflatex(dir_, QStringLiteral("loss"));
}

// Bars grouped per cut-off stand side by side: each run's bar 0.8 / 2 = 0.4 wide, centred
// 0.2 left and right of the cut-off's tick, which keeps its label.
TEST_F(PlotExportTest, PgfplotsPlacesGroupedBarsSideBySide) {
    QCustomPlot plot;
    plot.resize(600, 400);
    RunMetrics a;
    a.id = 1;
    a.name = QStringLiteral("DimeRec");
    a.metrics = {{"hr@10", 0.5}, {"hr@20", 0.6}};
    RunMetrics b = a;
    b.id = 2;
    b.name = QStringLiteral("SASRec");
    b.metrics = {{"hr@10", 0.4}, {"hr@20", 0.55}};
    ASSERT_EQ(drawMetricBars(plot, {a, b}, "hr"), 4);
    exportPlot(plot, path(QStringLiteral("bars.tex")), PlotExportOptions{});
    const QString tex = QString::fromUtf8(readAll(path(QStringLiteral("bars.tex"))));
    EXPECT_TRUE(tex.contains(QStringLiteral("xticklabels={{@10},{@20}}"))) << tex.toStdString();
    EXPECT_TRUE(tex.contains(QStringLiteral("bar width=0.4")));
    EXPECT_EQ(QString::fromUtf8(readAll(path(QStringLiteral("bars.csv")))),
              QStringLiteral("s1_x,s1_y,s2_x,s2_y\n0.8,0.5,1.2,0.4\n1.8,0.6,2.2,0.55\n"));
    compileWithPdflatex(dir_, QStringLiteral("bars"));
}

// Thirteen runs with long names, as a converged comparison has: every name is drawn (the SVG
// keeps tick labels as text). Slanted at −30° the first one ran past the left edge and
// QCustomPlot dropped it, so the figure read as if its labels were shifted by one bar.
// Sweep lines take their error bars out of the legend; with three lines the legend re-wraps
// around the emptied cells, and the export's font override met an empty cell and crashed
// (export plot --kind by-history-length of three seed groups). Every line's name is kept, as
// it is: a seed group's legend entry is its name.
TEST_F(PlotExportTest, SweepLinesWithEmptiedLegendCellsExport) {
    for (int lines = 1; lines <= 7; ++lines) {
        MetricGrid grid;
        grid.x.field = "items before the test target";
        grid.x.values = {FieldValue::category("1-4"), FieldValue::category("5-9")};
        grid.y.field = "run";
        for (int y = 0; y < lines; ++y) {
            grid.y.values.push_back(FieldValue::category("line " + std::to_string(y)));
            for (int x = 0; x < 2; ++x)
                grid.cells.push_back(aggregate({0.1 * (y + 1), 0.12 * (y + 1)}));
        }
        QCustomPlot plot;
        plot.resize(800, 600);
        drawSweepLines(plot, grid, QStringLiteral("NDCG@10"));
        exportPlot(plot, path(QStringLiteral("lines.svg")), PlotExportOptions{});
        const QByteArray svg = readAll(path(QStringLiteral("lines.svg")));
        for (int y = 0; y < lines; ++y)
            EXPECT_TRUE(svg.contains(QStringLiteral("line %1").arg(y).toUtf8()))
                << lines << " lines";
        // The lines are seed groups, named by themselves: not "run = line 0".
        EXPECT_FALSE(svg.contains("run = ")) << lines << " lines";
    }
}

// Ten lines (a comparison with its readouts): the palette has eight colours, so lines 9 and 10
// repeat the first two dashed, with square markers, and no two lines look alike.
TEST_F(PlotExportTest, SweepLinesPastThePaletteAreDashed) {
    MetricGrid grid;
    grid.x.field = "items before the test target";
    grid.x.values = {FieldValue::category("1-4")};
    grid.y.field = "run";
    for (int y = 0; y < 10; ++y) {
        grid.y.values.push_back(FieldValue::category("line " + std::to_string(y)));
        grid.cells.push_back(aggregate({0.1 * (y + 1)}));
    }
    QCustomPlot plot;
    drawSweepLines(plot, grid, QStringLiteral("NDCG@10"));
    ASSERT_EQ(plot.graphCount(), 10);
    std::set<std::tuple<QRgb, int, int>> looks;
    for (int y = 0; y < 10; ++y) {
        const QCPGraph* graph = plot.graph(y);
        EXPECT_EQ(graph->pen().style(), y < 8 ? Qt::SolidLine : Qt::DashLine) << y;
        looks.insert({graph->pen().color().rgb(), static_cast<int>(graph->pen().style()),
                      static_cast<int>(graph->scatterStyle().shape())});
    }
    EXPECT_EQ(plot.graph(8)->pen().color(), plot.graph(0)->pen().color());
    EXPECT_EQ(looks.size(), 10u);
}

TEST_F(PlotExportTest, ManyBarsKeepEveryRunsLabel) {
    QCustomPlot plot;
    plot.resize(600, 400);
    QVector<RunMetrics> runs;
    for (int i = 1; i <= 13; ++i) {
        RunMetrics run;
        run.id = i;
        run.name = QStringLiteral("DimeRec (recommended) seed %1").arg(i);
        run.metrics = {{"ndcg@10", 0.01 * i}};
        runs.push_back(run);
    }
    ASSERT_EQ(drawMetricBars(plot, runs, "ndcg@10"), 13);
    PlotExportOptions options;
    options.width = 17.0;  // centimetres, the report's figure size
    options.height = 10.0;
    exportPlot(plot, path(QStringLiteral("bars.svg")), options);
    const QString svg = QString::fromUtf8(readAll(path(QStringLiteral("bars.svg"))));
    for (const RunMetrics& run : runs)
        EXPECT_TRUE(svg.contains(run.name)) << run.name.toStdString();
}

// The export dialog offers every format (each figure, the painted globe too, has its data); a
// .tex path picks pgfplots, and the font size gives way to the paper's.
TEST_F(PlotExportTest, DialogOffersPgfplotsForPlots) {
    PlotExportDialog dialog(nullptr, QStringLiteral("figure"));
    dialog.setPath(path(QStringLiteral("fig.tex")));
    const auto* format = dialog.findChild<QComboBox*>();
    ASSERT_NE(format, nullptr);
    EXPECT_TRUE(format->currentText().startsWith(QStringLiteral("pgfplots")));
    EXPECT_EQ(dialog.path(), path(QStringLiteral("fig.tex")));
    bool fontSizeOff = false;
    for (const QDoubleSpinBox* box : dialog.findChildren<QDoubleSpinBox*>())
        fontSizeOff = fontSizeOff || (box->suffix() == QStringLiteral(" pt") && !box->isEnabled());
    EXPECT_TRUE(fontSizeOff);
    EXPECT_EQ(format->count(), 5);  // PDF, SVG, PNG, CSV, pgfplots
}

// The actions of a plot's context menu, as a right click opens it (the menu is closed again).
QStringList contextMenuActions(QWidget* plot) {
    QStringList actions;
    QTimer::singleShot(0, [&actions] {
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        if (menu == nullptr) return;
        for (const QAction* action : menu->actions()) actions << action->text();
        menu->close();
    });
    Q_EMIT plot->customContextMenuRequested(QPoint(10, 10));
    return actions;
}

const QStringList kExportActions = {QStringLiteral("Export figure…"),
                                    QStringLiteral("Copy data as CSV")};

// The Datasets panel's histograms: categories as labelled bars, popularity on a log axis.
TEST_F(PlotExportTest, DatasetHistogramsExportAsPgfplots) {
    DatasetStatsView view;
    view.resize(400, 500);
    HistogramBars categories;
    categories.positions = {1, 2, 3};
    categories.counts = {40, 25, 5};
    categories.labels = {QStringLiteral("Drama"), QStringLiteral("Comedy"),
                         QStringLiteral("Film-Noir")};
    categories.width = 0.8;
    view.setCategories(categories);
    HistogramBars popularity;
    popularity.positions = {1, 2.5, 5.5};  // bins 1, 2–3, 4–7
    popularity.counts = {10, 20, 5};
    view.setPopularity(popularity);
    EXPECT_EQ(contextMenuActions(view.categoryPlot()), kExportActions);
    EXPECT_EQ(contextMenuActions(view.popularityPlot()), kExportActions);

    exportPlot(*view.categoryPlot(), path(QStringLiteral("categories.tex")), PlotExportOptions{});
    const QString tex = QString::fromUtf8(readAll(path(QStringLiteral("categories.tex"))));
    EXPECT_TRUE(tex.contains(QStringLiteral("xticklabels={{Drama},{Comedy},{Film-Noir}}")))
        << tex.toStdString();
    EXPECT_TRUE(tex.contains(QStringLiteral("ylabel={items}")));
    EXPECT_TRUE(tex.contains(QStringLiteral("ybar, bar shift=0pt, bar width=0.8")));
    EXPECT_EQ(QString::fromUtf8(readAll(path(QStringLiteral("categories.csv")))),
              QStringLiteral("s1_x,s1_y\n1,40\n2,25\n3,5\n"));
    compileWithPdflatex(dir_, QStringLiteral("categories"));

    exportPlot(*view.popularityPlot(), path(QStringLiteral("popularity.tex")), PlotExportOptions{});
    const QString logTex = QString::fromUtf8(readAll(path(QStringLiteral("popularity.tex"))));
    EXPECT_TRUE(logTex.contains(QStringLiteral("xmode=log"))) << logTex.toStdString();
    EXPECT_TRUE(logTex.contains(QStringLiteral("xlabel={interactions per item}")));
    EXPECT_EQ(QString::fromUtf8(readAll(path(QStringLiteral("popularity.csv")))),
              QStringLiteral("s1_x,s1_y\n1,10\n2.5,20\n5.5,5\n"));
    compileWithPdflatex(dir_, QStringLiteral("popularity"));

    // The CSV of the bars names the series (the y axis) and each bar's category.
    exportPlot(*view.categoryPlot(), path(QStringLiteral("categories-data.csv")),
               PlotExportOptions{});
    EXPECT_EQ(QString::fromUtf8(readAll(path(QStringLiteral("categories-data.csv")))),
              QStringLiteral("series,x,x_label,y\nitems,1,Drama,40\nitems,2,Comedy,25\n"
                             "items,3,Film-Noir,5\n"));
}

// The live training curves: the smoothed curve in the legend over the faint raw one; the .csv
// holds the points as drawn, the CSV export every stored point with its smoothed value.
TEST_F(PlotExportTest, LiveLossPlotExportsAsPgfplots) {
    LossCurvePlot live;
    live.resize(600, 400);
    live.setAxisLabels(QStringLiteral("step"), QStringLiteral("loss"));
    live.setDisplayBuckets(1000);  // more buckets than points: drawn as they are
    live.setSmoothing(0.5);
    live.addPoints(QStringLiteral("total"), {1, 2, 3}, {1.0, 2.0, 3.0});
    QTest::qWait(80);  // the coalesced redraw (30 ms timer)
    // Hovering shows the read-out; the right click that opens the menu hides it, so that the
    // exported figure does not show it.
    const auto readoutShown = [&live] {
        for (int i = 0; i < live.plot()->itemCount(); ++i) {
            if (qobject_cast<QCPItemText*>(live.plot()->item(i)) != nullptr)
                return live.plot()->item(i)->visible();
        }
        return false;
    };
    const QPointF over(live.plot()->xAxis->coordToPixel(2.0), live.plot()->height() / 2.0);
    QMouseEvent move(QEvent::MouseMove, over, live.plot()->mapToGlobal(over), Qt::NoButton,
                     Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(live.plot(), &move);
    EXPECT_TRUE(readoutShown());
    EXPECT_EQ(contextMenuActions(live.plot()), kExportActions);
    EXPECT_FALSE(readoutShown());

    exportPlot(*live.plot(), path(QStringLiteral("live.tex")), PlotExportOptions{});
    const QString tex = QString::fromUtf8(readAll(path(QStringLiteral("live.tex"))));
    EXPECT_TRUE(tex.contains(QStringLiteral("xlabel={step}"))) << tex.toStdString();
    EXPECT_TRUE(tex.contains(QStringLiteral("ylabel={loss}")));
    EXPECT_TRUE(tex.contains(QStringLiteral("\\addlegendentry{total}")));
    // The raw curve: faint (alpha 60 of 255), out of the legend; the smoothed one in full colour.
    EXPECT_TRUE(tex.contains(QStringLiteral("draw opacity=0.235")));
    EXPECT_TRUE(tex.contains(QStringLiteral("\\addplot[forget plot, color=")));
    // Smoothed with weight 0.5 (hand computation in CurveMathTest): 1, 5/3, 17/7.
    EXPECT_EQ(QString::fromUtf8(readAll(path(QStringLiteral("live.csv")))),
              QStringLiteral("s1_x,s1_y,s2_x,s2_y\n1,1,1,1\n2,2,2,1.666666667\n"
                             "3,3,3,2.428571429\n"));
    compileWithPdflatex(dir_, QStringLiteral("live"));
    EXPECT_EQ(plotDataCsv(*live.plot()),
              QStringLiteral("series,step,value,smoothed\ntotal,1,1,1\ntotal,2,2,1.666666667\n"
                             "total,3,3,2.428571429\n"));
}

// Parallel coordinates keep their colour scale: the study views' gradient as the colour map
// over the metric's range, with its bar; the axes as lines, their end values as nodes.
TEST_F(PlotExportTest, ParallelCoordinatesKeepTheirColourScale) {
    ParallelCoordinates view;
    view.resize(600, 400);
    view.setData(
        {{QStringLiteral("λ (model.lambda)"), {}},
         {QStringLiteral("schedule"), {QStringLiteral("linear"), QStringLiteral("cosine")}},
         {QStringLiteral("NDCG@10"), {}}},
        {{0.5, 0, 0.2}, {1.0, 1, 0.3}}, {0.2, 0.3}, QStringLiteral("NDCG@10"));
    exportPlot(*view.plot(), path(QStringLiteral("parallel.tex")), PlotExportOptions{});
    const QString tex = QString::fromUtf8(readAll(path(QStringLiteral("parallel.tex"))));
    EXPECT_TRUE(tex.contains(QStringLiteral("point meta min=0.2"))) << tex.toStdString();
    EXPECT_TRUE(tex.contains(QStringLiteral("point meta max=0.3")));
    EXPECT_TRUE(tex.contains(QStringLiteral("colorbar style={ylabel={NDCG@10}")));
    // The colour map runs from the gradient's low end to its high end, the colours of the
    // worse and the better run's lines.
    QCPColorGradient gradient = StudyHeatMap::metricGradient();
    const QColor low = QColor::fromRgb(gradient.color(0.0, QCPRange(0, 1)));
    const QColor high = QColor::fromRgb(gradient.color(1.0, QCPRange(0, 1)));
    const auto stop = [](const QColor& c) {
        return QStringLiteral("rgb255=(%1,%2,%3)").arg(c.red()).arg(c.green()).arg(c.blue());
    };
    EXPECT_TRUE(tex.contains(QStringLiteral("colormap={dimerecmap}{") + stop(low)));
    EXPECT_TRUE(tex.contains(stop(high) + QStringLiteral("}")));
    EXPECT_TRUE(tex.contains(rgb(low)));
    EXPECT_TRUE(tex.contains(rgb(high)));
    // Three axes from 0 to 1; λ's ends 0.5 and 1, the categories at their heights.
    EXPECT_EQ(tex.count(QStringLiteral("\\draw[")), 3);
    EXPECT_TRUE(tex.contains(QStringLiteral("(axis cs:2,0) -- (axis cs:2,1)")));
    EXPECT_TRUE(tex.contains(QStringLiteral("{0.5};")));
    EXPECT_TRUE(tex.contains(QStringLiteral("at (axis cs:1,1) {cosine};")));
    // One line per run, lowest metric first: heights normalised per axis.
    EXPECT_EQ(QString::fromUtf8(readAll(path(QStringLiteral("parallel.csv")))),
              QStringLiteral("s1_x,s1_y,s2_x,s2_y\n0,0,0,1\n1,0,1,1\n2,0,2,1\n"));
    compileWithPdflatex(dir_, QStringLiteral("parallel"));
}

// The sphere view as data: items at their projected positions (x right, y up, in globe
// radii) coloured by category, the far hemisphere faint and out of the legend, as the view
// paints it.
TEST_F(PlotExportTest, SphereViewExportsItsProjectionAsPgfplots) {
    SphereScene scene;
    // +z faces the viewer, +x lies on the right edge, −z behind the first.
    scene.items = {0, 0, 1, 1, 0, 0, 0, 0, -1};
    scene.itemCategory = {2, 0, 2};
    scene.categoryNames = {"Action", "Comedy", "Drama"};
    scene.historyItems = {0};
    scene.targets = {2};
    SphereView view;
    view.resize(500, 400);
    view.setScene(scene);

    QCustomPlot flat;
    view.drawFlat(flat);
    const auto graphNamed = [&flat](const QString& name) -> QCPGraph* {
        for (int i = 0; i < flat.graphCount(); ++i) {
            if (flat.graph(i)->name() == name) return flat.graph(i);
        }
        return nullptr;
    };
    const auto pointsOf = [](const QCPGraph* graph) {
        QVector<QPointF> points;
        for (const QCPGraphData& p : *graph->data()) points << QPointF(p.key, p.value);
        return points;
    };
    // No rotation: the view looks down z.
    ASSERT_NE(graphNamed(QStringLiteral("Action")), nullptr);
    EXPECT_EQ(pointsOf(graphNamed(QStringLiteral("Action"))), QVector<QPointF>{QPointF(1, 0)});
    EXPECT_EQ(pointsOf(graphNamed(QStringLiteral("Drama"))), QVector<QPointF>{QPointF(0, 0)});
    EXPECT_EQ(pointsOf(graphNamed(QStringLiteral("history"))), QVector<QPointF>{QPointF(0, 0)});
    QCPGraph* far = graphNamed(QStringLiteral("Drama (far side)"));
    ASSERT_NE(far, nullptr);
    EXPECT_EQ(pointsOf(far), QVector<QPointF>{QPointF(0, 0)});
    EXPECT_FALSE(flat.legend->hasItemWithPlottable(far));
    EXPECT_EQ(far->scatterStyle().pen().color().alpha(), 45);  // the view's dimmed hemisphere
    // The next item lies wholly on the far side: its faint marker keeps the legend entry.
    EXPECT_EQ(graphNamed(QStringLiteral("next item")), nullptr);
    ASSERT_NE(graphNamed(QStringLiteral("next item (far side)")), nullptr);
    EXPECT_TRUE(
        flat.legend->hasItemWithPlottable(graphNamed(QStringLiteral("next item (far side)"))));
    // A quarter turn about y carries +x to the back and −z to the left edge.
    view.setRotation(QQuaternion::fromAxisAndAngle(0, 1, 0, 90));
    view.drawFlat(flat);
    EXPECT_EQ(graphNamed(QStringLiteral("Action")), nullptr);
    ASSERT_NE(graphNamed(QStringLiteral("Action (far side)")), nullptr);
    ASSERT_NE(graphNamed(QStringLiteral("next item")), nullptr);
    const QPointF target = pointsOf(graphNamed(QStringLiteral("next item"))).value(0);
    // x' = x cos 90° + z sin 90° = −1 for −z: the left edge.
    EXPECT_NEAR(target.x(), -1.0, 1e-6);
    EXPECT_NEAR(target.y(), 0.0, 1e-6);

    view.setRotation(QQuaternion());
    view.exportTo(path(QStringLiteral("sphere.tex")), PlotExportOptions{});
    const QString tex = QString::fromUtf8(readAll(path(QStringLiteral("sphere.tex"))));
    EXPECT_TRUE(tex.contains(QStringLiteral("axis equal image"))) << tex.toStdString();
    EXPECT_TRUE(tex.contains(QStringLiteral("\\addlegendentry{Action}")));
    EXPECT_TRUE(tex.contains(QStringLiteral("\\addlegendentry{history}")));
    EXPECT_TRUE(tex.contains(QStringLiteral("\\addlegendentry{next item (far side)}")));
    EXPECT_FALSE(tex.contains(QStringLiteral("Drama (far side)")));
    EXPECT_TRUE(tex.contains(QStringLiteral("opacity=0.176")));  // 45 / 255
    EXPECT_TRUE(tex.contains(QStringLiteral("mark=o")));         // history: open circles
    EXPECT_TRUE(tex.contains(QStringLiteral("mark=square,")));   // next item: open squares
    EXPECT_TRUE(QFile::exists(path(QStringLiteral("sphere.csv"))));
    compileWithPdflatex(dir_, QStringLiteral("sphere"));
    // CSV: one row per point, named by its legend entry or far-side set.
    view.exportTo(path(QStringLiteral("sphere-data.csv")), PlotExportOptions{});
    const QString csv = QString::fromUtf8(readAll(path(QStringLiteral("sphere-data.csv"))));
    EXPECT_TRUE(csv.contains(QStringLiteral("\nDrama (far side),0,,0\n"))) << csv.toStdString();
    EXPECT_TRUE(csv.contains(QStringLiteral("\nAction,1,,0\n")));
}

}  // namespace
}  // namespace dimerec

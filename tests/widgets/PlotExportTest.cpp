#include "MetricCharts.h"
#include "PlotExport.h"
#include "PlotExportDialog.h"
#include "PlotStyle.h"
#include "QtTestApp.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include <gtest/gtest.h>

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

// The export dialog offers pgfplots for a plot (not for a painted figure); a .tex path picks
// it, and the font size gives way to the paper's.
TEST_F(PlotExportTest, DialogOffersPgfplotsForPlots) {
    PlotExportDialog dialog(nullptr, QStringLiteral("figure"), true);
    dialog.setPath(path(QStringLiteral("fig.tex")));
    const auto* format = dialog.findChild<QComboBox*>();
    ASSERT_NE(format, nullptr);
    EXPECT_TRUE(format->currentText().startsWith(QStringLiteral("pgfplots")));
    EXPECT_EQ(dialog.path(), path(QStringLiteral("fig.tex")));
    bool fontSizeOff = false;
    for (const QDoubleSpinBox* box : dialog.findChildren<QDoubleSpinBox*>())
        fontSizeOff = fontSizeOff || (box->suffix() == QStringLiteral(" pt") && !box->isEnabled());
    EXPECT_TRUE(fontSizeOff);
    PlotExportDialog painted(nullptr, QStringLiteral("sphere"), false);
    EXPECT_EQ(painted.findChild<QComboBox*>()->count(), 3);  // PDF, SVG, PNG
}

}  // namespace
}  // namespace dimerec

#include "PlotExport.h"
#include "QtTestApp.h"

#include <QFile>
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

}  // namespace
}  // namespace dimerec

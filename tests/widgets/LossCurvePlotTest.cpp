#include "LossCurvePlot.h"
#include "PlotStyle.h"
#include "QtTestApp.h"

#include <QTest>

#include <gtest/gtest.h>

#include "QCustomPlotInclude.h"

#include <cmath>

namespace dimerec {
namespace {

// Waits for the plot's coalesced redraw (30 ms timer).
void settle() {
    QTest::qWait(80);
}

TEST(LossCurvePlot, SmoothsTheFullSeriesWithTheSliderWeight) {
    qtTestApp();
    LossCurvePlot plot;
    plot.setSmoothing(0.5);
    plot.addPoints(QStringLiteral("total"), {1, 2, 3}, {1.0, 2.0, 3.0});
    // Hand computation in CurveMathTest: 1, 5/3, 17/7.
    std::vector<double> smoothed = plot.smoothedValues(QStringLiteral("total"));
    ASSERT_EQ(smoothed.size(), 3u);
    EXPECT_DOUBLE_EQ(smoothed[1], 5.0 / 3.0);
    EXPECT_DOUBLE_EQ(smoothed[2], 17.0 / 7.0);
    plot.setSmoothing(0.0);
    EXPECT_EQ(plot.smoothedValues(QStringLiteral("total")), (std::vector<double>{1.0, 2.0, 3.0}));
}

TEST(LossCurvePlot, IgnoresPointsThatGoBackInSteps) {
    qtTestApp();
    LossCurvePlot plot;
    plot.addPoints(QStringLiteral("gem"), {1, 2, 3}, {1.0, 1.0, 1.0});
    plot.addPoint(QStringLiteral("gem"), 2, 5.0);
    EXPECT_EQ(plot.storedPointCount(QStringLiteral("gem")), 3);
}

TEST(LossCurvePlot, StoresAMillionPointsButDrawsADecimation) {
    qtTestApp();
    LossCurvePlot plot;
    plot.resize(800, 400);
    plot.setDisplayBuckets(400);
    constexpr int kPoints = 1'000'000;
    QVector<double> steps(kPoints);
    QVector<double> values(kPoints);
    for (int i = 0; i < kPoints; ++i) {
        steps[i] = i + 1;
        values[i] = 1.0 + std::exp(-i * 1e-5);
    }
    plot.addPoints(QStringLiteral("total"), steps, values);
    settle();
    EXPECT_EQ(plot.storedPointCount(QStringLiteral("total")), kPoints);
    EXPECT_GT(plot.displayedPointCount(QStringLiteral("total")), 0);
    EXPECT_LE(plot.displayedPointCount(QStringLiteral("total")), 2 * 400 + 2);
    // Zooming into 100 steps shows every one of them (plus a neighbour on each side).
    plot.plot()->xAxis->setRange(1000, 1099);
    settle();
    EXPECT_EQ(plot.displayedPointCount(QStringLiteral("total")), 100 + 2);
}

TEST(LossCurvePlot, LogScaleToggleSwitchesTheValueAxis) {
    qtTestApp();
    LossCurvePlot plot;
    plot.addPoints(QStringLiteral("total"), {1, 2}, {10.0, 0.1});
    plot.setLogScale(true);
    settle();
    EXPECT_EQ(plot.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    EXPECT_LT(plot.plot()->yAxis->range().lower, 0.1);
    EXPECT_GT(plot.plot()->yAxis->range().lower, 0.0);
    plot.setLogScale(false);
    EXPECT_EQ(plot.plot()->yAxis->scaleType(), QCPAxis::stLinear);
}

TEST(LossCurvePlot, ReadoutNamesTheNearestStepOfEverySeries) {
    qtTestApp();
    LossCurvePlot plot;
    plot.setSmoothing(0.0);
    plot.addPoints(QStringLiteral("total"), {10, 20, 30}, {3.0, 2.0, 1.0});
    plot.addPoints(QStringLiteral("ssm"), {10, 20, 30}, {0.5, 0.25, 0.125});
    const QString text = plot.readoutAt(21.0);
    EXPECT_TRUE(text.contains(QStringLiteral("step 20"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("total: 2"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("ssm: 0.25"))) << text.toStdString();
    // Against epochs (the comparison's "Per epoch"): the axis' name, two decimals; the CSV
    // names its x column the same way.
    LossCurvePlot epochs;
    epochs.setAxisLabels(QStringLiteral("epoch"), QStringLiteral("value"));
    epochs.addPoints(QStringLiteral("total"), {0.5, 1.25, 2.0}, {3.0, 2.0, 1.0});
    EXPECT_TRUE(epochs.readoutAt(1.3).startsWith(QStringLiteral("epoch 1.25\n")))
        << epochs.readoutAt(1.3).toStdString();
    EXPECT_TRUE(epochs.readoutAt(2.1).startsWith(QStringLiteral("epoch 2\n")));
    EXPECT_TRUE(epochs.dataCsv().startsWith(QStringLiteral("series,epoch,value,smoothed\n")));
}

// The legend sits below the data; where its rows would take more than half the plot (many runs
// in a small dock) it leaves the layout, so the data keep the room, and comes back when the plot
// is tall enough. Figures exported from the plot still get it (legendWanted).
TEST(LossCurvePlot, ALegendTooTallForThePlotMakesWayForTheData) {
    qtTestApp();
    LossCurvePlot plot;
    plot.resize(500, 200);
    plot.show();
    for (int run = 1; run <= 24; ++run)
        plot.addPoints(QStringLiteral("run %1 · train · total").arg(run), {1, 2}, {1.0, 0.5});
    settle();
    QCustomPlot& inner = *plot.plot();
    EXPECT_FALSE(inner.legend->visible());
    EXPECT_EQ(inner.legend->layout(), nullptr);
    EXPECT_GT(inner.axisRect()->height(), 60);
    EXPECT_TRUE(legendWanted(inner));
    plot.resize(500, 1200);
    settle();
    inner.replot();
    EXPECT_TRUE(inner.legend->visible());
    EXPECT_NE(inner.legend->layout(), nullptr);
    // Below the axis rect, not over it.
    EXPECT_GE(inner.legend->outerRect().top(), inner.axisRect()->outerRect().bottom());
    plot.clear();
    settle();
    EXPECT_FALSE(inner.legend->visible());  // no entries: no stray box
}

// Squeezed to its minimum height (docks open at 1366 × 768) the value axis keeps its labels
// apart: consecutive ticks at least a label's height from each other. With QCustomPlot's
// default of 5 ticks a 0 … 0.0016 range took 7 labels into about 40 pixels.
TEST(LossCurvePlot, ValueTicksStayApartWhenThePlotIsShort) {
    qtTestApp();
    LossCurvePlot plot;
    plot.show();
    plot.addPoints(QStringLiteral("valid · hr@20"), {1, 2, 3}, {0.0016, 0.0003, 0.0011});
    plot.addPoints(QStringLiteral("valid · ndcg@20"), {1, 2, 3}, {0.0004, 0.0001, 0.0003});
    QCustomPlot& inner = *plot.plot();
    for (const int height : {150, 600}) {
        SCOPED_TRACE(height);
        plot.resize(300, height);
        settle();
        QCPAxis& y = *inner.yAxis;
        const QVector<double> ticks = y.tickVector();
        ASSERT_GE(ticks.size(), 2);  // two labels at least: a lone tick gives no scale
        const int line = QFontMetrics(y.tickLabelFont()).height();
        for (int i = 1; i < ticks.size(); ++i)
            EXPECT_GE(std::abs(y.coordToPixel(ticks[i]) - y.coordToPixel(ticks[i - 1])), line);
        if (height == 600) {
            EXPECT_EQ(y.ticker()->tickCount(), 5);  // the default where it fits
        }
    }
}

TEST(LossCurvePlot, ValueAxisTitleIsElidedToTheAxisHeightAndExportedWhole) {
    qtTestApp();
    LossCurvePlot plot;
    plot.show();
    plot.addPoints(QStringLiteral("valid · hr@10"), {1, 2, 3}, {0.1, 0.2, 0.15});
    const QString title = QStringLiteral("HR@K, NDCG@K (validation, best checkpoint)");
    plot.setAxisLabels(QStringLiteral("epoch"), title);
    QCustomPlot& inner = *plot.plot();
    const QFontMetrics metrics(inner.yAxis->labelFont());
    for (const int height : {130, 600}) {
        SCOPED_TRACE(height);
        plot.resize(300, height);
        settle();
        const int room = inner.axisRect()->height();
        if (height == 130) {
            ASSERT_LT(room, metrics.horizontalAdvance(title));  // it must elide
        }
        // The title is drawn along the axis: as drawn it is no longer than the axis rect...
        EXPECT_LE(metrics.horizontalAdvance(inner.yAxis->label()), room);
        // ...whole where it fits (about 290 px at the default font), elided where it does not.
        EXPECT_EQ(inner.yAxis->label() == title, metrics.horizontalAdvance(title) <= room);
        EXPECT_EQ(axisTitle(*inner.yAxis), title);  // what exports and pgfplots print
    }
    plot.setAxisLabels(QStringLiteral("epoch"), QStringLiteral("loss"));  // a new title replaces it
    settle();
    EXPECT_EQ(inner.yAxis->label(), QStringLiteral("loss"));
    EXPECT_EQ(axisTitle(*inner.yAxis), QStringLiteral("loss"));
}

TEST(LossCurvePlot, RemovingAndClearingSeries) {
    qtTestApp();
    LossCurvePlot plot;
    plot.addPoint(QStringLiteral("a"), 1, 1.0);
    plot.addPoint(QStringLiteral("b"), 1, 1.0);
    plot.removeSeries(QStringLiteral("a"));
    EXPECT_EQ(plot.seriesNames(), QStringList{QStringLiteral("b")});
    plot.clear();
    EXPECT_TRUE(plot.seriesNames().isEmpty());
    EXPECT_EQ(plot.plot()->graphCount(), 0);
}

}  // namespace
}  // namespace dimerec

#include "MetricCharts.h"
#include "PlotExport.h"
#include "QtTestApp.h"
#include "analysis/DiffusionInspection.h"

#include <gtest/gtest.h>

#include "QCustomPlotInclude.h"

namespace dimerec {
namespace {

ForwardProfile threeSteps() {
    ForwardProfile profile;
    profile.process = "noise literal · schedule linear · T = 3 · d = 64";
    profile.mean = {0.9, 0.0, -0.5};
    profile.sd = {0.1, 0.2, 0.3};
    profile.startMean = 0.01;
    profile.startSd = 0.125;
    profile.draws = 100;
    return profile;
}

QVector<QPair<double, double>> pointsOf(QCPGraph* graph) {
    QVector<QPair<double, double>> points;
    for (const QCPGraphData& point : *graph->data()) points.push_back({point.key, point.value});
    return points;
}

TEST(DiffusionCharts, ForwardProfileDrawsMeanBandAndTheSamplersStart) {
    qtTestApp();
    QCustomPlot plot;
    plot.resize(600, 400);
    EXPECT_EQ(drawForwardProfile(plot, threeSteps()), 3);
    // The band's lower and upper edges (mean ∓ sd), the mean, and the sampler's x_T.
    ASSERT_EQ(plot.graphCount(), 4);
    using P = QPair<double, double>;
    const QVector<P> lower = pointsOf(plot.graph(0));
    const QVector<P> upper = pointsOf(plot.graph(1));
    ASSERT_EQ(lower.size(), 3);
    EXPECT_DOUBLE_EQ(lower[1].second, -0.2);
    EXPECT_DOUBLE_EQ(upper[2].second, -0.2);
    EXPECT_EQ(plot.graph(1)->channelFillGraph(), plot.graph(0));
    EXPECT_EQ(pointsOf(plot.graph(2)), (QVector<P>{{1, 0.9}, {2, 0.0}, {3, -0.5}}));
    // The sampler's start sits right of t = T, with its sd as an error bar.
    const QVector<P> start = pointsOf(plot.graph(3));
    ASSERT_EQ(start.size(), 1);
    EXPECT_GT(start[0].first, 3.0);
    EXPECT_LT(start[0].first, plot.xAxis->range().upper);
    EXPECT_DOUBLE_EQ(start[0].second, 0.01);
    // Its CSV holds the statistics, one row per step and the sampler's.
    EXPECT_EQ(plotDataCsv(plot),
              QStringLiteral("t,mean_cos,sd_cos\n1,0.9,0.1\n2,0,0.2\n3,-0.5,0.3\n"
                             "sampler,0.01,0.125\n"));
}

TEST(DiffusionCharts, ReverseChainRunsFromTDownToZero) {
    qtTestApp();
    QCustomPlot plot;
    ReverseChain chain;
    chain.steps = {2, 1, 0};
    chain.toFinal = {0.1, 0.7, 1.0};
    chain.toTarget = {0.0, 0.2, 0.3};
    EXPECT_EQ(drawReverseChain(plot, chain), 3);
    ASSERT_EQ(plot.graphCount(), 2);
    EXPECT_TRUE(plot.xAxis->rangeReversed());
    using P = QPair<double, double>;
    EXPECT_EQ(pointsOf(plot.graph(0)), (QVector<P>{{0, 1.0}, {1, 0.7}, {2, 0.1}}));
    EXPECT_EQ(pointsOf(plot.graph(1)), (QVector<P>{{0, 0.3}, {1, 0.2}, {2, 0.0}}));
    // Another chart on the same plot reads left to right again.
    drawForwardProfile(plot, threeSteps());
    EXPECT_FALSE(plot.xAxis->rangeReversed());
}

}  // namespace
}  // namespace dimerec

#include "DiversityView.h"
#include "QtTestApp.h"

#include <gtest/gtest.h>

#include "QCustomPlotInclude.h"

namespace dimerec {
namespace {

QVector<RunMetrics> twoRuns() {
    RunMetrics a;
    a.id = 1;
    a.name = QStringLiteral("DimeRec");
    a.metrics = {{"diversity@10", 0.5},
                 {"diversity@50", 0.6},
                 {"ndcg@10", 0.1},
                 {"probe_accuracy", 0.7},
                 {"gini@10", 0.9}};
    RunMetrics b;
    b.id = 2;
    b.name = QStringLiteral("ComiRec-SA");
    b.metrics = {{"diversity@10", 0.4}, {"diversity@50", 0.8}, {"ndcg@10", 0.2}};
    return {a, b};
}

// The (key, value) points of a bar series.
QVector<QPair<double, double>> barsOf(QCustomPlot* plot, int index) {
    QVector<QPair<double, double>> points;
    auto* bars = qobject_cast<QCPBars*>(plot->plottable(index));
    if (bars == nullptr) return points;
    for (const QCPBarsData& point : *bars->data()) points.push_back({point.key, point.value});
    return points;
}

TEST(DiversityView, BarsShowEachRunsMeasureAtEveryK) {
    qtTestApp();
    DiversityView view;
    view.setRuns(twoRuns());
    EXPECT_EQ(view.measures(), (QStringList{QStringLiteral("diversity"), QStringLiteral("gini"),
                                            QStringLiteral("probe_accuracy")}));
    view.setMeasure(QStringLiteral("diversity"));
    QCustomPlot* plot = view.barPlot();
    ASSERT_EQ(plot->plottableCount(), 2);  // one bar series per run
    EXPECT_EQ(plot->plottable(0)->name(), QStringLiteral("DimeRec"));
    // Groups at K = 10 (key 1) and K = 50 (key 2), the values as given.
    using P = QPair<double, double>;
    EXPECT_EQ(barsOf(plot, 0), (QVector<P>{{1, 0.5}, {2, 0.6}}));
    EXPECT_EQ(barsOf(plot, 1), (QVector<P>{{1, 0.4}, {2, 0.8}}));
    auto ticker = plot->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
    ASSERT_TRUE(ticker);
    EXPECT_EQ(ticker->ticks().value(2), QStringLiteral("@50"));

    // A measure without a K: one bar per run that has it.
    view.setMeasure(QStringLiteral("probe_accuracy"));
    ASSERT_EQ(plot->plottableCount(), 1);
    EXPECT_EQ(barsOf(plot, 0), (QVector<P>{{1, 0.7}}));
    EXPECT_EQ(view.probeText(), QStringLiteral("Linear probe: DimeRec 0.700"));
}

TEST(DiversityView, TradeoffPlacesAndLabelsEveryRun) {
    qtTestApp();
    DiversityView view;
    view.setRuns(twoRuns());  // defaults: x = ndcg@10, y = diversity@50
    QCustomPlot* plot = view.tradeoffPlot();
    ASSERT_EQ(plot->graphCount(), 1);
    const auto data = plot->graph(0)->data();
    ASSERT_EQ(data->size(), 2);
    EXPECT_DOUBLE_EQ(data->at(0)->key, 0.1);
    EXPECT_DOUBLE_EQ(data->at(0)->value, 0.6);
    EXPECT_DOUBLE_EQ(data->at(1)->key, 0.2);
    EXPECT_DOUBLE_EQ(data->at(1)->value, 0.8);
    ASSERT_EQ(plot->itemCount(), 2);
    EXPECT_EQ(qobject_cast<QCPItemText*>(plot->item(0))->text(), QStringLiteral("DimeRec"));
    EXPECT_EQ(plot->xAxis->label(), QStringLiteral("NDCG@10"));
    EXPECT_EQ(plot->yAxis->label(), QStringLiteral("Diversity@50"));
    // Only DimeRec has gini@10.
    view.setTradeoffAxes(QStringLiteral("ndcg@10"), QStringLiteral("gini@10"));
    EXPECT_EQ(plot->graph(0)->data()->size(), 1);
}

TEST(DiversityView, CategoryDistributionSortsByTheHistoriesShare) {
    qtTestApp();
    DiversityView view;
    view.setCategoryDistribution({QStringLiteral("Comedy"), QStringLiteral("Drama"),
                                  QStringLiteral("Horror"), QStringLiteral("War")},
                                 {0.25, 0.75, 0.0, 0.0}, {0.5, 0.25, 0.25, 0.0},
                                 QStringLiteral("top-10"));
    QCustomPlot* plot = view.distributionPlot();
    ASSERT_EQ(plot->plottableCount(), 2);
    using P = QPair<double, double>;
    // Drama (0.75) first, then Comedy, then Horror (only recommended); War appears in neither.
    EXPECT_EQ(barsOf(plot, 0), (QVector<P>{{1, 0.75}, {2, 0.25}, {3, 0.0}}));
    EXPECT_EQ(barsOf(plot, 1), (QVector<P>{{1, 0.25}, {2, 0.5}, {3, 0.25}}));
    auto ticker = plot->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
    ASSERT_TRUE(ticker);
    EXPECT_EQ(ticker->ticks().values(),
              (QVector<QString>{QStringLiteral("Drama"), QStringLiteral("Comedy"),
                                QStringLiteral("Horror")}));
    EXPECT_EQ(plot->plottable(1)->name(), QStringLiteral("top-10"));
}

}  // namespace
}  // namespace dimerec

#include "DatasetSummaryView.h"

#include "QtTestApp.h"

#include <QLabel>

#include <gtest/gtest.h>

namespace dimerec {
namespace {

TEST(DatasetSummaryView, ShowsTheNumbers) {
    qtTestApp();
    DatasetSummaryView view;
    DatasetStatistics stats;
    stats.name = "toy";
    stats.users = 3;
    stats.items = 4;
    stats.interactions = 6;
    stats.density = 0.5;
    stats.minLength = 1;
    stats.maxLength = 3;
    stats.medianLength = 2.0;
    stats.meanLength = 2.0;
    stats.top10PercentShare = 0.25;
    view.setSummary(stats);
    QStringList texts;
    for (const QLabel* label : view.findChildren<QLabel*>()) texts << label->text();
    EXPECT_TRUE(texts.contains(QStringLiteral("toy")));
    EXPECT_TRUE(texts.contains(QStringLiteral("50.000 %")));
    EXPECT_TRUE(texts.contains(QStringLiteral("1–3, median 2, mean 2.0")));
    EXPECT_TRUE(texts.contains(QStringLiteral("25.0 % of interactions")));
}

}  // namespace
}  // namespace dimerec

#include "StallMonitor.h"

#include "QtTestApp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <gtest/gtest.h>

namespace dimerec {
namespace {

class StallMonitorTest : public ::testing::Test {
protected:
    void SetUp() override { qtTestApp(); }
};

// 100 ticks: 97 on time, then 20, 150 and 5 ms late. By hand, with 0.1 ms bins reported by
// their upper edge: p50 = the 50th tick = 0.1 ms (the first bin, 0 ms); p99 = the 99th in order
// (0 ×97, 5, 20, 150) = 20 ms; max 150; over 16 ms: 20 and 150; over 100 ms: 150.
TEST_F(StallMonitorTest, QuantilesAndCountsOfRecordedTicksAreHandComputed) {
    StallMonitor monitor;
    for (int i = 0; i < 97; ++i) monitor.record(0.0);
    monitor.record(20.0);
    monitor.record(150.0);
    monitor.record(5.0);
    const std::vector<StallMonitor::Summary> summaries = monitor.summaries();
    ASSERT_EQ(summaries.size(), 1u);
    const StallMonitor::Summary& s = summaries.front();
    EXPECT_EQ(s.phase, QStringLiteral("session"));
    EXPECT_EQ(s.ticks, 100);
    EXPECT_NEAR(s.p50Ms, 0.1, 1e-9);
    EXPECT_NEAR(s.p99Ms, 20.1, 1e-9);  // the 20 ms bin [20.0, 20.1)
    EXPECT_DOUBLE_EQ(s.maxMs, 150.0);
    EXPECT_EQ(s.overFrame, 2);
    EXPECT_EQ(s.overFreeze, 1);
}

// A quantile never reads above the true maximum, even for a stall beyond the last bin.
TEST_F(StallMonitorTest, StallsBeyondTheHistogramKeepTheirExactMaximum) {
    StallMonitor monitor;
    monitor.record(2500.0);
    const StallMonitor::Summary s = monitor.summaries().front();
    EXPECT_DOUBLE_EQ(s.p50Ms, 2500.0);
    EXPECT_DOUBLE_EQ(s.maxMs, 2500.0);
    EXPECT_EQ(s.overFreeze, 1);
}

TEST_F(StallMonitorTest, PhasesAreSummarisedApartAndAnEmptyOneIsRenamed) {
    StallMonitor monitor;
    monitor.beginPhase(QStringLiteral("startup"));  // renames the empty "session"
    monitor.record(30.0);
    monitor.beginPhase(QStringLiteral("training"));
    monitor.record(1.0);
    monitor.record(2.0);
    const std::vector<StallMonitor::Summary> summaries = monitor.summaries();
    ASSERT_EQ(summaries.size(), 2u);
    EXPECT_EQ(summaries[0].phase, QStringLiteral("startup"));
    EXPECT_EQ(summaries[0].ticks, 1);
    EXPECT_EQ(summaries[0].overFrame, 1);
    EXPECT_EQ(summaries[1].phase, QStringLiteral("training"));
    EXPECT_EQ(summaries[1].ticks, 2);
    EXPECT_DOUBLE_EQ(summaries[1].maxMs, 2.0);
    EXPECT_EQ(summaries[1].overFrame, 0);
}

// The running timer: a handler that blocks the event loop shows up as a listed stall of at
// least the time it blocked (the test asserts the stall is seen, not how fast the loop is).
TEST_F(StallMonitorTest, ABlockedEventLoopIsListedAsAStall) {
    StallMonitor monitor;
    monitor.start();
    QTest::qWait(20);
    QTimer::singleShot(0, [] { QThread::msleep(60); });
    QTest::qWait(40);
    monitor.stop();
    ASSERT_FALSE(monitor.stalls().empty());
    double longest = 0.0;
    for (const StallMonitor::Stall& stall : monitor.stalls()) longest = std::max(longest, stall.ms);
    EXPECT_GE(longest, 55.0);  // 60 ms asleep less the 1 ms interval, with rounding to spare
    EXPECT_GE(monitor.summaries().front().maxMs, longest);
    EXPECT_GE(monitor.summaries().front().overFrame, 1);
}

TEST_F(StallMonitorTest, WritesItsSummaryAsJson) {
    StallMonitor monitor;
    monitor.beginPhase(QStringLiteral("compare"));
    monitor.record(17.0);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("stalls.json"));
    ASSERT_TRUE(monitor.writeJson(path));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    const QJsonObject phase = json[QStringLiteral("phases")].toArray().at(0).toObject();
    EXPECT_EQ(phase[QStringLiteral("phase")].toString(), QStringLiteral("compare"));
    EXPECT_EQ(phase[QStringLiteral("ticks")].toInteger(), 1);
    EXPECT_DOUBLE_EQ(phase[QStringLiteral("max_ms")].toDouble(), 17.0);
    EXPECT_EQ(phase[QStringLiteral("over_16ms")].toInteger(), 1);
    QString error;
    EXPECT_FALSE(monitor.writeJson(dir.filePath(QStringLiteral("missing/stalls.json")), &error));
    EXPECT_FALSE(error.isEmpty());
}

}  // namespace
}  // namespace dimerec

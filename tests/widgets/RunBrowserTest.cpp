#include "QtTestApp.h"
#include "RunBrowser.h"
#include "RunTableModel.h"
#include "store/RunStore.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dimerec {
namespace {

// One page and a bit: 210 runs, every third a SASRec baseline.
constexpr int kRuns = RunTableModel::kPageSize + 10;

class RunBrowserTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtTestApp();
        ASSERT_TRUE(dir_.isValid());
        store_ =
            std::make_unique<RunStore>(dir_.filePath(QStringLiteral("runs.sqlite")).toStdString());
        for (int i = 0; i < kRuns; ++i) {
            NewRun run;
            run.config.name = "run " + std::to_string(i + 1);
            run.config.model.model = i % 3 == 0 ? ModelKind::SasRec : ModelKind::DimeRec;
            run.status = "queued";
            store_->createRun(run);
        }
    }

    QTemporaryDir dir_;
    std::unique_ptr<RunStore> store_;
};

TEST_F(RunBrowserTest, PagesThroughTheStore) {
    RunTableModel model(*store_);
    EXPECT_EQ(model.totalRuns(), kRuns);
    EXPECT_EQ(model.rowCount(), RunTableModel::kPageSize);
    ASSERT_TRUE(model.canFetchMore({}));
    model.fetchMore({});
    EXPECT_EQ(model.rowCount(), kRuns);
    EXPECT_FALSE(model.canFetchMore({}));
}

TEST_F(RunBrowserTest, FiltersAndSortsInTheStore) {
    RunTableModel model(*store_);
    model.setFilterText(QStringLiteral("sasrec"));
    EXPECT_EQ(model.totalRuns(), (kRuns + 2) / 3);  // runs 1, 4, 7, … are SASRec
    model.setFilterText(QString());
    model.sort(RunTableModel::Id, Qt::AscendingOrder);
    EXPECT_EQ(model.index(0, RunTableModel::Id).data().toLongLong(), 1);
    model.sort(RunTableModel::Id, Qt::DescendingOrder);
    EXPECT_EQ(model.index(0, RunTableModel::Id).data().toLongLong(), kRuns);
}

// The Time column shows a run's training wall time (h:mm:ss, m:ss under an hour) and sorts by
// it in the store. Run 2 trained 1 h 2 min 5 s (3,725 s), run 3 59.6 s (rounds to 1:00); the
// queued others have none and sort first.
TEST_F(RunBrowserTest, TimeColumnShowsAndSortsTheWallTime) {
    const auto finish = [this](int64_t run, double seconds) {
        RunResult result;
        result.status = "finished";
        result.elapsedSeconds = seconds;
        store_->finishRun(run, result);
    };
    finish(2, 3725.0);
    finish(3, 59.6);
    RunTableModel model(*store_);
    model.sort(RunTableModel::Time, Qt::DescendingOrder);
    EXPECT_EQ(model.headerData(RunTableModel::Time, Qt::Horizontal, Qt::DisplayRole).toString(),
              QStringLiteral("Time"));
    EXPECT_EQ(model.index(0, RunTableModel::Id).data().toLongLong(), 2);
    EXPECT_EQ(model.index(0, RunTableModel::Time).data().toString(), QStringLiteral("1:02:05"));
    EXPECT_EQ(model.index(1, RunTableModel::Id).data().toLongLong(), 3);
    EXPECT_EQ(model.index(1, RunTableModel::Time).data().toString(), QStringLiteral("1:00"));
    EXPECT_TRUE(model.index(2, RunTableModel::Time).data().toString().isEmpty());
}

// The Epochs column: run 4 validated NDCG@10 0.1, 0.3, 0.2, 0.3, 0.25 at the ends of epochs
// 1-5, so it trained 5 epochs and its best is epoch 2 (the first maximum, as the trainer keeps
// it): "5 (2)". A queued run that never trained shows nothing.
TEST_F(RunBrowserTest, EpochsColumnShowsTheEpochsAndTheBestOne) {
    const std::vector<double> ndcg = {0.1, 0.3, 0.2, 0.3, 0.25};
    for (size_t epoch = 0; epoch < ndcg.size(); ++epoch) {
        store_->appendEvaluation(4, {static_cast<int64_t>(epoch + 1) * 10,
                                     static_cast<int64_t>(epoch),
                                     "valid",
                                     {{"ndcg@10", ndcg[epoch]}},
                                     {}});
    }
    RunResult result;
    result.status = "finished";
    result.steps = 50;
    store_->finishRun(4, result);
    RunTableModel model(*store_);
    model.sort(RunTableModel::Id, Qt::AscendingOrder);
    EXPECT_EQ(model.headerData(RunTableModel::Epochs, Qt::Horizontal, Qt::DisplayRole).toString(),
              QStringLiteral("Epochs (best)"));
    EXPECT_EQ(model.index(3, RunTableModel::Epochs).data().toString(), QStringLiteral("5 (2)"));
    EXPECT_TRUE(model.index(0, RunTableModel::Epochs).data().toString().isEmpty());
}

TEST_F(RunBrowserTest, TagsShowAfterARefreshThatKeepsTheSelection) {
    RunBrowser browser(*store_);
    browser.model()->sort(RunTableModel::Id, Qt::AscendingOrder);
    browser.selectRuns({2, 3});
    QSignalSpy selection(&browser, &RunBrowser::selectionChanged);
    store_->addTags(2, {"baseline"});
    browser.refresh();
    const int row = browser.model()->rowOfRun(2);
    EXPECT_EQ(browser.model()->index(row, RunTableModel::Tags).data().toString(),
              QStringLiteral("baseline"));
    EXPECT_EQ(browser.selectedRuns(), (QVector<qint64>{2, 3}));
}

TEST_F(RunBrowserTest, DeletesTheSelectedRuns) {
    RunBrowser browser(*store_);
    browser.model()->sort(RunTableModel::Id, Qt::AscendingOrder);  // runs 5 and 6 on the first page
    browser.selectRuns({5, 6});
    browser.deleteSelected(false);
    EXPECT_EQ(store_->countRuns(RunQuery{}), kRuns - 2);
    EXPECT_EQ(browser.model()->rowOfRun(5), -1);
    EXPECT_TRUE(browser.selectedRuns().isEmpty());
}

// "Export bundles…" writes one bundle per selected run, named <study>-<uuid>.json.gz as
// `dimerec runs export --study` names them, that another store imports as the same runs; a
// cancelled run with its checkpoint on disk (run 3) as <study>-<uuid>.unfinished.json.gz,
// carrying it (`runs export --resumable`).
TEST_F(RunBrowserTest, ExportsTheSelectedRunsAsBundlesAnotherStoreImports) {
    const std::string last = dir_.filePath(QStringLiteral("last.pt")).toStdString();
    std::ofstream(last, std::ios::binary) << "checkpoint bytes";
    store_->addCheckpoint(3, {last, 40, false});
    RunResult cancelled;
    cancelled.status = "cancelled";
    cancelled.steps = 40;
    store_->finishRun(3, cancelled);
    RunBrowser browser(*store_);
    browser.model()->sort(RunTableModel::Id, Qt::AscendingOrder);
    browser.selectRuns({2, 3});
    QSignalSpy said(&browser, &RunBrowser::statusMessage);
    const QString folder = dir_.filePath(QStringLiteral("bundles"));
    QDir().mkpath(folder);
    const QStringList written = browser.exportSelected(folder);
    ASSERT_EQ(written.size(), 2);
    ASSERT_EQ(said.count(), 1);
    EXPECT_EQ(said.front().front().toString(),
              QStringLiteral("2 bundle(s) written to %1.").arg(folder));
    RunStore other(dir_.filePath(QStringLiteral("other.sqlite")).toStdString());
    for (int i = 0; i < written.size(); ++i) {
        const QString& file = written[i];
        const RunSummary original = store_->run(2 + i).summary;  // in the selection's order
        const bool unfinished = i == 1;
        EXPECT_EQ(QFileInfo(file).fileName().toStdString(),
                  RunStore::bundleFileName(original.study, original.uuid, unfinished));
        const RunStore::FileImport imported = other.importFile(file.toStdString());
        ASSERT_EQ(imported.added.size(), 1u);
        const RunDetails copy = other.run(imported.added.front());
        EXPECT_EQ(copy.summary.uuid, original.uuid);
        if (unfinished) {
            EXPECT_EQ(std::filesystem::path(copy.lastCheckpoint).parent_path(),
                      std::filesystem::path(other.checkpointDir(original.uuid)));
        }
    }
}

}  // namespace
}  // namespace dimerec

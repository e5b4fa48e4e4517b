// The window's default layout on a 1366×768 laptop screen (the most common one): everything
// reachable, nothing clipped; saved layouts restore, clamped to the screen; View → Reset layout.
#include "LossCurvePlot.h"
#include "MainWindow.h"
#include "QtTestApp.h"
#include "store/RunStore.h"

#include <QAbstractButton>
#include <QAbstractScrollArea>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QScreen>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QWindow>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace dimerec {
namespace {

constexpr int kScreenWidth = 1366;
constexpr int kScreenHeight = 768;

// This program's one QApplication, on an offscreen screen of 1366×768 (the offscreen
// platform's configfile option; its default screen is 800×600).
QApplication& laptopApp() {
    static int argc = 1;
    static char name[] = "dimerec-window-layout-test";
    static char* argv[] = {name, nullptr};
    static QApplication* app = [] {
        static QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("screen.json"));
        std::ofstream(config.toStdString())
            << R"({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": )" << kScreenWidth
            << R"(, "height": )" << kScreenHeight << R"(, "logicalDpi": 96}]})";
        qputenv("QT_QPA_PLATFORM", ("offscreen:configfile=" + config).toUtf8());
        return new QApplication(argc, argv);
    }();
    return *app;
}

// Widgets a user clicks or types into, and the plots.
bool isControl(const QWidget* widget) {
    return qobject_cast<const QAbstractButton*>(widget) != nullptr ||
           qobject_cast<const QLineEdit*>(widget) != nullptr ||
           qobject_cast<const QComboBox*>(widget) != nullptr ||
           qobject_cast<const QAbstractSpinBox*>(widget) != nullptr ||
           qobject_cast<const QAbstractSlider*>(widget) != nullptr ||
           qobject_cast<const QAbstractScrollArea*>(widget) != nullptr ||
           widget->inherits("QCustomPlot");
}

// Where a visible control is cut off: by the window's edge, or by a parent that is smaller than
// it (a control inside a scroll area counts as reachable as long as the scroll area is).
// "" when it is whole.
QString clipping(const QWidget* control, const QWidget* window) {
    const QWidget* child = control;
    QRect rect = control->rect();
    for (const QWidget* parent = control->parentWidget(); parent != nullptr;
         parent = parent->parentWidget()) {
        rect = QRect(child->mapTo(parent, rect.topLeft()), rect.size());
        if (qobject_cast<const QAbstractScrollArea*>(parent->parentWidget()) != nullptr &&
            parent == static_cast<const QAbstractScrollArea*>(parent->parentWidget())->viewport()) {
            return QString();  // scrolled into view on demand
        }
        if (!parent->rect().contains(rect)) {
            return QStringLiteral("%1 at %2,%3 %4×%5 is cut by %6 (%7×%8)")
                .arg(QString::fromLatin1(control->metaObject()->className()))
                .arg(rect.x())
                .arg(rect.y())
                .arg(rect.width())
                .arg(rect.height())
                .arg(QString::fromLatin1(parent->metaObject()->className()) + QLatin1Char(' ') +
                     parent->objectName())
                .arg(parent->width())
                .arg(parent->height());
        }
        if (parent == window) break;
        child = parent;
    }
    return QString();
}

class WindowLayoutTest : public ::testing::Test {
protected:
    void SetUp() override {
        laptopApp();
        ASSERT_TRUE(dir_.isValid());
        isolateWindowState(dir_, QStringLiteral("DimeRecLayoutTest"));
    }

    std::unique_ptr<MainWindow> openWindow() {
        auto window = std::make_unique<MainWindow>(dir_.filePath(QStringLiteral("runs.sqlite")));
        window->show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(window.get()));
        QTest::qWait(50);  // the layouts settle
        return window;
    }

    void expectEveryControlInside(const MainWindow& window) {
        int controls = 0;
        for (const QWidget* widget : window.findChildren<QWidget*>()) {
            // A control of no size (an empty table's corner button) shows nothing to cut.
            if (!widget->isVisible() || widget->size().isEmpty() || !isControl(widget)) continue;
            ++controls;
            const QString cut = clipping(widget, &window);
            EXPECT_TRUE(cut.isEmpty()) << cut.toStdString();
        }
        EXPECT_GT(controls, 30);  // the walk saw the window's controls
    }

    QTemporaryDir dir_;
};

TEST_F(WindowLayoutTest, FirstStartFitsTheScreenWithEveryControlInside) {
    auto window = openWindow();
    const QRect available = window->screen()->availableGeometry();
    ASSERT_EQ(available.size(), QSize(kScreenWidth, kScreenHeight));
    EXPECT_TRUE(available.contains(window->frameGeometry()))
        << window->frameGeometry().width() << "×" << window->frameGeometry().height();
    // It uses the screen, not a corner of it.
    EXPECT_GT(window->frameGeometry().width(), kScreenWidth * 9 / 10);
    EXPECT_GT(window->frameGeometry().height(), kScreenHeight * 9 / 10);
    expectEveryControlInside(*window);
}

// Opening the comparison (what "Add to comparison" does) or the studies keeps the window on
// the screen, with a study of long names in the store (they widened the studies' choosers): the
// comparison's content is tabbed (entries | metrics, table | config diff | curves), the bottom
// docks sit between the side docks and long combos may shrink. The comparison used to push the
// window to 853 pixels, the studies to 1,590 × 827.
TEST_F(WindowLayoutTest, TheBottomDocksFitTheScreenWithEveryControlInside) {
    {
        RunStore store(dir_.filePath(QStringLiteral("runs.sqlite")).toStdString());
        for (const bool protect : {false, true}) {
            NewRun run;
            run.study = "compare-amazon-beauty-s3rec-full-profile-three-seeds";
            run.config.name = "DimeRec (paper's letter, spelled out in full) seed 1";
            run.config.model.protectGem = protect;
            run.config.train.pretrainGemSteps = protect ? 1300 : 0;
            const int64_t id = store.createRun(run);
            RunResult result;
            result.status = "finished";
            result.test = {{"ndcg@10", 0.03}, {"hr@10", 0.05}};
            store.finishRun(id, result);
        }
    }
    for (const char* name : {"comparisonDock", "studiesDock"}) {
        auto window = openWindow();
        auto* dock = window->findChild<QDockWidget*>(QString::fromLatin1(name));
        ASSERT_NE(dock, nullptr) << name;
        dock->show();
        dock->raise();
        QTest::qWait(50);
        EXPECT_TRUE(window->screen()->availableGeometry().contains(window->frameGeometry()))
            << name << ": " << window->frameGeometry().width() << "×"
            << window->frameGeometry().height();
        expectEveryControlInside(*window);
        window->close();
    }
}

TEST_F(WindowLayoutTest, AnEmptyRunStoreShowsTheFirstStepsInsteadOfEmptyAxes) {
    auto window = openWindow();
    const auto* guide = window->findChild<QLabel*>(QStringLiteral("firstRunGuide"));
    ASSERT_NE(guide, nullptr);
    EXPECT_TRUE(guide->isVisible());
    EXPECT_FALSE(window->lossPlot()->isVisible());
    EXPECT_TRUE(guide->text().contains(QStringLiteral("Pick a dataset")));
    EXPECT_TRUE(guide->text().contains(QStringLiteral("Pick a preset")));
    EXPECT_TRUE(guide->text().contains(QStringLiteral("Start run")));
}

TEST_F(WindowLayoutTest, ASavedLayoutRestoresAndALargerOneIsClampedToTheScreen) {
    {
        auto window = openWindow();
        window->showNormal();
        window->setGeometry(20, 30, 1320, 700);
        QTest::qWait(20);
        window->close();
    }
    {
        auto window = openWindow();
        EXPECT_EQ(window->geometry(), QRect(20, 30, 1320, 700));
        window->close();
    }
    // A layout saved on a larger screen.
    {
        auto window = openWindow();
        window->showNormal();
        window->setGeometry(0, 0, 2400, 1300);
        QTest::qWait(20);
        window->close();
    }
    auto window = openWindow();
    EXPECT_TRUE(window->screen()->availableGeometry().contains(window->frameGeometry()))
        << window->frameGeometry().width() << "×" << window->frameGeometry().height();
    expectEveryControlInside(*window);
}

// A window that grew taller than the screen with more docks open (no window manager keeps it
// inside, e.g. under Xvfb) saved docks sized for that height; restoring them into the screen's
// height crashed Qt's dock layout on the next start. The next start uses the default docks.
TEST_F(WindowLayoutTest, DocksSavedByAWindowTallerThanTheScreenAreNotRestored) {
    {
        auto window = openWindow();
        window->showNormal();
        window->findChild<QDockWidget*>(QStringLiteral("comparisonDock"))->show();
        window->setGeometry(0, 0, kScreenWidth - 1, kScreenHeight + 200);
        QTest::qWait(20);
        window->close();
    }
    auto window = openWindow();
    EXPECT_FALSE(window->findChild<QDockWidget*>(QStringLiteral("comparisonDock"))->isVisible());
    EXPECT_TRUE(window->screen()->availableGeometry().contains(window->frameGeometry()));
    expectEveryControlInside(*window);
}

TEST_F(WindowLayoutTest, ResetLayoutBringsBackTheDefaultDocks) {
    auto window = openWindow();
    auto* datasets = window->findChild<QDockWidget*>(QStringLiteral("datasetsDock"));
    auto* config = window->findChild<QDockWidget*>(QStringLiteral("configDock"));
    auto* comparison = window->findChild<QDockWidget*>(QStringLiteral("comparisonDock"));
    ASSERT_NE(datasets, nullptr);
    ASSERT_NE(config, nullptr);
    ASSERT_NE(comparison, nullptr);
    datasets->hide();
    config->setFloating(true);
    comparison->show();
    window->resetLayout();
    QTest::qWait(50);
    EXPECT_TRUE(datasets->isVisible());
    EXPECT_FALSE(config->isFloating());
    EXPECT_EQ(window->dockWidgetArea(config), Qt::RightDockWidgetArea);
    EXPECT_FALSE(comparison->isVisible());
    expectEveryControlInside(*window);
}

}  // namespace
}  // namespace dimerec

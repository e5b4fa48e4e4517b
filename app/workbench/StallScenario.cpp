#include "StallScenario.h"

#include "ComparisonView.h"
#include "EmbeddingExplorer.h"
#include "MainWindow.h"
#include "RunBrowser.h"
#include "SphereView.h"
#include "StallMonitor.h"
#include "TrainingWorker.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QListWidget>
#include <QMouseEvent>
#include <QPixmap>
#include <QTableView>
#include <QTimer>

#include <cmath>
#include <cstdio>
#include <utility>

namespace dimerec {
namespace {

constexpr int kSettleMs = 1000;       // between the compare scenario's first steps
constexpr int kToggleEveryMs = 1500;  // between two metric ticks: a user reading the table
constexpr int kMetricToggles = 12;
constexpr int kDragMs = 6000;  // dragging the globe round, then hovering over it
constexpr int kHoverMs = 3000;
constexpr int kMouseEveryMs = 16;  // a mouse's motion events come at about the screen's rate
constexpr int kTurnMs = 1500;      // one turn of the drag's circle
constexpr double kPi = 3.14159265358979323846;

void postMouse(QWidget* target, QEvent::Type type, QPointF position, Qt::MouseButtons buttons) {
    const Qt::MouseButton button = type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton;
    QCoreApplication::postEvent(
        target, new QMouseEvent(type, position, target->mapToGlobal(position), button, buttons,
                                Qt::NoModifier));
}

}  // namespace

std::optional<StallScenario::Kind> StallScenario::parse(const QString& name) {
    if (name == QLatin1String("train")) return Kind::Train;
    if (name == QLatin1String("compare")) return Kind::Compare;
    if (name == QLatin1String("sphere")) return Kind::Sphere;
    return std::nullopt;
}

StallScenario::StallScenario(Kind kind, MainWindow& window, StallMonitor& monitor, QString picture,
                             QObject* parent)
    : QObject(parent),
      kind_(kind),
      window_(window),
      monitor_(monitor),
      picture_(std::move(picture)) {}

void StallScenario::start() {
    monitor_.beginPhase(QStringLiteral("startup"));
    connect(
        &window_, &MainWindow::datasetReady, this,
        [this] {
            switch (kind_) {
                case Kind::Train:
                    train();
                    break;
                case Kind::Compare:
                    compare();
                    break;
                case Kind::Sphere:
                    sphere();
                    break;
            }
        },
        Qt::SingleShotConnection);
}

void StallScenario::after(int ms, std::function<void()> step) {
    QTimer::singleShot(ms, this, std::move(step));
}

void StallScenario::train() {
    connect(window_.worker(), &TrainingWorker::runStarted, this,
            [this] { monitor_.beginPhase(QStringLiteral("training")); });
    connect(window_.worker(), &TrainingWorker::idle, this, &StallScenario::finish);
    if (!window_.startRun()) finish();
}

void StallScenario::compare() {
    monitor_.beginPhase(QStringLiteral("compare"));
    RunBrowser* browser = window_.runBrowser();
    ComparisonView* comparison = window_.comparisonView();
    browser->table()->selectAll();  // Ctrl+A in the run table
    connect(
        comparison, &ComparisonView::entriesChanged, this,
        [](int count) {
            std::printf("compare: %d entries\n", count);
            std::fflush(stdout);
        },
        Qt::SingleShotConnection);
    after(kSettleMs, [browser] {
        // The table's context menu: "Add to comparison".
        browser->table()->findChild<QAction*>(QStringLiteral("addToComparison"))->trigger();
    });
    after(2 * kSettleMs, [comparison] { comparison->setBaseline(0); });
    int at = 2 * kSettleMs;
    for (int toggle = 0; toggle < kMetricToggles; ++toggle) {
        at += kToggleEveryMs;
        // Unticks the first six metrics one by one, then ticks them again.
        after(at, [comparison, toggle] {
            QListWidgetItem* item = comparison->metricList()->item(toggle % 6);
            if (item != nullptr)
                item->setCheckState(item->checkState() == Qt::Checked ? Qt::Unchecked
                                                                      : Qt::Checked);
        });
    }
    after(at += kToggleEveryMs, [comparison] { comparison->setTest(SeedTest::Wilcoxon); });
    after(at += kToggleEveryMs,
          [comparison] { comparison->setTableLayout(ComparisonView::Layout::EntriesAsRows); });
    after(at += kToggleEveryMs, [this, comparison] {
        comparison->setTest(SeedTest::PairedT);
        connect(comparison, &ComparisonView::testsFinished, this, &StallScenario::finish,
                Qt::SingleShotConnection);
    });
}

void StallScenario::sphere() {
    monitor_.beginPhase(QStringLiteral("sphere"));
    auto* explorer = window_.findChild<EmbeddingExplorer*>();
    connect(explorer, &EmbeddingExplorer::analysisFailed, this,
            [this](qint64 run, const QString& message) {
                std::fprintf(stderr, "sphere: run %lld: %s\n", static_cast<long long>(run),
                             qPrintable(message));
                finish();
            });
    connect(
        explorer, &EmbeddingExplorer::analysed, this,
        [this, explorer] {
            SphereView* view = explorer->sphere();
            std::printf("sphere: %zu items drawn\n", view->scene().items.size() / 3);
            std::fflush(stdout);
            const QPointF centre = view->globeCentre();
            const double radius = view->globeRadius() * 0.5;
            postMouse(view, QEvent::MouseButtonPress, centre, Qt::LeftButton);
            for (int t = kMouseEveryMs; t <= kDragMs + kHoverMs; t += kMouseEveryMs) {
                after(t, [view, centre, radius, t] {
                    const double angle = 2.0 * kPi * t / kTurnMs;
                    const QPointF at =
                        centre + QPointF(radius * std::cos(angle), radius * std::sin(angle));
                    const bool dragging = t <= kDragMs;
                    postMouse(view, QEvent::MouseMove, at,
                              dragging ? Qt::MouseButtons(Qt::LeftButton) : Qt::NoButton);
                    if (t + kMouseEveryMs > kDragMs && dragging)
                        postMouse(view, QEvent::MouseButtonRelease, at, Qt::NoButton);
                });
            }
            after(kDragMs + kHoverMs + kSettleMs, [this] { finish(); });
        },
        Qt::SingleShotConnection);
    window_.runBrowser()->table()->selectRow(0);  // a click on the newest run
    window_.findChild<QDockWidget*>(QStringLiteral("embeddingsDock"))
        ->toggleViewAction()
        ->trigger();
}

void StallScenario::finish() {
    if (std::exchange(finished_, true)) return;
    monitor_.stop();
    if (!picture_.isEmpty() && !window_.grab().save(picture_))
        std::fprintf(stderr, "could not save %s\n", qPrintable(picture_));
    QTimer::singleShot(0, &window_, &QWidget::close);
}

}  // namespace dimerec

#include "DiffusionInspector.h"

#include "MetricCharts.h"
#include "PlotExport.h"
#include "QCustomPlotInclude.h"
#include "RunBrowser.h"
#include "RunConfigForm.h"
#include "store/RunStore.h"

#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QThread>
#include <QVBoxLayout>

#include <exception>
#include <stdexcept>

namespace dimerec {
namespace {

QCustomPlot* newPlot(QWidget* parent) {
    auto* plot = new QCustomPlot(parent);
    plot->setMinimumSize(240, 120);  // fits the bottom dock area of a 1366×768 window
    enablePlotExport(plot);
    return plot;
}

QLabel* newStatus(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

}  // namespace

DiffusionInspector::DiffusionInspector(const QString& storePath, QWidget* parent)
    : QWidget(parent), storePath_(storePath) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    layout->addWidget(splitter);

    auto* forwardPanel = new QWidget(splitter);
    auto* forwardLayout = new QVBoxLayout(forwardPanel);
    forwardLayout->setContentsMargins(0, 0, 0, 0);
    auto* forwardRow = new QHBoxLayout;
    profileButton_ = new QPushButton(tr("Profile the configured process"), forwardPanel);
    profileButton_->setToolTip(
        tr("mean ± sd of cos(x_t, x₀) over 20,000 random x₀ for every step t of the process the "
           "run configuration names, and of cos(x_T, x₀) for the sampler's start"));
    forwardRow->addWidget(profileButton_);
    forwardRow->addStretch(1);
    forwardLayout->addLayout(forwardRow);
    forwardStatus_ = newStatus(forwardPanel);
    forwardStatus_->setText(tr("Forward process: not profiled yet."));
    forwardLayout->addWidget(forwardStatus_);
    forward_ = newPlot(forwardPanel);
    forwardLayout->addWidget(forward_, 1);

    auto* reversePanel = new QWidget(splitter);
    auto* reverseLayout = new QVBoxLayout(reversePanel);
    reverseLayout->setContentsMargins(0, 0, 0, 0);
    auto* reverseRow = new QHBoxLayout;
    reverseRow->addWidget(new QLabel(tr("Test user:"), reversePanel));
    user_ = new QSpinBox(reversePanel);
    user_->setRange(1, 1000000);
    user_->setToolTip(tr("The test case (1-based) whose reverse chain is traced"));
    reverseRow->addWidget(user_);
    traceButton_ = new QPushButton(tr("Trace reverse chain"), reversePanel);
    traceButton_->setToolTip(
        tr("Algorithm 2 for this user on the selected run's best "
           "checkpoint: each state's cos to the chain's output and to the "
           "user's true next item"));
    traceButton_->setEnabled(false);
    reverseRow->addWidget(traceButton_);
    reverseRow->addStretch(1);
    reverseLayout->addLayout(reverseRow);
    reverseStatus_ = newStatus(reversePanel);
    reverseStatus_->setText(tr("Reverse chain: select a finished DimeRec run."));
    reverseLayout->addWidget(reverseStatus_);
    reverse_ = newPlot(reversePanel);
    reverseLayout->addWidget(reverse_, 1);

    connect(profileButton_, &QPushButton::clicked, this, &DiffusionInspector::profileRequested);
    connect(traceButton_, &QPushButton::clicked, this, [this] { trace(); });
}

DiffusionInspector::~DiffusionInspector() {
    // A thread still set here has not delivered its result, which deletes it: delete it here.
    for (QThread* thread : {profileThread_, traceThread_}) {
        if (thread == nullptr) continue;
        thread->wait();
        delete thread;
    }
}

QString DiffusionInspector::forwardStatus() const {
    return forwardStatus_->text();
}

QString DiffusionInspector::reverseStatus() const {
    return reverseStatus_->text();
}

void DiffusionInspector::profile(const ModelConfig& model) {
    model_ = model;
    ++profileGeneration_;
    if (!profiling_) startProfile();
}

void DiffusionInspector::startProfile() {
    profiling_ = true;
    forwardStatus_->setText(tr("Forward process: profiling…"));
    const ModelConfig model = model_;
    const int generation = profileGeneration_;
    profileThread_ = QThread::create([this, model, generation] {
        auto result = std::make_shared<ForwardProfile>();
        QString error;
        try {
            *result = forwardProcessProfile(model);
        } catch (const std::exception& failure) {
            error = QString::fromUtf8(failure.what());
        }
        QMetaObject::invokeMethod(
            this, [this, generation, result, error] { profiledWith(generation, result, error); },
            Qt::QueuedConnection);
    });
    profileThread_->start(QThread::LowPriority);
}

void DiffusionInspector::profiledWith(int generation, const std::shared_ptr<ForwardProfile>& result,
                                      const QString& error) {
    profileThread_->wait();
    delete profileThread_;
    profileThread_ = nullptr;
    profiling_ = false;
    if (generation != profileGeneration_) {
        startProfile();  // the settings changed meanwhile
        return;
    }
    if (!error.isEmpty()) {
        forwardStatus_->setText(tr("Forward process: %1").arg(error));
        Q_EMIT failed(error);
        return;
    }
    drawForwardProfile(*forward_, *result);
    forwardStatus_->setText(tr("Forward process: %1 (%2 draws). At t = T: mean cos %3; the "
                               "sampler starts at mean cos %4.")
                                .arg(QString::fromStdString(result->process))
                                .arg(result->draws)
                                .arg(result->mean.empty() ? 0.0 : result->mean.back(), 0, 'f', 2)
                                .arg(result->startMean, 0, 'f', 2));
    Q_EMIT profiled();
}

void DiffusionInspector::showRun(qint64 runId) {
    if (runId == runId_) return;
    runId_ = runId;
    traceButton_->setEnabled(runId != 0);
    reverseStatus_->setText(runId == 0 ? tr("Reverse chain: select a finished DimeRec run.")
                                       : tr("Reverse chain: run %1 selected; choose a test user "
                                            "and trace.")
                                             .arg(runId));
}

void DiffusionInspector::trace() {
    if (runId_ == 0) return;
    ++traceGeneration_;
    if (!tracing_) startTrace();
}

void DiffusionInspector::startTrace() {
    tracing_ = true;
    const qint64 runId = runId_;
    const int user = user_->value() - 1;
    const int generation = traceGeneration_;
    const QString storePath = storePath_;
    reverseStatus_->setText(tr("Reverse chain: run %1, loading its checkpoint…").arg(runId));
    traceThread_ = QThread::create([this, runId, user, generation, storePath] {
        auto result = std::make_shared<ReverseChain>();
        QString error;
        try {
            // A connection of this thread's own (RunStore is one connection per thread).
            const RunStore store(storePath.toStdString(), RunStore::Mode::ReadOnly);
            const RunDetails details = store.run(runId);
            if (details.bestCheckpoint.empty())
                throw std::runtime_error("run " + std::to_string(runId) +
                                         " has no best checkpoint (not finished yet?)");
            *result = reverseChainOfCheckpoint(details.bestCheckpoint, user);
        } catch (const std::exception& failure) {
            error = QString::fromUtf8(failure.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, runId, generation, result, error] {
                tracedWith(runId, generation, result, error);
            },
            Qt::QueuedConnection);
    });
    traceThread_->start(QThread::LowPriority);
}

void DiffusionInspector::tracedWith(qint64 runId, int generation,
                                    const std::shared_ptr<ReverseChain>& result,
                                    const QString& error) {
    traceThread_->wait();
    delete traceThread_;
    traceThread_ = nullptr;
    tracing_ = false;
    if (generation != traceGeneration_) {
        startTrace();  // asked again meanwhile (another user or run)
        return;
    }
    if (!error.isEmpty()) {
        reverseStatus_->setText(tr("Reverse chain of run %1: %2").arg(runId).arg(error));
        Q_EMIT failed(error);
        return;
    }
    drawReverseChain(*reverse_, *result);
    QStringList spread;
    for (int count : result->samplesByInterest) spread << QString::number(count);
    reverseStatus_->setText(
        tr("Reverse chain of run %1, %2: final cos to the next item %3; "
           "its rank under x₀ %4. Nearest interest of %5 samples: %6.")
            .arg(runId)
            .arg(QString::fromStdString(result->user))
            .arg(result->toTarget.empty() ? 0.0 : result->toTarget.back(), 0, 'f', 2)
            .arg(result->targetRank)
            .arg(kSpreadSamples)
            .arg(spread.join(QStringLiteral(" / "))));
    Q_EMIT traced(runId);
}

void addDiffusionInspectorDock(QMainWindow* window, QMenu* viewMenu, RunBrowser* browser,
                               RunConfigForm* form, const QString& storePath) {
    auto* dock = new QDockWidget(QObject::tr("Diffusion inspector"), window);
    dock->setObjectName(QStringLiteral("diffusionInspectorDock"));
    auto* inspector = new DiffusionInspector(storePath, dock);
    dock->setWidget(inspector);
    window->addDockWidget(Qt::BottomDockWidgetArea, dock);
    // A tab beside the comparison and the studies: the bottom area of a small screen holds one.
    if (auto* comparison = window->findChild<QDockWidget*>(QStringLiteral("comparisonDock")))
        window->tabifyDockWidget(comparison, dock);
    dock->hide();
    viewMenu->addAction(dock->toggleViewAction());
    QObject::connect(inspector, &DiffusionInspector::profileRequested, inspector,
                     [inspector, form] { inspector->profile(form->config().model); });
    QObject::connect(browser, &RunBrowser::selectionChanged, inspector,
                     [inspector](const QVector<qint64>& runs) {
                         inspector->showRun(runs.isEmpty() ? 0 : runs.front());
                     });
    // Shown for the first time: profile what the form says.
    QObject::connect(dock, &QDockWidget::visibilityChanged, inspector,
                     [inspector, form](bool visible) {
                         if (visible && inspector->forwardPlot()->graphCount() == 0)
                             inspector->profile(form->config().model);
                     });
}

}  // namespace dimerec

#include "EmbeddingExplorer.h"

#include "DiversityView.h"
#include "HammerMap.h"
#include "MetricCharts.h"
#include "PlotExport.h"
#include "PlotStyle.h"
#include "QCustomPlotInclude.h"
#include "RunBrowser.h"
#include "RunTableModel.h"
#include "SphereView.h"
#include "store/RunStore.h"

#include <QCheckBox>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QThread>
#include <QVBoxLayout>

#include <exception>

namespace dimerec {

EmbeddingExplorer::EmbeddingExplorer(const QString& storePath, QWidget* parent)
    : QWidget(parent), storePath_(storePath), analysis_(std::make_shared<EmbeddingAnalysis>()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Test user"), this));
    user_ = new QSpinBox(this);
    user_->setRange(1, 1);
    user_->setToolTip(tr("Which test case's history, guidance, samples and top-N to mark"));
    controls->addWidget(user_);
    controls->addWidget(new QLabel(tr("Samples"), this));
    samples_ = new QSpinBox(this);
    samples_->setRange(0, 256);
    samples_->setValue(24);
    samples_->setToolTip(
        tr("Reverse-process samples of the next interest: their spread shows "
           "the diffusion's uncertainty"));
    controls->addWidget(samples_);
    controls->addWidget(new QLabel(tr("Top-N"), this));
    topN_ = new QSpinBox(this);
    topN_->setRange(1, 100);
    topN_->setValue(10);
    controls->addWidget(topN_);
    auto* apply = new QPushButton(tr("Show"), this);
    controls->addWidget(apply);
    snapshotLabel_ = new QLabel(this);
    controls->addWidget(snapshotLabel_);
    snapshot_ = new QSlider(Qt::Horizontal, this);
    snapshot_->setObjectName(QStringLiteral("snapshotSlider"));
    snapshot_->setToolTip(tr("Step through the run's embedding snapshots (epochs)"));
    snapshot_->setMaximumWidth(220);
    controls->addWidget(snapshot_);
    snapshot_->hide();
    snapshotLabel_->hide();
    controls->addStretch(1);
    layout->addLayout(controls);
    // Its own line, wrapped: beside the controls a narrow dock (1366 × 768) cut the run's name.
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    layout->addWidget(status_);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("embeddingSplitter"));
    sphere_ = new SphereView(split);
    sphere_->setRotation(SphereView::obliqueView());
    auto* views = new QTabWidget(split);
    views->setMinimumWidth(420);  // the map and its category legend side by side
    hammer_ = new QCustomPlot(views);
    hammer_->setObjectName(QStringLiteral("hammerMap"));
    hammer_->setToolTip(tr("Right click: export the figure (PDF, SVG, PNG) or its data"));
    enablePlotExport(hammer_);
    views->addTab(hammer_, tr("Hammer map"));
    // Does the item table collapse as it trains (issue 20, item 3)? Its norms by how often the
    // items occur in training, and how close together its directions lie.
    auto* normsPage = new QWidget(views);
    auto* normsLayout = new QVBoxLayout(normsPage);
    normsLayout->setContentsMargins(0, 0, 0, 0);
    auto* normsRow = new QHBoxLayout;
    normsLog_ = new QCheckBox(tr("Log scale"), normsPage);
    normsRow->addWidget(normsLog_);
    cosines_ = new QLabel(normsPage);
    cosines_->setWordWrap(true);
    cosines_->setToolTip(
        tr("Mean cosine between the directions of two items: near 0 for spread-out items, "
           "towards 1 when the table collapses to one point"));
    normsRow->addWidget(cosines_, 1);
    normsLayout->addLayout(normsRow);
    norms_ = new QCustomPlot(normsPage);
    norms_->setObjectName(QStringLiteral("normsByFrequency"));
    norms_->setToolTip(tr("Right click: export the figure (PDF, SVG, PNG) or its data"));
    enablePlotExport(norms_);
    normsLayout->addWidget(norms_, 1);
    views->addTab(normsPage, tr("Norms by frequency"));
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    status_->setText(tr("Select a finished run in the run browser."));

    connect(apply, &QPushButton::clicked, this, [this] {
        ++generation_;
        ensureAnalysed();
    });
    connect(snapshot_, &QSlider::valueChanged, this, &EmbeddingExplorer::showSnapshot);
    connect(normsLog_, &QCheckBox::toggled, this, &EmbeddingExplorer::drawNorms);
}

EmbeddingExplorer::~EmbeddingExplorer() {
    // Its own deleteLater would need an event loop that may not run again: delete it here (a
    // pending deleteLater is dropped with it).
    if (thread_ == nullptr) return;
    thread_->wait();
    delete thread_;
}

QString EmbeddingExplorer::statusText() const {
    return status_->text();
}

void EmbeddingExplorer::showRun(qint64 runId) {
    if (runId == runId_) return;
    runId_ = runId;
    ++generation_;
    if (runId == 0) {
        status_->setText(tr("Select a finished run in the run browser."));
        return;
    }
    if (isVisible()) ensureAnalysed();
}

void EmbeddingExplorer::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    ensureAnalysed();
}

void EmbeddingExplorer::ensureAnalysed() {
    if (runId_ == 0 || busy_ || analysedGeneration_ == generation_) return;
    start();
}

void EmbeddingExplorer::start() {
    auto request = std::make_shared<EmbeddingRequest>();
    request->user = user_->value() - 1;
    request->samples = samples_->value();
    request->topN = topN_->value();
    const qint64 runId = runId_;
    const int generation = generation_;
    const QString storePath = storePath_;
    busy_ = true;
    status_->setText(tr("Run %1: loading its checkpoint and computing the embeddings…").arg(runId));
    thread_ = QThread::create([this, request, runId, generation, storePath] {
        auto result = std::make_shared<EmbeddingAnalysis>();
        QString error;
        try {
            // A connection of this thread's own (RunStore is one connection per thread).
            const RunStore store(storePath.toStdString(), RunStore::Mode::ReadOnly);
            const RunDetails details = store.run(runId);
            if (details.bestCheckpoint.empty()) {
                throw std::runtime_error("run " + std::to_string(runId) +
                                         " has no best checkpoint (not finished yet?)");
            }
            request->checkpoint = details.bestCheckpoint;
            for (const EmbeddingSnapshot& listed : details.embeddings) {
                request->snapshots.push_back(store.embeddingSnapshot(listed.id));
            }
            *result = analyseCheckpoint(*request);
        } catch (const std::exception& failure) {
            error = QString::fromUtf8(failure.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, runId, generation, result, error] {
                finished(runId, generation, result, error);
            },
            Qt::QueuedConnection);
    });
    connect(thread_, &QThread::finished, thread_, &QObject::deleteLater);
    thread_->start(QThread::LowPriority);
}

void EmbeddingExplorer::finished(qint64 runId, int generation,
                                 const std::shared_ptr<EmbeddingAnalysis>& result,
                                 const QString& error) {
    thread_->wait();
    thread_ = nullptr;
    busy_ = false;
    if (generation != generation_) {
        // The selection or the settings changed meanwhile: compute again when visible.
        if (isVisible()) ensureAnalysed();
        return;
    }
    analysedGeneration_ = generation;
    if (!error.isEmpty()) {
        status_->setText(tr("Run %1: %2").arg(runId).arg(error));
        Q_EMIT analysisFailed(runId, error);
        return;
    }
    analysis_ = result;
    analysedRun_ = runId;
    user_->setRange(1, std::max(1, result->testUsers));
    user_->setValue(result->user + 1);
    sphere_->setScene(result->scene);
    drawHammerMap(*hammer_, result->scene);
    const int snapshots = static_cast<int>(result->snapshotItems.size());
    snapshot_->setVisible(snapshots > 0);
    snapshotLabel_->setVisible(snapshots > 0);
    snapshot_->setRange(0, snapshots);  // the last position is the best checkpoint
    snapshot_->setValue(snapshots);
    showSnapshot(snapshots);
    status_->setText(tr("Run %1: %2 on %3")
                         .arg(runId)
                         .arg(QString::fromStdString(result->modelName),
                              QString::fromStdString(result->datasetName)));
    Q_EMIT analysed(runId);
}

void EmbeddingExplorer::showSnapshot(int index) {
    const auto& items = analysis_->snapshotItems;
    if (index >= 0 && index < static_cast<int>(items.size())) {
        sphere_->setItemPoints(items[static_cast<size_t>(index)]);
        snapshotLabel_->setText(
            QString::fromStdString(analysis_->snapshotLabels[static_cast<size_t>(index)]));
    } else {
        sphere_->setItemPoints(analysis_->scene.items);
        snapshotLabel_->setText(tr("best checkpoint"));
    }
    drawNorms();
}

QString EmbeddingExplorer::cosineText() const {
    return cosines_->text();
}

void EmbeddingExplorer::drawNorms() {
    if (analysis_->tableShape.norms.empty()) return;  // nothing analysed yet
    std::vector<NormCurve> curves;
    NormCurve best;
    best.name = tr("best checkpoint");
    best.runId = analysedRun_;
    best.shape = analysis_->tableShape;
    curves.push_back(best);
    const auto index = static_cast<size_t>(snapshot_->value());
    if (index < analysis_->snapshotShapes.size()) {
        NormCurve snapshot;
        snapshot.name = QString::fromStdString(analysis_->snapshotLabels[index]);
        snapshot.runId = analysedRun_;
        snapshot.step = analysis_->snapshotSteps[index];
        snapshot.shape = analysis_->snapshotShapes[index];
        curves.push_back(snapshot);
    }
    drawNormsByFrequency(*norms_, curves);
    if (normsLog_->isChecked()) fitLogY(*norms_);
    QStringList cosines;
    for (const NormCurve& curve : curves)
        cosines << tr("%1 %2").arg(curve.name).arg(curve.shape.meanCosine, 0, 'f', 3);
    cosines_->setText(tr("Mean pairwise cosine: %1").arg(cosines.join(QStringLiteral(", "))));
}

void addEmbeddingDocks(QMainWindow* window, QMenu* viewMenu, RunBrowser* browser,
                       const QString& storePath) {
    auto* sphereDock = new QDockWidget(QObject::tr("Embeddings"), window);
    sphereDock->setObjectName(QStringLiteral("embeddingsDock"));
    auto* explorer = new EmbeddingExplorer(storePath, sphereDock);
    sphereDock->setWidget(explorer);
    auto* diversityDock = new QDockWidget(QObject::tr("Diversity"), window);
    diversityDock->setObjectName(QStringLiteral("diversityDock"));
    auto* diversity = new DiversityView(diversityDock);
    diversityDock->setWidget(diversity);
    window->addDockWidget(Qt::BottomDockWidgetArea, sphereDock);
    window->tabifyDockWidget(sphereDock, diversityDock);
    sphereDock->hide();
    diversityDock->hide();
    viewMenu->addAction(sphereDock->toggleViewAction());
    viewMenu->addAction(diversityDock->toggleViewAction());

    const auto refresh = [explorer, diversity, diversityDock,
                          browser](const QVector<qint64>& runs) {
        // The summaries the run browser already holds: selecting runs reads no store.
        QVector<RunMetrics> metrics;
        for (qint64 run : runs) {
            const RunSummary* summary = browser->model()->runAt(browser->model()->rowOfRun(run));
            if (summary == nullptr) continue;
            RunMetrics entry;
            entry.id = run;
            entry.name =
                summary->name.empty()
                    ? QStringLiteral("#%1 %2").arg(run).arg(QString::fromStdString(summary->model))
                    : QString::fromStdString(summary->name);
            entry.metrics = summary->testMetrics;
            metrics.push_back(entry);
        }
        diversity->setRuns(metrics);
        explorer->showRun(runs.isEmpty() ? 0 : runs.front());
        if (diversityDock->isVisible()) explorer->ensureAnalysed();
    };
    QObject::connect(browser, &RunBrowser::selectionChanged, explorer, refresh);
    QObject::connect(diversityDock, &QDockWidget::visibilityChanged, explorer,
                     [explorer](bool visible) {
                         if (visible) explorer->ensureAnalysed();
                     });
    QObject::connect(
        explorer, &EmbeddingExplorer::analysed, diversity, [explorer, diversity](qint64 run) {
            const EmbeddingAnalysis& analysis = explorer->analysis();
            if (analysis.historyShares.empty()) {
                diversity->setDistributionStatus(
                    QObject::tr("Run %1's dataset has no categories.").arg(run));
                return;
            }
            QStringList names;
            for (const std::string& name : analysis.scene.categoryNames)
                names << QString::fromStdString(name);
            diversity->setCategoryDistribution(names, analysis.historyShares,
                                               analysis.recommendationShares,
                                               QObject::tr("run %1's top-%2 for %3 test users")
                                                   .arg(run)
                                                   .arg(analysis.scene.recommendations.size())
                                                   .arg(analysis.distributionUsers));
        });
}

}  // namespace dimerec

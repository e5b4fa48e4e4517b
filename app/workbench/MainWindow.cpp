#include "MainWindow.h"

#include "ComparisonView.h"
#include "DatasetHistograms.h"
#include "DatasetStatsView.h"
#include "DiffusionInspector.h"
#include "EmbeddingExplorer.h"
#include "ImportDatasetDialog.h"
#include "LossCurvePlot.h"
#include "PlotStyle.h"
#include "RunBrowser.h"
#include "RunConfigForm.h"
#include "RunTableModel.h"
#include "StudyView.h"
#include "SweepDialog.h"
#include "TrialFolderWatcher.h"
#include "TrainingWorker.h"
#include "data/Dataset.h"
#include "data/DatasetStatistics.h"
#include "store/RunStore.h"
#include "util/BuildInfo.h"
#include "util/Device.h"

#include <nlohmann/json.hpp>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <exception>
#include <numeric>
#include <optional>

namespace dimerec {
namespace {

constexpr int kRecentDatasets = 8;
constexpr int kMaxOverlaidRuns = 8;
constexpr int kBrowserRefreshMs = 1000;  // live run-table updates while training
const QString kDefaultDatasetKey = QStringLiteral("default");

QString encodeDataset(const DataConfig& data, const QString& columns) {
    RunConfig config;
    config.data = data;
    nlohmann::json entry = {{"data", toJson(config).at("data")},
                            {"columns", columns.toStdString()}};
    return QString::fromStdString(entry.dump());
}

bool decodeDataset(const QString& text, DataConfig& data, QString& columns) {
    try {
        const nlohmann::json entry = nlohmann::json::parse(text.toStdString());
        data = runConfigFromJson({{"data", entry.at("data")}}).data;
        columns = QString::fromStdString(entry.value("columns", std::string()));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// Whether the curve plots show a series. One run: every loss term, and the validation metrics
// worth a live curve (HR and NDCG at 10 and 20 share a scale; the others, coverage, diversity,
// …, stay in the store and the run browser). Overlaid runs: the total loss and HR@10 alone,
// one line per run in the run's colour.
bool plottedSeries(bool train, const QString& name, bool manyRuns) {
    if (manyRuns) return name == (train ? QLatin1String("total") : QLatin1String("hr@10"));
    if (train) return true;
    static const QStringList plotted = {QStringLiteral("hr@10"), QStringLiteral("hr@20"),
                                        QStringLiteral("ndcg@10"), QStringLiteral("ndcg@20")};
    return plotted.contains(name);
}

// A splitter's panes in proportion to their stretch factors, as a new splitter lays them out.
void resetSplitter(QSplitter& splitter) {
    const bool horizontal = splitter.orientation() == Qt::Horizontal;
    QList<int> sizes;
    for (int i = 0; i < splitter.count(); ++i) {
        const QSizePolicy policy = splitter.widget(i)->sizePolicy();
        sizes << std::max(1, horizontal ? policy.horizontalStretch() : policy.verticalStretch());
    }
    const int total = horizontal ? splitter.width() : splitter.height();
    const int sum = std::accumulate(sizes.begin(), sizes.end(), 0);
    for (int& size : sizes) size = size * total / sum;
    splitter.setSizes(sizes);
}

}  // namespace

struct MainWindow::LoadResult {
    int generation = 0;
    DataConfig config;
    QString columns;
    std::shared_ptr<const Dataset> data;
    DatasetStatistics stats;
    DatasetHistograms plots;
    QString error;
};

MainWindow::MainWindow(const QString& storePath, QWidget* parent)
    : QMainWindow(parent),
      storePath_(storePath.isEmpty() ? QString::fromStdString(RunStore::defaultPath())
                                     : storePath) {
    setWindowTitle(tr("DimeRec Workbench"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/org.dimerec.Workbench.svg")));
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    store_ = std::make_unique<RunStore>(storePath_.toStdString());

    workerThread_ = new QThread(this);
    workerThread_->setObjectName(QStringLiteral("training"));
    worker_ = new TrainingWorker(storePath_);
    worker_->moveToThread(workerThread_);
    connect(workerThread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &TrainingWorker::runStarted, this, &MainWindow::onRunStarted);
    connect(worker_, &TrainingWorker::progress, this, &MainWindow::onProgress);
    connect(worker_, &TrainingWorker::curvePoints, this, &MainWindow::onCurvePoints);
    connect(worker_, &TrainingWorker::runFinished, this, &MainWindow::onRunFinished);
    connect(worker_, &TrainingWorker::idle, this, &MainWindow::onIdle);
    connect(worker_, &TrainingWorker::queueChanged, this, [this](int) { updateRunControls(); });
    connect(worker_, &TrainingWorker::trialSkipped, this,
            [this](const QString& label, double seconds, const QDateTime& startBefore) {
                statusBar()->showMessage(
                    tr("%1 not started: its estimated %2 min of training would not end "
                       "before %3.")
                        .arg(label)
                        .arg(seconds / 60.0, 0, 'f', 0)
                        .arg(startBefore.toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
            });

    buildActions();
    buildCentre();
    buildDatasetDock();
    buildConfigDock();
    buildAnalysisDocks();
    addEmbeddingDocks(this, viewMenu_, browser_, storePath_);
    addDiffusionInspectorDock(this, viewMenu_, browser_, form_, storePath_);
    buildStatusBar();
    defaultDockState_ = saveState();
    restoreSettings();
    refreshDatasetList();
    updateRunControls();
    // Only now: a store that opens but fails on its first query (a damaged page) throws from
    // the panes above, and a thread already running would abort the program as the window's
    // children are destroyed, instead of main() showing the store's message.
    workerThread_->start();

    // The dataset of the last configuration (the embedded default on the first start).
    openDataset(form_->config().data);
}

MainWindow::~MainWindow() {
    worker_->cancelAll();
    workerThread_->quit();
    workerThread_->wait();
    // The loaders whose `finished` this window has not handled: the handler that would delete
    // them goes with the window (they leaked, found by LSan).
    for (QThread* loader : loaders_) {
        loader->wait();
        delete loader;
    }
}

bool MainWindow::isTraining() const {
    return worker_->isBusy() || worker_->queuedCount() > 0;
}

void MainWindow::buildActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    importAction_ = file->addAction(tr("&Import dataset…"), this, [this] { importDataset(); });
    importAction_->setShortcut(QKeySequence::Open);
    const auto importRunsFrom = [this](const QStringList& paths) {
        if (paths.isEmpty()) return;
        const RunImportReport report = importRuns(paths);
        if (report.failures.isEmpty()) return;
        QMessageBox::warning(this, tr("Import runs"),
                             tr("%n file(s) could not be imported; the other runs are in the "
                                "store.",
                                nullptr, static_cast<int>(report.failures.size())) +
                                 QStringLiteral("\n\n") + report.failures.join(QLatin1Char('\n')));
    };
    QAction* importRunFiles = file->addAction(tr("Import &runs…"), this, [importRunsFrom, this] {
        importRunsFrom(QFileDialog::getOpenFileNames(
            this, tr("Import runs"), QString(),
            tr("Run bundles and run databases (*.json *.json.gz *.sqlite);;All files (*)")));
    });
    importRunFiles->setToolTip(
        tr("Add runs that dimerec runs export wrote (bundles) or another run database"));
    QAction* importRunFolder =
        file->addAction(tr("Import runs from &folder…"), this, [importRunsFrom, this] {
            const QString folder = QFileDialog::getExistingDirectory(
                this, tr("Folder of run bundles"), QStringLiteral("experiments/results"));
            if (!folder.isEmpty()) importRunsFrom({folder});
        });
    importRunFolder->setToolTip(
        tr("Add every bundle of a folder, e.g. experiments/results/compare-beauty-full"));
    file->addAction(tr("Run s&weep…"), this, [this] { runSweep(); });
    file->addAction(tr("&Watch cluster results…"), this, [this] { watchTrialFolder(); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    startAction_ = run->addAction(tr("&Start / queue run"), this, [this] { startRun(); });
    startAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    startAction_->setToolTip(tr("Train the configured run; while one trains, queue it (Ctrl+R)"));
    pauseAction_ = run->addAction(tr("&Pause"), this, &MainWindow::togglePause);
    pauseAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    cancelAction_ = run->addAction(tr("&Cancel"), this, &MainWindow::cancelRuns);
    cancelAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    cancelAction_->setToolTip(
        tr("Stop the run after the current batch (it stays resumable) and "
           "drop the queue (Ctrl+.)"));
    resumeAction_ =
        run->addAction(tr("Res&ume selected run"), this, &MainWindow::resumeSelectedRun);
    resumeAction_->setToolTip(
        tr("Continue a cancelled or interrupted run from its last checkpoint"));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* refresh = view->addAction(tr("&Refresh runs"), this, [this] { browser_->refresh(); });
    refresh->setShortcut(QKeySequence::Refresh);
    QAction* fit = view->addAction(tr("&Fit curves"), this, [this] {
        lossPlot_->resetView();
        validPlot_->resetView();
    });
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    view->addAction(tr("Reset &layout"), this, &MainWindow::resetLayout)
        ->setToolTip(tr("Docks and panes as on the first start, the window filling the screen"));
    view->addSeparator();
    viewMenu_ = view;

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("About DimeRec Workbench"),
                           QStringLiteral("<pre>%1</pre>")
                               .arg(QString::fromStdString(versionText()).toHtmlEscaped()));
    });

    QToolBar* bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->addAction(importAction_);
    bar->addSeparator();
    bar->addAction(startAction_);
    bar->addAction(pauseAction_);
    bar->addAction(cancelAction_);
    bar->addAction(resumeAction_);
}

void MainWindow::buildCentre() {
    auto* centre = new QSplitter(Qt::Vertical, this);
    centre->setObjectName(QStringLiteral("centreSplitter"));

    auto* top = new QWidget(centre);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(4, 4, 4, 0);
    auto* progressRow = new QHBoxLayout;
    progress_ = new QProgressBar(top);
    progress_->setObjectName(QStringLiteral("runProgress"));
    progress_->setTextVisible(true);
    progress_->setFormat(QStringLiteral("%p %"));
    progressRow->addWidget(progress_, 1);
    progressText_ = new QLabel(tr("No run yet: choose a preset, then Start (Ctrl+R)."), top);
    progressText_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    progressRow->addWidget(progressText_, 2);
    pauseButton_ = new QPushButton(tr("Pause"), top);
    pauseButton_->setToolTip(tr("Pause or resume the run (Ctrl+P)"));
    progressRow->addWidget(pauseButton_);
    cancelButton_ = new QPushButton(tr("Cancel"), top);
    cancelButton_->setToolTip(cancelAction_->toolTip());
    progressRow->addWidget(cancelButton_);
    topLayout->addLayout(progressRow);

    auto* curves = new QSplitter(Qt::Horizontal, top);
    curves->setObjectName(QStringLiteral("curveSplitter"));
    lossPlot_ = new LossCurvePlot(curves);
    lossPlot_->setTitle(tr("Training losses"));
    lossPlot_->setAxisLabels(tr("step"), tr("loss"));
    validPlot_ = new LossCurvePlot(curves);
    validPlot_->setTitle(tr("Validation metrics"));
    validPlot_->setAxisLabels(tr("step"), tr("HR@K, NDCG@K"));
    validPlot_->setSmoothingAvailable(false);
    // One "Per epoch" box, on the losses' bar (the narrower validation plot follows it).
    lossPlot_->setPerEpochAvailable(true);
    connect(lossPlot_, &LossCurvePlot::perEpochChanged, this, [this](bool on) {
        validPlot_->setPerEpoch(on);
        showRuns(shownRuns_);
    });
    curves->setStretchFactor(0, 3);
    curves->setStretchFactor(1, 2);
    // An empty run store shows the first steps instead of empty axes.
    centreStack_ = new QStackedWidget(top);
    guide_ = new QLabel(
        tr("<h2>Your first run in three steps</h2>"
           "<ol>"
           "<li><b>Pick a dataset</b> in the <i>Datasets</i> panel on the left, or keep the "
           "embedded MovieLens latest-small (already loaded). <i>Import dataset…</i> reads a "
           "MovieLens folder, a sequence file or a CSV log.</li>"
           "<li><b>Pick a preset</b> at the top of the <i>Run configuration</i> on the right: "
           "DimeRec as we recommend it (the default) or as the paper prints it, a baseline or "
           "an ablation. Every field can be "
           "changed below it.</li>"
           "<li><b>Start run</b> (the button under the configuration, or Ctrl+R). The losses "
           "and validation metrics appear here as it trains; the run browser below keeps "
           "every run to compare later.</li>"
           "</ol>"),
        centreStack_);
    guide_->setObjectName(QStringLiteral("firstRunGuide"));
    guide_->setWordWrap(true);
    guide_->setAlignment(Qt::AlignVCenter | Qt::AlignLeft);
    guide_->setMargin(24);
    centreStack_->addWidget(curves);
    centreStack_->addWidget(guide_);
    topLayout->addWidget(centreStack_, 1);

    browser_ = new RunBrowser(*store_, centre);
    centre->addWidget(top);
    centre->addWidget(browser_);
    centre->setStretchFactor(0, 3);
    centre->setStretchFactor(1, 2);
    setCentralWidget(centre);

    auto* deleteRuns = new QAction(tr("Delete selected runs"), browser_);
    deleteRuns->setShortcut(QKeySequence::Delete);
    deleteRuns->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(deleteRuns, &QAction::triggered, browser_, [this] { browser_->deleteSelected(true); });
    browser_->table()->addAction(deleteRuns);

    browserTimer_ = new QTimer(this);
    browserTimer_->setInterval(kBrowserRefreshMs);
    connect(browserTimer_, &QTimer::timeout, browser_, &RunBrowser::refresh);
    connect(pauseButton_, &QPushButton::clicked, this, &MainWindow::togglePause);
    connect(cancelButton_, &QPushButton::clicked, this, &MainWindow::cancelRuns);
    connect(browser_, &RunBrowser::selectionChanged, this, &MainWindow::onSelectionChanged);
    connect(browser_->model(), &QAbstractItemModel::modelReset, this, &MainWindow::updateGuide);
    connect(browser_->model(), &QAbstractItemModel::rowsInserted, this, &MainWindow::updateGuide);
    updateGuide();
    connect(browser_, &RunBrowser::rerunRequested, this, [this](const QString& json) {
        try {
            RunConfig config = runConfigFromJson(nlohmann::json::parse(json.toStdString()));
            form_->setConfig(config);
            statusBar()->showMessage(tr("The run configuration now holds that run's config."),
                                     5000);
        } catch (const std::exception& error) {
            QMessageBox::warning(this, tr("Run again"), QString::fromUtf8(error.what()));
        }
    });
}

void MainWindow::buildDatasetDock() {
    auto* dock = new QDockWidget(tr("Datasets"), this);
    dock->setObjectName(QStringLiteral("datasetsDock"));
    auto* panel = new QWidget(dock);
    panel->setMinimumWidth(250);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(4, 4, 4, 4);
    datasets_ = new QListWidget(panel);
    datasets_->setToolTip(
        tr("The embedded default and recently used datasets; click one to "
           "load it and use it for the next run. Drop a file on the window "
           "to import it."));
    datasets_->setMaximumHeight(80);
    datasets_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    datasets_->setTextElideMode(Qt::ElideMiddle);
    layout->addWidget(datasets_);
    auto* import = new QPushButton(tr("Import dataset…"), panel);
    import->setToolTip(tr("Import a MovieLens folder, a sequence file or a CSV/TSV log (Ctrl+O)"));
    layout->addWidget(import);
    datasetStatus_ = new QLabel(panel);
    datasetStatus_->setWordWrap(true);
    layout->addWidget(datasetStatus_);
    datasetView_ = new DatasetStatsView(panel);
    layout->addWidget(datasetView_, 1);
    dock->setWidget(panel);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    viewMenu_->addAction(dock->toggleViewAction());

    connect(import, &QPushButton::clicked, this, [this] { importDataset(); });
    connect(datasets_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        DataConfig data;
        QString columns;
        if (decodeDataset(item->data(Qt::UserRole).toString(), data, columns))
            openDataset(data, columns);
    });
    connect(datasets_, &QListWidget::itemClicked, datasets_, &QListWidget::itemActivated);
}

void MainWindow::buildConfigDock() {
    auto* dock = new QDockWidget(tr("Run configuration"), this);
    dock->setObjectName(QStringLiteral("configDock"));
    auto* panel = new QWidget(dock);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 4);
    form_ = new RunConfigForm(panel);
    layout->addWidget(form_, 1);
    startButton_ = new QPushButton(tr("Start run"), panel);
    startButton_->setToolTip(startAction_->toolTip());
    QFont bold = startButton_->font();
    bold.setBold(true);
    startButton_->setFont(bold);
    layout->addWidget(startButton_);
    dock->setWidget(panel);
    dock->setMinimumWidth(300);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    viewMenu_->addAction(dock->toggleViewAction());
    connect(startButton_, &QPushButton::clicked, this, [this] { startRun(); });
    connect(form_, &RunConfigForm::validityChanged, this, [this] { updateRunControls(); });
}

void MainWindow::buildStatusBar() {
    const BuildInfo& info = buildInfo();
    const std::string cudaDevices = cudaAvailability();
    const bool cuda = cudaDevices.rfind("yes", 0) == 0;
    auto* device = new QLabel(
        cuda ? tr("Device: CUDA %1").arg(QString::fromStdString(cudaDevices)) : tr("Device: CPU"),
        this);
    auto* threads = new QLabel(tr("Threads: %1").arg(info.hardwareThreads), this);
    threads->setToolTip(tr("Hardware threads; a run uses the count set in its configuration"));
    auto* database = new QLabel(tr("Runs: %1").arg(QDir::toNativeSeparators(storePath_)), this);
    database->setToolTip(tr("The run database (SQLite)"));
    database->setTextInteractionFlags(Qt::TextSelectableByMouse);
    device->setToolTip(
        tr("BLAS: %1\nCPU: %2")
            .arg(QString::fromStdString(blasDescription(info.blasLibrary, info.blasKernels)),
                 QString::fromStdString(info.cpu)));
    statusBar()->addPermanentWidget(device);
    statusBar()->addPermanentWidget(threads);
    statusBar()->addPermanentWidget(database);
}

void MainWindow::buildAnalysisDocks() {
    auto* comparisonDock = new QDockWidget(tr("Comparison"), this);
    comparisonDock->setObjectName(QStringLiteral("comparisonDock"));
    comparison_ = new ComparisonView(*store_, comparisonDock);
    comparisonDock->setWidget(comparison_);
    auto* studyDock = new QDockWidget(tr("Studies"), this);
    studyDock->setObjectName(QStringLiteral("studiesDock"));
    studies_ = new StudyView(*store_, studyDock);
    studyDock->setWidget(studies_);
    // The side docks keep the window's full height and the bottom docks sit between them:
    // spanning the width, the comparison's height came off the datasets dock, whose minimum
    // then pushed the window past a 1366 × 768 screen.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    addDockWidget(Qt::BottomDockWidgetArea, comparisonDock);
    tabifyDockWidget(comparisonDock, studyDock);
    comparisonDock->hide();
    studyDock->hide();
    viewMenu_->addAction(comparisonDock->toggleViewAction());
    viewMenu_->addAction(studyDock->toggleViewAction());
    const auto showComparison = [comparisonDock] {
        comparisonDock->show();
        comparisonDock->raise();
    };
    connect(browser_, &RunBrowser::compareRunsRequested, this,
            [this, showComparison](const QVector<qint64>& runs) {
                comparison_->addRuns(runs);
                showComparison();
            });
    connect(browser_, &RunBrowser::statusMessage, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    connect(browser_, &RunBrowser::compareSeedGroupsRequested, this,
            [this, showComparison](const QVector<qint64>& runs) {
                comparison_->addSeedGroups(runs);
                showComparison();
            });
    connect(studyDock, &QDockWidget::visibilityChanged, studies_, [this](bool visible) {
        if (visible) studies_->refresh();
    });
}

void MainWindow::runSweep(const QString& path) {
    QString file = path;
    if (file.isEmpty()) {
        file = QFileDialog::getOpenFileName(this, tr("Open experiment file"),
                                            QStringLiteral("experiments"),
                                            tr("Experiment files (*.json)"));
        if (file.isEmpty()) return;
    }
    SweepDialog dialog(*store_, file, this);
    if (dialog.exec() != QDialog::Accepted) return;
    const std::vector<PendingTrial> trials = dialog.pendingTrials();
    for (const PendingTrial& pending : trials) {
        TrainingWorker::Job job;
        job.config = pending.trial.config;
        job.study = dialog.experiment().study;
        job.resumeRun = pending.state.resumeRun;
        job.resumeFrom = pending.state.resumeFrom;
        job.trial = std::make_shared<const Trial>(pending.trial);
        job.startBefore = dialog.startBefore();
        worker_->enqueue(std::move(job));
    }
    statusBar()->showMessage(
        tr("%n sweep run(s) queued in study %1.", nullptr, static_cast<int>(trials.size()))
            .arg(QString::fromStdString(dialog.experiment().study)),
        8000);
    updateRunControls();
}

MainWindow::RunImportReport MainWindow::importRuns(const QStringList& paths) {
    RunImportReport report;
    std::vector<std::string> files;
    for (const QString& path : paths) {
        try {
            const std::vector<std::string> found = RunStore::runFilesIn({path.toStdString()});
            files.insert(files.end(), found.begin(), found.end());
        } catch (const std::exception& error) {
            report.failures << QString::fromUtf8(error.what());
        }
    }
    QProgressDialog progress(tr("Importing runs…"), tr("Stop"), 0, static_cast<int>(files.size()),
                             this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(500);
    for (size_t i = 0; i < files.size() && !progress.wasCanceled(); ++i) {
        progress.setValue(static_cast<int>(i));
        try {
            const RunStore::FileImport result = store_->importFile(files[i]);
            report.added += static_cast<int>(result.added.size());
            if (result.storedAs != 0) ++report.alreadyStored;
        } catch (const std::exception& error) {
            report.failures << QString::fromUtf8(error.what());
        }
    }
    progress.setValue(static_cast<int>(files.size()));
    browser_->refresh();
    studies_->refresh();
    QString message = tr("%n run(s) imported, %1 already stored", nullptr, report.added)
                          .arg(report.alreadyStored);
    if (!report.failures.isEmpty()) {
        message += tr("; %n file(s) could not be imported", nullptr,
                      static_cast<int>(report.failures.size()));
    }
    statusBar()->showMessage(message + QLatin1Char('.'), 8000);
    return report;
}

void MainWindow::watchTrialFolder(const QString& folder) {
    QString path = folder;
    if (path.isEmpty()) {
        path = QFileDialog::getExistingDirectory(
            this, tr("Folder the cluster jobs write their run databases to"));
        if (path.isEmpty()) return;
    }
    delete trialWatcher_;
    trialWatcher_ = new TrialFolderWatcher(*store_, path, QString(), this);
    connect(trialWatcher_, &TrialFolderWatcher::runsImported, this, [this, path](int count) {
        browser_->refresh();
        studies_->refresh();
        statusBar()->showMessage(tr("%n run(s) imported from %1.", nullptr, count).arg(path), 8000);
    });
    connect(trialWatcher_, &TrialFolderWatcher::problem, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    statusBar()->showMessage(tr("Watching %1 for finished cluster runs.").arg(path), 8000);
    trialWatcher_->scan();
}

void MainWindow::fitToScreen() {
    // Maximized where a window manager honours it; without one (or once restored to normal
    // size) the window still covers the available area, which the layout fits down to
    // 1366×768 (see WindowLayoutTest).
    const QRect available = screen()->availableGeometry();
    setWindowState(windowState() & ~Qt::WindowMaximized);
    setGeometry(available);
    setWindowState(windowState() | Qt::WindowMaximized);
}

void MainWindow::resetLayout() {
    restoreState(defaultDockState_);
    for (QSplitter* splitter : findChildren<QSplitter*>()) resetSplitter(*splitter);
    fitToScreen();
}

void MainWindow::restoreSettings() {
    QSettings settings;
    // The layout's minimum size as shown (docks built visible and then hidden count until
    // it is recomputed); else restoreGeometry enlarges a saved window to the stale minimum.
    layout()->activate();
    // A window saved larger than this screen (on a bigger one, or without a window manager to
    // keep it inside) fills the screen instead, with the default docks: the saved docks were
    // sized for the larger window, and Qt 6.4's dock layout crashes (QLayout::activate, on the
    // first event loop) when they are restored into a smaller one. restoreGeometry clamps the
    // window to the screen, so the size it was saved at is kept beside it.
    const QSize saved = settings.value(QStringLiteral("window/size")).toSize();
    const QSize available = screen()->availableGeometry().size();
    if (restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()) &&
        saved.isValid() && saved.width() <= available.width() &&
        saved.height() <= available.height() &&
        screen()->availableGeometry().contains(geometry())) {
        restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    } else {
        fitToScreen();
    }
    for (QSplitter* splitter : findChildren<QSplitter*>()) {
        if (splitter->objectName().isEmpty()) continue;
        splitter->restoreState(
            settings.value(QStringLiteral("window/") + splitter->objectName()).toByteArray());
    }
    const QString last = settings.value(QStringLiteral("run/lastConfig")).toString();
    if (!last.isEmpty()) {
        try {
            form_->setConfig(runConfigFromJson(nlohmann::json::parse(last.toStdString())));
        } catch (const std::exception&) {
            // A config from an older version that no longer reads: the defaults stay.
        }
    }
    lossPlot_->setSmoothing(
        settings.value(QStringLiteral("curves/smoothing"), lossPlot_->smoothing()).toDouble());
    lossPlot_->setLogScale(settings.value(QStringLiteral("curves/logScale"), false).toBool());
    const bool perEpoch = settings.value(QStringLiteral("curves/perEpoch"), false).toBool();
    lossPlot_->setPerEpoch(perEpoch);
    validPlot_->setPerEpoch(perEpoch);
}

void MainWindow::saveSettings() {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/size"), frameGeometry().size());
    settings.setValue(QStringLiteral("window/state"), saveState());
    for (QSplitter* splitter : findChildren<QSplitter*>()) {
        if (splitter->objectName().isEmpty()) continue;
        settings.setValue(QStringLiteral("window/") + splitter->objectName(),
                          splitter->saveState());
    }
    if (form_->isValid()) {
        settings.setValue(QStringLiteral("run/lastConfig"),
                          QString::fromStdString(toJson(form_->config()).dump()));
    }
    settings.setValue(QStringLiteral("curves/smoothing"), lossPlot_->smoothing());
    settings.setValue(QStringLiteral("curves/logScale"), lossPlot_->logScale());
    settings.setValue(QStringLiteral("curves/perEpoch"), lossPlot_->perEpoch());
}

void MainWindow::rememberDataset(const DataConfig& config, const QString& columns) {
    if (config.dataset == "default") return;
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("datasets/recent")).toStringList();
    const QString entry = encodeDataset(config, columns);
    recent.removeAll(entry);
    recent.prepend(entry);
    while (recent.size() > kRecentDatasets) recent.removeLast();
    settings.setValue(QStringLiteral("datasets/recent"), recent);
    refreshDatasetList();
}

void MainWindow::refreshDatasetList() {
    datasets_->clear();
    auto* standard =
        new QListWidgetItem(tr("MovieLens latest-small (embedded default)"), datasets_);
    standard->setData(Qt::UserRole, encodeDataset(DataConfig{}, QString()));
    QSettings settings;
    for (const QString& entry : settings.value(QStringLiteral("datasets/recent")).toStringList()) {
        DataConfig data;
        QString columns;
        if (!decodeDataset(entry, data, columns)) continue;
        auto* item = new QListWidgetItem(QFileInfo(QString::fromStdString(data.dataset)).fileName(),
                                         datasets_);
        item->setToolTip(QString::fromStdString(data.dataset));
        item->setData(Qt::UserRole, entry);
    }
}

void MainWindow::openDataset(const DataConfig& config, const QString& columns) {
    const int generation = ++loadGeneration_;
    datasetStatus_->setText(tr("Loading %1…").arg(QString::fromStdString(config.dataset)));
    auto result = std::make_shared<LoadResult>();
    result->generation = generation;
    result->config = config;
    result->columns = columns;
    QThread* loader = QThread::create([this, result] {
        try {
            LoadOptions options;
            if (!result->columns.isEmpty())
                options.columns = parseColumnMapping(result->columns.toStdString());
            auto data = std::make_shared<const Dataset>(loadDataset(result->config, options));
            result->stats = summarize(*data);
            result->plots = computeHistograms(result->stats);
            result->data = std::move(data);
        } catch (const std::exception& error) {
            result->error = QString::fromUtf8(error.what());
        }
        // Delivered on the window's thread (dropped if the window is gone by then).
        QMetaObject::invokeMethod(
            this, [this, result] { datasetLoaded(result); }, Qt::QueuedConnection);
    });
    loaders_.push_back(loader);
    connect(loader, &QThread::finished, this, [this, loader] {
        loaders_.removeAll(loader);
        loader->deleteLater();
    });
    loader->start(QThread::LowPriority);
}

void MainWindow::datasetLoaded(const std::shared_ptr<LoadResult>& result) {
    if (result->generation != loadGeneration_) return;  // a newer request superseded this one
    if (!result->error.isEmpty()) {
        datasetStatus_->setText(
            tr("Could not load %1: %2")
                .arg(QString::fromStdString(result->config.dataset), result->error));
        Q_EMIT datasetFailed(result->error);
        return;
    }
    currentData_ = result->data;
    currentDataConfig_ = result->config;
    datasetView_->setSummary(result->stats);
    datasetView_->setSequenceLengths(result->plots.lengths);
    datasetView_->setPopularity(result->plots.popularity);
    datasetView_->setCategories(result->plots.categories);
    datasetStatus_->setText(
        tr("%1 — used by the next run.").arg(QString::fromStdString(currentData_->name)));
    RunConfig config = form_->config();
    config.data = result->config;
    form_->setConfig(config);
    rememberDataset(result->config, result->columns);
    Q_EMIT datasetReady(QString::fromStdString(currentData_->name));
}

void MainWindow::importDataset(const QString& path) {
    ImportDatasetDialog dialog(path, this);
    if (dialog.exec() != QDialog::Accepted) return;
    openDataset(dialog.dataConfig(), dialog.columnsText());
}

bool MainWindow::startRun() {
    if (!form_->isValid()) {
        statusBar()->showMessage(tr("Fix the marked fields of the run configuration first."), 5000);
        return false;
    }
    TrainingWorker::Job job;
    job.config = form_->config();
    // The window's loaded dataset serves the run when it is the one the config names (and
    // carries any column mapping the import used); otherwise the worker loads it.
    if (currentData_ && sameDataset(job.config.data, currentDataConfig_)) {
        job.dataset = currentData_;
    }
    const bool queued = isTraining();
    worker_->enqueue(std::move(job));
    statusBar()->showMessage(
        queued ? tr("Run queued behind the current one.") : tr("Starting run…"), 4000);
    updateRunControls();
    return true;
}

void MainWindow::cancelRuns() {
    if (!isTraining()) return;
    worker_->cancelAll();
    progressText_->setText(tr("Cancelling after the current batch…"));
}

void MainWindow::togglePause() {
    if (!worker_->isBusy()) return;
    if (worker_->isPaused()) {
        worker_->resume();
    } else {
        worker_->pause();
        progressText_->setText(tr("Paused."));
    }
    updateRunControls();
}

void MainWindow::resumeSelectedRun() {
    const QVector<qint64> runs = browser_->selectedRuns();
    if (runs.size() != 1) {
        statusBar()->showMessage(tr("Select one cancelled or interrupted run to resume."), 5000);
        return;
    }
    try {
        const RunDetails details = store_->run(runs.front());
        if (details.lastCheckpoint.empty()) {
            QMessageBox::information(this, tr("Resume run"),
                                     tr("This run has no checkpoint to resume from."));
            return;
        }
        TrainingWorker::Job job;
        job.config = runConfigFromJson(nlohmann::json::parse(details.configJson));
        job.resumeRun = runs.front();
        job.resumeFrom = details.lastCheckpoint;
        worker_->enqueue(std::move(job));
        updateRunControls();
    } catch (const std::exception& error) {
        QMessageBox::warning(this, tr("Resume run"), QString::fromUtf8(error.what()));
    }
}

void MainWindow::updateRunControls() {
    const bool busy = worker_->isBusy();
    const int queued = worker_->queuedCount();
    startButton_->setEnabled(form_->isValid());
    startAction_->setEnabled(form_->isValid());
    if (!busy && queued == 0) {
        startButton_->setText(tr("Start run"));
    } else {
        startButton_->setText(queued > 0 ? tr("Queue run (%1 waiting)").arg(queued)
                                         : tr("Queue run"));
    }
    pauseButton_->setEnabled(busy);
    pauseAction_->setEnabled(busy);
    cancelButton_->setEnabled(busy || queued > 0);
    cancelAction_->setEnabled(busy || queued > 0);
    const QString pauseText = worker_->isPaused() ? tr("Resume") : tr("Pause");
    pauseButton_->setText(pauseText);
    pauseAction_->setText(pauseText);
}

void MainWindow::onRunStarted(qint64 runId, const QString& title) {
    liveRun_ = runId;
    updateGuide();
    progress_->setRange(0, 0);
    progress_->setFormat(QStringLiteral("%p %"));
    progressText_->setText(tr("Run %1 (%2): preparing…").arg(runId).arg(title));
    browser_->refresh();
    browserTimer_->start();
    if (browser_->selectedRuns().isEmpty()) showRuns({runId});
    updateRunControls();
}

void MainWindow::onProgress(const TrainingProgress& p) {
    if (p.stepsPerEpoch > 0) epochLengths_[p.runId] = p.stepsPerEpoch;
    if (p.totalSteps > 0) {
        progress_->setRange(
            0, static_cast<int>(std::min<qint64>(p.totalSteps, std::numeric_limits<int>::max())));
        progress_->setValue(static_cast<int>(std::min<qint64>(p.step, p.totalSteps)));
    }
    if (worker_->isPaused()) return;
    const QLocale locale;
    progressText_->setText(
        tr("Run %1 · step %2 / %3 · epoch %4 · %5 samples/s · ETA %6")
            .arg(p.runId)
            .arg(locale.toString(p.step), locale.toString(p.totalSteps))
            .arg(p.epoch + 1)
            .arg(locale.toString(p.samplesPerSecond, 'f', 0), formatDuration(p.etaSeconds)));
}

void MainWindow::updateGuide() {
    const bool empty = liveRun_ == 0 && store_->countRuns(RunQuery{}) == 0;
    centreStack_->setCurrentWidget(empty ? static_cast<QWidget*>(guide_) : centreStack_->widget(0));
}

void MainWindow::addCurve(qint64 runId, bool train, const QString& name,
                          const QVector<double>& steps, const QVector<double>& values) {
    LossCurvePlot* plot = train ? lossPlot_ : validPlot_;
    const bool manyRuns = shownRuns_.size() > 1;
    if (!plottedSeries(train, name, manyRuns)) return;
    const QString series = manyRuns ? QStringLiteral("#%1 %2").arg(runId).arg(name) : name;
    if (manyRuns) plot->setSeriesColor(series, runColours(shownRuns_)[shownRuns_.indexOf(runId)]);
    if (!lossPlot_->perEpoch()) {
        plot->addPoints(series, steps, values);
        return;
    }
    const auto length = epochLengths_.constFind(runId);
    if (length == epochLengths_.cend()) return;
    QVector<double> epochs;
    epochs.reserve(steps.size());
    for (double step : steps) epochs.push_back(step / static_cast<double>(*length));
    plot->addPoints(series, epochs, values);
}

void MainWindow::onCurvePoints(const CurveBatch& batch) {
    if (!shownRuns_.contains(batch.runId)) return;
    const bool train = batch.source == QLatin1String("train");
    for (auto it = batch.values.cbegin(); it != batch.values.cend(); ++it) {
        addCurve(batch.runId, train, it.key(), batch.steps, it.value());
    }
}

void MainWindow::onRunFinished(const RunOutcome& outcome) {
    QString text = tr("Run %1 %2 after %3 steps (%4).")
                       .arg(outcome.runId)
                       .arg(outcome.status)
                       .arg(outcome.steps)
                       .arg(formatDuration(outcome.elapsedSeconds));
    if (outcome.status == QLatin1String("failed")) text += QLatin1Char(' ') + outcome.message;
    progressText_->setText(text);
    // The bar says how the run ended: full only when it trained to its end.
    if (progress_->maximum() == 0) progress_->setRange(0, 1);  // ended while preparing
    if (outcome.status == QLatin1String("cancelled")) {
        progress_->setFormat(tr("cancelled at step %1").arg(outcome.steps));
    } else if (outcome.status == QLatin1String("failed")) {
        progress_->setFormat(
            tr("failed: %1").arg(outcome.message.section(QLatin1Char('\n'), 0, 0)));
    } else {
        progress_->setValue(progress_->maximum());
    }
    statusBar()->showMessage(text, 10000);
    browser_->refresh();
    updateRunControls();
}

void MainWindow::onIdle() {
    browserTimer_->stop();
    browser_->refresh();
    updateRunControls();
    if (closing_) close();
}

void MainWindow::onSelectionChanged(const QVector<qint64>& runs) {
    if (runs.isEmpty()) {
        showRuns(liveRun_ != 0 ? QVector<qint64>{liveRun_} : QVector<qint64>{});
    } else {
        showRuns(runs.mid(0, kMaxOverlaidRuns));
    }
}

void MainWindow::showRuns(const QVector<qint64>& runs) {
    shownRuns_ = runs;
    lossPlot_->clear();
    validPlot_->clear();
    const bool perEpoch = lossPlot_->perEpoch();
    validPlot_->setAxisLabels(perEpoch ? tr("epoch") : tr("step"),
                              runs.size() > 1 ? tr("HR@10") : tr("HR@K, NDCG@K"));
    int leftOut = 0;
    for (qint64 run : runs) {
        try {
            if (perEpoch && !epochLengths_.contains(run)) {
                if (const std::optional<int64_t> length = store_->stepsPerEpoch(run)) {
                    epochLengths_[run] = *length;
                } else if (run != liveRun_) {  // the live run's comes with its progress
                    ++leftOut;
                    continue;
                }
            }
            for (const SeriesInfo& info : store_->seriesList(run)) {
                const QString name = QString::fromStdString(info.name);
                const bool train = info.source == "train";
                if (!train && info.source != "valid") continue;
                if (!plottedSeries(train, name, runs.size() > 1)) continue;
                QVector<double> steps;
                QVector<double> values;
                for (const SeriesPoint& point : store_->series(run, info.source, info.name)) {
                    steps.push_back(static_cast<double>(point.step));
                    values.push_back(point.value);
                }
                addCurve(run, train, name, steps, values);
            }
        } catch (const std::exception& error) {
            statusBar()->showMessage(QString::fromUtf8(error.what()), 5000);
        }
    }
    lossPlot_->setRunsLeftOut(leftOut);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (isTraining() && !closing_) {
        const auto answer = QMessageBox::question(
            this, tr("Training in progress"),
            tr("A run is training. Stop it and quit? The run is kept as cancelled and can be "
               "resumed from its last checkpoint."),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        closing_ = true;
        worker_->cancelAll();
        progressText_->setText(tr("Stopping the run before quitting…"));
        event->ignore();  // closes for real when the worker reports idle
        return;
    }
    if (isTraining()) {
        event->ignore();
        return;
    }
    saveSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().front().isLocalFile()) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString path = event->mimeData()->urls().front().toLocalFile();
    event->acceptProposedAction();
    // Open the dialog after the drop has finished, not inside the drag's event handling.
    QTimer::singleShot(0, this, [this, path] { importDataset(path); });
}

}  // namespace dimerec

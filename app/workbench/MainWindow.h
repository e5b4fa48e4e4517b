#pragma once

#include "config/RunConfig.h"
#include "data/DatasetLoader.h"

#include <QHash>
#include <QMainWindow>
#include <QStringList>
#include <QVector>

#include <memory>

class QAction;
class QLabel;
class QListWidget;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QPushButton;
class QThread;
class QTimer;

namespace dimerec {

class ComparisonView;
class TrialFolderWatcher;
class DatasetStatsView;
class LossCurvePlot;
class RunBrowser;
class RunConfigForm;
class RunStore;
class StudyView;
class TrainingWorker;
struct CurveBatch;
struct Dataset;
struct RunOutcome;
struct TrainingProgress;

// The workbench window: datasets on the left, the run configuration on the right, live
// curves and progress in the middle above the run browser. Every long task (dataset import,
// training) runs in a worker thread; the window only ever shows plain values.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    // storePath "" = RunStore::defaultPath().
    explicit MainWindow(const QString& storePath = QString(), QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads a dataset in the background; its statistics appear when it is ready.
    void openDataset(const DataConfig& config, const QString& columns = QString());
    // Starts (or queues behind the current run) a run of the form's config; false when the
    // form is invalid.
    bool startRun();
    void cancelRuns();
    void importDataset(const QString& path = QString());
    // File → Run sweep…: shows the experiment file's trials and queues those not yet done
    // ("" asks for the file).
    void runSweep(const QString& path = QString());
    // File → Watch cluster results…: imports the runs that cluster jobs (dimerec sweep
    // --slurm) write into a folder as they end ("" asks for the folder).
    void watchTrialFolder(const QString& folder = QString());
    // File → Import runs… / Import runs from folder…: run bundles (`dimerec runs export`; a
    // folder stands for its bundles, e.g. experiments/results/compare-beauty-full) and run
    // databases into the store, each file on its own, so one bad file loses nothing else.
    struct RunImportReport {
        int added = 0;
        int alreadyStored = 0;
        QStringList failures;  // one line per file (or folder) that could not be imported
    };
    RunImportReport importRuns(const QStringList& paths);
    // View → Reset layout: the docks and splitters as on a first start, the window filling
    // the screen.
    void resetLayout();

    RunConfigForm* configForm() const { return form_; }
    LossCurvePlot* lossPlot() const { return lossPlot_; }
    LossCurvePlot* validationPlot() const { return validPlot_; }
    RunBrowser* runBrowser() const { return browser_; }
    TrainingWorker* worker() const { return worker_; }
    DatasetStatsView* datasetView() const { return datasetView_; }
    ComparisonView* comparisonView() const { return comparison_; }
    StudyView* studyView() const { return studies_; }
    TrialFolderWatcher* trialWatcher() const { return trialWatcher_; }
    std::shared_ptr<const Dataset> currentDataset() const { return currentData_; }
    bool isTraining() const;

Q_SIGNALS:
    void datasetReady(const QString& name);
    void datasetFailed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct LoadResult;

    void buildActions();
    void buildDatasetDock();
    void buildConfigDock();
    void buildCentre();
    void buildStatusBar();
    void buildAnalysisDocks();
    void fitToScreen();
    void restoreSettings();
    void saveSettings();
    void rememberDataset(const DataConfig& config, const QString& columns);
    void refreshDatasetList();
    void datasetLoaded(const std::shared_ptr<LoadResult>& result);

    void onRunStarted(qint64 runId, const QString& title);
    void onProgress(const TrainingProgress& progress);
    void onCurvePoints(const CurveBatch& batch);
    void onRunFinished(const RunOutcome& outcome);
    void onIdle();
    void onSelectionChanged(const QVector<qint64>& runs);
    void showRuns(const QVector<qint64>& runs);
    // Adds points of a run's stored or live series to its plot, if the plots show it; per
    // epoch, only once the run's epoch length is known.
    void addCurve(qint64 runId, bool train, const QString& name, const QVector<double>& steps,
                  const QVector<double>& values);
    // The first-run guide in place of the curves while the run store is empty.
    void updateGuide();
    void resumeSelectedRun();
    void togglePause();
    void updateRunControls();

    QString storePath_;
    std::unique_ptr<RunStore> store_;
    QThread* workerThread_ = nullptr;
    TrainingWorker* worker_ = nullptr;
    QVector<QThread*> loaders_;
    int loadGeneration_ = 0;

    QListWidget* datasets_ = nullptr;
    DatasetStatsView* datasetView_ = nullptr;
    QLabel* datasetStatus_ = nullptr;
    RunConfigForm* form_ = nullptr;
    QPushButton* startButton_ = nullptr;
    LossCurvePlot* lossPlot_ = nullptr;
    LossCurvePlot* validPlot_ = nullptr;
    QStackedWidget* centreStack_ = nullptr;  // the curves, or the guide
    QLabel* guide_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* progressText_ = nullptr;
    QPushButton* pauseButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    RunBrowser* browser_ = nullptr;
    QTimer* browserTimer_ = nullptr;
    ComparisonView* comparison_ = nullptr;
    StudyView* studies_ = nullptr;
    TrialFolderWatcher* trialWatcher_ = nullptr;

    QMenu* viewMenu_ = nullptr;
    QAction* startAction_ = nullptr;
    QAction* pauseAction_ = nullptr;
    QAction* cancelAction_ = nullptr;
    QAction* importAction_ = nullptr;
    QAction* resumeAction_ = nullptr;

    QByteArray defaultDockState_;  // the docks as built, for View → Reset layout

    std::shared_ptr<const Dataset> currentData_;
    DataConfig currentDataConfig_;  // what currentData_ was loaded with
    qint64 liveRun_ = 0;
    QVector<qint64> shownRuns_;  // runs whose curves the plots show
    // Steps per epoch of the runs whose length is known: the live run's from its progress,
    // stored runs' from their points (RunStore::stepsPerEpoch), for the curves per epoch.
    QHash<qint64, qint64> epochLengths_;
    bool closing_ = false;
};

}  // namespace dimerec

#pragma once

#include "analysis/EmbeddingAnalysis.h"

#include <QString>
#include <QWidget>

#include <memory>

class QCheckBox;
class QCustomPlot;
class QLabel;
class QMainWindow;
class QMenu;
class QSlider;
class QSpinBox;
class QThread;

namespace dimerec {

class DiversityView;
class RunBrowser;
class SphereView;

// The sphere view and Hammer map of one run: loads the run's best checkpoint in a worker
// thread (analyseCheckpoint), never on the window's thread, and shows the result; a user
// selector, sample and top-N counts, and a slider over the run's embedding snapshots. Work
// starts only while the explorer is visible (or when asked by ensureAnalysed).
class EmbeddingExplorer : public QWidget {
    Q_OBJECT

public:
    explicit EmbeddingExplorer(const QString& storePath, QWidget* parent = nullptr);
    ~EmbeddingExplorer() override;

    // Shows this run (0 = none); computes when visible.
    void showRun(qint64 runId);
    qint64 run() const { return runId_; }
    // Starts the computation for the current run and settings unless it is done or running.
    void ensureAnalysed();
    bool isBusy() const { return busy_; }

    SphereView* sphere() const { return sphere_; }
    QCustomPlot* hammerMap() const { return hammer_; }
    // The item table's norms by training frequency: the best checkpoint's and the snapshot's
    // chosen with the slider; their mean pairwise cosines in cosineText().
    QCustomPlot* normsPlot() const { return norms_; }
    QString cosineText() const;
    QCheckBox* normsLogScale() const { return normsLog_; }
    QString statusText() const;
    // The latest analysis (empty scene before the first one).
    const EmbeddingAnalysis& analysis() const { return *analysis_; }

Q_SIGNALS:
    // A run's analysis arrived (the category distribution is in analysis()).
    void analysed(qint64 runId);
    void analysisFailed(qint64 runId, const QString& message);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void start();
    void finished(qint64 runId, int generation, const std::shared_ptr<EmbeddingAnalysis>& result,
                  const QString& error);
    void showSnapshot(int index);
    void drawNorms();

    QString storePath_;
    qint64 runId_ = 0;
    qint64 analysedRun_ = 0;
    int generation_ = 0;
    int analysedGeneration_ = -1;
    bool busy_ = false;
    QThread* thread_ = nullptr;
    std::shared_ptr<EmbeddingAnalysis> analysis_;

    QLabel* status_ = nullptr;
    QSpinBox* user_ = nullptr;
    QSpinBox* samples_ = nullptr;
    QSpinBox* topN_ = nullptr;
    QSlider* snapshot_ = nullptr;
    QLabel* snapshotLabel_ = nullptr;
    SphereView* sphere_ = nullptr;
    QCustomPlot* hammer_ = nullptr;
    QCustomPlot* norms_ = nullptr;
    QCheckBox* normsLog_ = nullptr;
    QLabel* cosines_ = nullptr;
};

// Adds the "Embeddings" (EmbeddingExplorer) and "Diversity" (DiversityView) docks to the
// window, fed by the run browser's selection: the diversity view compares the selected runs'
// final metrics, the explorer shows the first selected run and hands its category
// distribution to the diversity view. Both docks start hidden (View menu).
void addEmbeddingDocks(QMainWindow* window, QMenu* viewMenu, RunBrowser* browser,
                       const QString& storePath);

}  // namespace dimerec

#pragma once

#include "analysis/DiffusionInspection.h"
#include "config/RunConfig.h"

#include <QString>
#include <QWidget>

#include <memory>

class QCustomPlot;
class QLabel;
class QMainWindow;
class QMenu;
class QPushButton;
class QSpinBox;
class QThread;

namespace dimerec {

class RunBrowser;
class RunConfigForm;

// The diffusion inspector (issue 19): what the configured forward process does to x0 at each
// step beside where the sampler starts (forwardProcessProfile), and, for a test user of the
// selected run's best checkpoint, how its reverse chain approaches its output and the true next
// item (reverseChainOfCheckpoint). Both are computed in worker threads, never on the window's.
class DiffusionInspector : public QWidget {
    Q_OBJECT

public:
    explicit DiffusionInspector(const QString& storePath, QWidget* parent = nullptr);
    ~DiffusionInspector() override;

    // Profiles this process (a model config's diffusion fields) in a worker thread.
    void profile(const ModelConfig& model);
    // The run whose best checkpoint the reverse chain is traced on (0 = none).
    void showRun(qint64 runId);
    // Traces the chain of the shown run's chosen test user in a worker thread.
    void trace();

    QCustomPlot* forwardPlot() const { return forward_; }
    QCustomPlot* reversePlot() const { return reverse_; }
    QSpinBox* userChooser() const { return user_; }
    QPushButton* profileButton() const { return profileButton_; }
    QPushButton* traceButton() const { return traceButton_; }
    QString forwardStatus() const;
    QString reverseStatus() const;
    bool isBusy() const { return profiling_ || tracing_; }

Q_SIGNALS:
    // The profile button was pressed: the owner answers with profile(its config).
    void profileRequested();
    void profiled();
    void traced(qint64 runId);
    void failed(const QString& message);

private:
    void startProfile();
    void startTrace();
    void profiledWith(int generation, const std::shared_ptr<ForwardProfile>& result,
                      const QString& error);
    void tracedWith(qint64 runId, int generation, const std::shared_ptr<ReverseChain>& result,
                    const QString& error);

    QString storePath_;
    QLabel* forwardStatus_ = nullptr;
    QLabel* reverseStatus_ = nullptr;
    QCustomPlot* forward_ = nullptr;
    QCustomPlot* reverse_ = nullptr;
    QSpinBox* user_ = nullptr;
    QPushButton* profileButton_ = nullptr;
    QPushButton* traceButton_ = nullptr;
    qint64 runId_ = 0;
    ModelConfig model_;          // the process of the latest profile request
    int profileGeneration_ = 0;  // requests so far; a result of an older one is computed again
    int traceGeneration_ = 0;
    bool profiling_ = false;
    bool tracing_ = false;
    QThread* profileThread_ = nullptr;  // the running computations, joined on destruction
    QThread* traceThread_ = nullptr;
};

// Adds the "Diffusion inspector" dock (started hidden, in the View menu): it profiles the run
// form's process on request and traces the reverse chain of the run browser's first selected run.
void addDiffusionInspectorDock(QMainWindow* window, QMenu* viewMenu, RunBrowser* browser,
                               RunConfigForm* form, const QString& storePath);

}  // namespace dimerec

#pragma once

#include "experiment/Sweep.h"
#include "experiment/SweepRunner.h"

#include <QDateTime>
#include <QDialog>

#include <vector>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace dimerec {

class RunStore;

// A trial to train, where the run store stands with it: state.resumeFrom set, the cancelled or
// interrupted run state.resumeRun continues from that checkpoint (as `dimerec sweep` does).
struct PendingTrial {
    Trial trial;
    TrialState state;
};

// File → Run sweep…: shows an experiment file's trials (variants × grid × seeds) with what the
// run store already holds of them, the number of runs left and an estimate of their time, and
// lets the user pick a profile. On OK the window queues pendingTrials().
class SweepDialog : public QDialog {
    Q_OBJECT

public:
    SweepDialog(RunStore& store, const QString& path, QWidget* parent = nullptr);

    // Reads the file with `profile` ("" = the file's own settings); false (and the reason
    // shown in the dialog) when the file does not load.
    bool load(const QString& path, const QString& profile = QString());

    const ExperimentFile& experiment() const { return experiment_; }
    const std::vector<Trial>& trials() const { return trials_; }
    int finishedCount() const { return state_.finished(); }
    int runningCount() const { return state_.running(); }
    // The trials neither finished nor running elsewhere, in the order they run (SweepState::
    // pending: every trial's first seed first).
    std::vector<PendingTrial> pendingTrials() const;
    // "0:42:00 (mean of 4 finished runs of this study)", or "unknown (…)".
    QString estimateText() const { return estimate_; }
    QString summaryText() const;
    QTableWidget* trialTable() const { return table_; }
    QComboBox* profileChooser() const { return profile_; }
    // "Start trials only until": a trial starts only when its estimate ends before this time
    // (TrainingWorker::Job::startBefore); invalid when the box is not ticked.
    QDateTime startBefore() const;
    // How many of the pending trials start before startBefore() if each trains as long as
    // estimated (at each one's turn, TrialTimes::fits, as the training worker decides; a trial
    // without an estimate starts and counts no time); all of them without a budget.
    int trialsWithinBudget() const;
    QCheckBox* budgetBox() const { return budget_; }
    QDateTimeEdit* budgetEnd() const { return until_; }

private:
    void chooseFile();
    void fillTable();
    QString estimate() const;

    RunStore& store_;
    ExperimentFile experiment_;
    std::vector<Trial> trials_;
    SweepState state_;
    QString estimate_;
    bool loaded_ = false;
    bool updating_ = false;

    QLineEdit* path_ = nullptr;
    QLabel* description_ = nullptr;
    QComboBox* profile_ = nullptr;
    QCheckBox* budget_ = nullptr;
    QDateTimeEdit* until_ = nullptr;
    QLabel* summary_ = nullptr;
    QTableWidget* table_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace dimerec

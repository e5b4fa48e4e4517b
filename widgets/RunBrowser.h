#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

#include <cstdint>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace dimerec {

class RunStore;
class RunTableModel;

// The run browser: the stored runs as a sortable, filterable table that pages through the
// database, with multi-select, tags, notes and delete, and "run again with changes".
class RunBrowser : public QWidget {
    Q_OBJECT

public:
    explicit RunBrowser(RunStore& store, QWidget* parent = nullptr);

    RunTableModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QVector<qint64> selectedRuns() const;
    void selectRuns(const QVector<qint64>& ids);
    // Re-reads the runs (live updates while runs progress); keeps the selection.
    void refresh();
    void setFilterText(const QString& text);
    // Deletes the selected runs after asking (or without asking when `confirm` is false).
    void deleteSelected(bool confirm = true);
    // Writes each selected run as a bundle into `folder` (RunStore::bundleFileName; a cancelled
    // or interrupted run's carries its last checkpoint where it has one on this machine, as
    // <study>-<uuid>.unfinished.json.gz like `runs export --resumable`, so that Resume
    // continues it where it is imported) and says so in statusMessage; returns the files
    // written.
    QStringList exportSelected(const QString& folder);

Q_SIGNALS:
    void selectionChanged(const QVector<qint64>& runs);
    // The stored config JSON of a run the user wants to run again with changes.
    void rerunRequested(const QString& configJson);
    // The selected runs, to be compared as single runs or as their seed groups (context menu).
    void compareRunsRequested(const QVector<qint64>& runs);
    void compareSeedGroupsRequested(const QVector<qint64>& runs);
    // What an action did, for the window's status bar.
    void statusMessage(const QString& message);

private:
    void updateDetails();
    void addTagsFromEditor();
    void removeTagsFromEditor();
    void saveNotes();
    // Runs a store edit; a store error is shown instead of escaping the event loop.
    template <class Action>
    void guarded(Action&& action);

    RunStore& store_;
    RunTableModel* model_ = nullptr;
    QLineEdit* filter_ = nullptr;
    QTableView* table_ = nullptr;
    QLabel* details_ = nullptr;
    QLineEdit* tags_ = nullptr;
    QPlainTextEdit* notes_ = nullptr;
    QPushButton* saveNotes_ = nullptr;
    QPushButton* rerun_ = nullptr;
    QPushButton* delete_ = nullptr;
    QVector<qint64> keptSelection_;
};

}  // namespace dimerec

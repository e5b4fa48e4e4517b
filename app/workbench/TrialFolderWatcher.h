#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

class QFileSystemWatcher;
class QTimer;

namespace dimerec {

class RunStore;

// Follows a folder where cluster jobs write their results (one run database per Slurm array
// task, `dimerec sweep --slurm`) and imports each run into the window's store once it has
// ended there. A file is looked at again only when its size or time changed; a file that is
// not a run database, or is being written, is skipped with a message and tried again later.
class TrialFolderWatcher : public QObject {
    Q_OBJECT

public:
    // The store must outlive the watcher. `study` "" keeps each run's own study.
    TrialFolderWatcher(RunStore& store, const QString& folder, const QString& study = QString(),
                       QObject* parent = nullptr);

    const QString& folder() const { return folder_; }
    // Imports what has ended since the last scan; returns how many runs it added.
    int scan();

Q_SIGNALS:
    // After a scan that added runs.
    void runsImported(int count);
    // A file that could not be read (it is tried again when it changes).
    void problem(const QString& message);

private:
    RunStore& store_;
    QString folder_;
    QString study_;
    QFileSystemWatcher* watcher_ = nullptr;
    QTimer* poll_ = nullptr;
    QHash<QString, QString> seen_;  // file → "size:mtime" at its last complete import
};

}  // namespace dimerec

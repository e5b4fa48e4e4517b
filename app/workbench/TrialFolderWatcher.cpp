#include "TrialFolderWatcher.h"

#include "store/RunStore.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

#include <exception>

namespace dimerec {
namespace {

// A job writes into its database for minutes without touching the folder, so the folder
// signal alone would miss a run that ends; a slow poll catches it.
constexpr int kPollMilliseconds = 5000;

}  // namespace

TrialFolderWatcher::TrialFolderWatcher(RunStore& store, const QString& folder, const QString& study,
                                       QObject* parent)
    : QObject(parent),
      store_(store),
      folder_(folder),
      study_(study),
      watcher_(new QFileSystemWatcher(this)),
      poll_(new QTimer(this)) {
    watcher_->addPath(folder_);
    connect(watcher_, &QFileSystemWatcher::directoryChanged, this, [this] { scan(); });
    poll_->setInterval(kPollMilliseconds);
    connect(poll_, &QTimer::timeout, this, [this] { scan(); });
    poll_->start();
}

int TrialFolderWatcher::scan() {
    int added = 0;
    const QFileInfoList files =
        QDir(folder_).entryInfoList({QStringLiteral("*.sqlite")}, QDir::Files, QDir::Name);
    for (const QFileInfo& file : files) {
        const QString path = file.absoluteFilePath();
        // The WAL file changes while the main file does not: both go into the signature.
        const QFileInfo wal(path + QStringLiteral("-wal"));
        const QString signature =
            QStringLiteral("%1:%2:%3:%4")
                .arg(file.size())
                .arg(file.lastModified().toMSecsSinceEpoch())
                .arg(wal.exists() ? wal.size() : -1)
                .arg(wal.exists() ? wal.lastModified().toMSecsSinceEpoch() : -1);
        if (seen_.value(path) == signature) continue;
        try {
            added += static_cast<int>(
                store_.importDatabase(path.toStdString(), study_.toStdString(), true).size());
            seen_.insert(path, signature);
        } catch (const std::exception& error) {
            Q_EMIT problem(QString::fromUtf8(error.what()));
        }
    }
    if (added > 0) Q_EMIT runsImported(added);
    return added;
}

}  // namespace dimerec

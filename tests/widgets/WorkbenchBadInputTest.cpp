// The workbench's ways in for outside files, given bad ones (docs/reliability.md, catalogue
// "workbench"): a file dropped on the window, a database given with --store, the import
// dialog. Each gets its exact message; nothing crashes and the runs already stored stay.
#include "ImportDatasetDialog.h"
#include "MainWindow.h"
#include "QtTestApp.h"
#include "store/RunStore.h"
#include "store/StoreError.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace dimerec {
namespace {

constexpr int kWaitMs = 30'000;  // upper bound for a busy two-core machine

QString fixture(const QString& relative) {
    return QStringLiteral(DIMEREC_FIXTURES_DIR "/") + relative;
}

// "{dir}" in an expected message stands for the test's scratch folder, "{base}" for its name.
std::string expand(const std::string& text, const QString& dir) {
    return QString::fromStdString(text)
        .replace(QStringLiteral("{dir}"), dir)
        .replace(QStringLiteral("{base}"), QFileInfo(dir).fileName())
        .toStdString();
}

constexpr const char* kNotADatabase =
    ": is not a DimeRec run database (not an SQLite file, or damaged: file is not a "
    "database) — found while opening the database; give another file, or restore this one "
    "from a backup";

class WorkbenchBadInputTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtTestApp();
        ASSERT_TRUE(dir_.isValid());
        isolateWindowState(dir_, QStringLiteral("DimeRecBadInputTest"));
        // One stored run that no bad input may lose.
        RunStore store(storePath().toStdString());
        store.importBundle(fixture(QStringLiteral("store/run-bundle-seed1.json")).toStdString());
    }

    QString storePath() const { return dir_.filePath(QStringLiteral("runs.sqlite")); }
    int storedRuns() const {
        RunQuery all;
        all.includeArchived = true;
        return static_cast<int>(RunStore(storePath().toStdString()).countRuns(all));
    }
    QString write(const QString& name, const QByteArray& bytes) const {
        const QString path = dir_.filePath(name);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        return path;
    }

    QTemporaryDir dir_;
};

// What happened to a file dropped on the window: the import dialog's verdict, and the
// window's message when the import was allowed and then failed.
struct DropOutcome {
    QString detected;
    bool importAllowed = false;
    QString failure;
};

// The window with its drop handler reachable (a synthetic drop sent through QApplication
// needs a drag in progress).
class DropTarget : public MainWindow {
public:
    using MainWindow::dropEvent;
    using MainWindow::MainWindow;
};

DropOutcome dropOn(DropTarget& window, const QString& path) {
    DropOutcome outcome;
    bool answered = false;
    QTimer answer;
    answer.setInterval(10);
    QObject::connect(&answer, &QTimer::timeout, [&] {
        auto* dialog = window.findChild<ImportDatasetDialog*>();
        if (dialog == nullptr || !dialog->isVisible()) return;
        answer.stop();
        outcome.detected = dialog->findChild<QLabel*>(QStringLiteral("detected"))->text();
        QPushButton* import = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        outcome.importAllowed = import->isEnabled();
        if (outcome.importAllowed) {
            dialog->accept();
        } else {
            dialog->reject();
        }
        answered = true;
    });
    QSignalSpy failed(&window, &MainWindow::datasetFailed);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    answer.start();
    window.dropEvent(&drop);
    QElapsedTimer clock;
    clock.start();
    while (!answered && clock.elapsed() < kWaitMs) QTest::qWait(10);
    EXPECT_TRUE(answered) << "no import dialog for " << path.toStdString();
    if (outcome.importAllowed) {
        while (failed.isEmpty() && clock.elapsed() < kWaitMs) QTest::qWait(10);
        if (!failed.isEmpty()) outcome.failure = failed.front().front().toString();
    }
    return outcome;
}

struct DroppedFile {
    const char* name;      // file written into the scratch folder ("" = the folder itself)
    QByteArray bytes;      // its content
    std::string detected;  // the import dialog's line about it
    std::string failure;   // the window's message after Import ("" = Import was refused)
};

// A binary file, an empty one, a damaged gzip, and a folder without data dropped on the
// window: the dialog names the format it will try, the load fails with the file's problem
// (or the dialog refuses the folder), and the stored run is still there.
TEST_F(WorkbenchBadInputTest, DroppedFilesGetTheirExactMessage) {
    const std::vector<DroppedFile> cases = {
        {"photo.png", QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16),
         "Detected: {base}/photo.png (sequences)",
         "{dir}/photo.png:3: holds binary data (a NUL byte), not text; give a text file of "
         "interactions (UTF-8)"},
        {"empty.txt", QByteArray(), "Detected: {base}/empty.txt (sequences)",
         "{dir}/empty.txt: the file is empty"},
        {"log.txt.gz", QByteArray("\x1f\x8b\x08\x00\x01\x02\x03", 7),
         "Detected: {base}/log.txt (sequences)",
         "{dir}/log.txt.gz: unreadable gzip data (truncated or damaged)"},
        {"notes/", QByteArray(),
         "dataset folder '{dir}/notes': found none of u.data, ratings.dat, ratings.csv, "
         "sequences.txt or X.txt with X_item2attributes.json; give the interaction file itself",
         ""},
    };
    auto window = std::make_unique<DropTarget>(storePath());
    window->show();
    for (const DroppedFile& dropped : cases) {
        SCOPED_TRACE(dropped.name);
        const QString name = QString::fromUtf8(dropped.name);
        QString path;
        if (name.endsWith(QLatin1Char('/'))) {
            write(name + QStringLiteral("README.md"), "only notes here\n");
            path = dir_.filePath(name.chopped(1));
        } else {
            path = write(name, dropped.bytes);
        }
        const DropOutcome outcome = dropOn(*window, path);
        EXPECT_EQ(outcome.detected.toStdString(), expand(dropped.detected, dir_.path()));
        EXPECT_EQ(outcome.importAllowed, !dropped.failure.empty());
        EXPECT_EQ(outcome.failure.toStdString(), expand(dropped.failure, dir_.path()));
    }
    window.reset();
    EXPECT_EQ(storedRuns(), 1);
}

// The import dialog pointed at a folder without data, at a file that does not exist, and
// given a column mapping it cannot read: it says why and keeps Import disabled.
TEST_F(WorkbenchBadInputTest, ImportDialogRefusesWhatItCannotRead) {
    write(QStringLiteral("empty-folder/README.md"), "only notes here\n");
    const QString log = write(QStringLiteral("shop.csv"), "customer,sku\nc1,s1\n");
    struct Case {
        QString path;
        QString columns;
        std::string detected;
        std::string columnsError;
    };
    const std::vector<Case> cases = {
        {dir_.filePath(QStringLiteral("empty-folder")), QString(),
         "dataset folder '{dir}/empty-folder': found none of u.data, ratings.dat, ratings.csv, "
         "sequences.txt or X.txt with X_item2attributes.json; give the interaction file itself",
         ""},
        {dir_.filePath(QStringLiteral("missing.csv")), QString(),
         "dataset '{dir}/missing.csv': no such file or folder", ""},
        {log, QStringLiteral("user=customer,item"), "Detected: {base}/shop.csv (delimited)",
         "column mapping: expected key=value, got 'item'"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.path.toStdString());
        ImportDatasetDialog dialog(c.path);
        dialog.findChild<QLineEdit*>(QStringLiteral("columns"))->setText(c.columns);
        EXPECT_EQ(dialog.findChild<QLabel*>(QStringLiteral("detected"))->text().toStdString(),
                  expand(c.detected, dir_.path()));
        EXPECT_EQ(dialog.findChild<QLabel*>(QStringLiteral("problem"))->text().toStdString(),
                  expand(c.columnsError, dir_.path()));
        EXPECT_FALSE(
            dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->isEnabled());
    }
}

// `dimerec-workbench --store` given a file that is no run database, a damaged one, a folder, or
// a database of a newer DimeRec: the window refuses it with the store's message (main() shows
// it and exits; the damaged store aborted the program before: the training thread was already
// running when the first query failed) and leaves the file as it was.
TEST_F(WorkbenchBadInputTest, BadStoreIsRefusedAndLeftUntouched) {
    const QString newer = dir_.filePath(QStringLiteral("newer.sqlite"));
    {
        RunStore store(newer.toStdString());
        store.importBundle(fixture(QStringLiteral("store/run-bundle-seed1.json")).toStdString());
    }
    SQLite::Database(newer.toStdString(), SQLite::OPEN_READWRITE).exec("PRAGMA user_version = 99");
    // A store that opens (header and schema intact) but whose runs table's first page is
    // garbage: the first query of the window's panes fails.
    const QString damaged = dir_.filePath(QStringLiteral("damaged.sqlite"));
    {
        RunStore store(damaged.toStdString());
        store.importBundle(fixture(QStringLiteral("store/run-bundle-seed1.json")).toStdString());
    }
    {
        SQLite::Database db(damaged.toStdString(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        const int root = db.execAndGet("SELECT rootpage FROM sqlite_master WHERE name = 'runs'");
        const int page = db.execAndGet("PRAGMA page_size");
        QFile file(damaged);
        ASSERT_TRUE(file.open(QIODevice::ReadWrite));
        ASSERT_TRUE(file.seek(static_cast<qint64>(root - 1) * page));
        file.write(QByteArray(page, '\x5a'));
    }
    struct Case {
        QString path;
        std::string message;
    };
    const std::vector<Case> cases = {
        {write(QStringLiteral("corrupt.sqlite"),
               QByteArray("SQLite format 3\0", 16) + QByteArray(4080, '\x5a')),
         std::string("{dir}/corrupt.sqlite") + kNotADatabase},
        {write(QStringLiteral("ratings.csv"), "userId,movieId,rating,timestamp\n1,1,4.0,1\n"),
         std::string("{dir}/ratings.csv") + kNotADatabase},
        {dir_.path(),
         "{dir}: is a folder, not a database file; give a file in it, e.g. "
         "{dir}/runs.sqlite"},
        {damaged,
         "{dir}/damaged.sqlite: is not a DimeRec run database (not an SQLite file, or damaged: "
         "database disk image is malformed) — found while counting runs; give another file, or "
         "restore this one from a backup"},
        {newer,
         "{dir}/newer.sqlite: was written by a newer DimeRec (schema version 99; this program "
         "knows up to 3); upgrade DimeRec to open it. The file was left untouched"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.path.toStdString());
        QFile file(c.path);
        const QByteArray before = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        file.close();
        try {
            MainWindow window(c.path);
            ADD_FAILURE() << "the window opened " << c.path.toStdString();
        } catch (const StoreError& error) {
            EXPECT_EQ(std::string(error.what()), expand(c.message, dir_.path()));
        }
        const QByteArray after = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        EXPECT_EQ(after, before);
    }
    EXPECT_EQ(storedRuns(), 1);
}

}  // namespace
}  // namespace dimerec

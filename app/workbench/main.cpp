// The DimeRec Workbench desktop application.
#include "MainWindow.h"
#include "RunConfigForm.h"
#include "StallMonitor.h"
#include "StallScenario.h"
#include "config/ConfigFile.h"
#include "train/MemoryTuning.h"
#include "util/OpenMpEnvironment.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QMessageBox>
#include <QTimer>

#include <cstdio>
#include <exception>
#include <memory>
#include <optional>

int main(int argc, char** argv) {
    dimerec::ensurePassiveOpenMpWait(argv);
    // Before any thread allocates tensors (the training and analysis workers).
    dimerec::retainLargeAllocations();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("DimeRec Workbench"));
    QApplication::setOrganizationName(QStringLiteral("DimeRec"));
    // Ties the window to its installed desktop entry (task bars, Wayland).
    QGuiApplication::setDesktopFileName(QStringLiteral("org.dimerec.Workbench"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Train and compare DimeRec runs."));
    parser.addHelpOption();
    const QCommandLineOption config(
        QStringLiteral("config"),
        QApplication::translate("main", "Fill the run configuration from a JSON file."),
        QStringLiteral("file"));
    const QCommandLineOption start(
        QStringLiteral("start"),
        QApplication::translate("main", "Start the configured run once the dataset is loaded."));
    const QCommandLineOption store(
        QStringLiteral("store"),
        QApplication::translate("main", "Run database to use (default: the user's)."),
        QStringLiteral("path"));
    const QCommandLineOption measureStalls(
        QStringLiteral("measure-stalls"),
        QApplication::translate("main",
                                "Measure how late the event loop serves a 1 ms timer and write "
                                "the summary (JSON) to the file on exit."),
        QStringLiteral("file"));
    const QCommandLineOption drive(
        QStringLiteral("drive"),
        QApplication::translate("main",
                                "Benchmark: drive the window through a scenario (train, compare, "
                                "sphere) and quit; with --measure-stalls, a picture of the window "
                                "is saved beside the summary."),
        QStringLiteral("scenario"));
    parser.addOptions({config, start, store, measureStalls, drive});
    parser.process(app);
    std::optional<dimerec::StallScenario::Kind> scenario;
    if (parser.isSet(drive)) {
        scenario = dimerec::StallScenario::parse(parser.value(drive));
        if (!scenario) {
            std::fprintf(stderr, "--drive: unknown scenario '%s' (train, compare or sphere)\n",
                         qPrintable(parser.value(drive)));
            return 2;
        }
    }

    std::unique_ptr<dimerec::MainWindow> window;
    try {
        window = std::make_unique<dimerec::MainWindow>(parser.value(store));
        if (parser.isSet(config)) {
            const dimerec::RunConfig file =
                dimerec::readRunConfigFile(parser.value(config).toStdString());
            window->configForm()->setConfig(file);
            // The file's dataset, as if picked in the dataset list (else the dataset loading
            // meanwhile would replace the file's data section when it arrives).
            window->openDataset(file.data);
        }
    } catch (const std::exception& error) {
        QMessageBox::critical(nullptr, QApplication::applicationName(),
                              QString::fromUtf8(error.what()));
        return 1;
    }
    if (parser.isSet(start)) {
        QObject::connect(
            window.get(), &dimerec::MainWindow::datasetReady, window.get(),
            [&window] { window->startRun(); }, Qt::SingleShotConnection);
    }
    dimerec::StallMonitor monitor;
    const QString stallFile = parser.value(measureStalls);
    if (!stallFile.isEmpty()) {
        // Measured from the first turn of the event loop to the last.
        QTimer::singleShot(0, &monitor, &dimerec::StallMonitor::start);
        QObject::connect(&app, &QCoreApplication::aboutToQuit, &monitor, [&monitor, &stallFile] {
            monitor.stop();
            for (const dimerec::StallMonitor::Summary& s : monitor.summaries()) {
                std::printf(
                    "stalls %-9s %7.1f s  p50 %6.2f ms  p99 %7.2f ms  max %7.1f ms  "
                    ">16 ms: %lld  >100 ms: %lld\n",
                    qPrintable(s.phase), s.seconds, s.p50Ms, s.p99Ms, s.maxMs,
                    static_cast<long long>(s.overFrame), static_cast<long long>(s.overFreeze));
            }
            QString error;
            if (!monitor.writeJson(stallFile, &error))
                std::fprintf(stderr, "cannot write %s: %s\n", qPrintable(stallFile),
                             qPrintable(error));
        });
    }
    std::unique_ptr<dimerec::StallScenario> driver;
    if (scenario) {
        const QFileInfo summary(stallFile);
        driver = std::make_unique<dimerec::StallScenario>(
            *scenario, *window, monitor,
            stallFile.isEmpty() ? QString()
                                : summary.path() + QLatin1Char('/') + summary.completeBaseName() +
                                      QStringLiteral(".png"));
        QTimer::singleShot(0, driver.get(), &dimerec::StallScenario::start);
    }
    window->show();
    return QApplication::exec();
}

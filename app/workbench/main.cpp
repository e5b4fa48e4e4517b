// The DimeRec Workbench desktop application.
#include "MainWindow.h"
#include "RunConfigForm.h"
#include "config/ConfigFile.h"
#include "train/MemoryTuning.h"
#include "util/OpenMpEnvironment.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

#include <exception>
#include <memory>

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
    parser.addOptions({config, start, store});
    parser.process(app);

    std::unique_ptr<dimerec::MainWindow> window;
    try {
        window = std::make_unique<dimerec::MainWindow>(parser.value(store));
        if (parser.isSet(config)) {
            window->configForm()->setConfig(
                dimerec::readRunConfigFile(parser.value(config).toStdString()));
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
    window->show();
    return QApplication::exec();
}

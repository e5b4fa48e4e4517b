// The DimeRec Workbench desktop application.
#include "MainWindow.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("DimeRec Workbench"));
    QApplication::setOrganizationName(QStringLiteral("DimeRec"));
    dimerec::MainWindow window;
    window.show();
    return QApplication::exec();
}

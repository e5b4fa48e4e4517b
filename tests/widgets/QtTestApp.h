#pragma once

#include <QApplication>
#include <QLocale>

namespace dimerec {

// One QApplication for the whole test program (Qt allows exactly one, and tests share the
// process); created on first use and kept until exit. The C locale keeps numbers predictable.
inline QApplication& qtTestApp() {
    static int argc = 1;
    static char name[] = "dimerec-widget-test";
    static char* argv[] = {name, nullptr};
    static QApplication* app = [] {
        auto* created = new QApplication(argc, argv);
        QLocale::setDefault(QLocale::c());
        return created;
    }();
    return *app;
}

}  // namespace dimerec

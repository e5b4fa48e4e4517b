#pragma once

#include <QApplication>
#include <QLocale>
#include <QSettings>
#include <QString>
#include <QTemporaryDir>

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

// A window test's own world inside `dir`: its QSettings (saved layouts, recent datasets) under
// the organisation name `organisation`, and its dataset cache.
inline void isolateWindowState(const QTemporaryDir& dir, const QString& organisation) {
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       dir.filePath(QStringLiteral("settings")));
    QCoreApplication::setOrganizationName(organisation);
    qputenv("DIMEREC_CACHE_DIR", dir.filePath(QStringLiteral("cache")).toUtf8());
}

}  // namespace dimerec

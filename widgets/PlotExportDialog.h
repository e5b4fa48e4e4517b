#pragma once

#include "PlotExport.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace dimerec {

// Asks where and how to export a figure: file (its extension picks PDF, SVG, PNG, CSV or
// pgfplots .tex), width and height in cm or inches, PNG DPI and base font size. The last
// choices are remembered (QSettings) for the next export.
class PlotExportDialog : public QDialog {
    Q_OBJECT

public:
    // baseName: suggested file name without extension.
    // to export as CSV and pgfplots (a QCustomPlot) or is only painted.
    PlotExportDialog(QWidget* parent, const QString& baseName);

    QString path() const;
    PlotExportOptions options() const;
    void setPath(const QString& path);
    void setOptions(const PlotExportOptions& options);

    void accept() override;

private:
    void browse();
    void formatChanged();

    QLineEdit* path_ = nullptr;
    QComboBox* format_ = nullptr;
    QDoubleSpinBox* width_ = nullptr;
    QDoubleSpinBox* height_ = nullptr;
    QComboBox* unit_ = nullptr;
    QSpinBox* dpi_ = nullptr;
    QDoubleSpinBox* fontSize_ = nullptr;
};

}  // namespace dimerec

#pragma once

#include "config/RunConfig.h"
#include "data/DatasetLoader.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace dimerec {

// Asks how to import a dataset file or folder: format (detected from the path), column
// mapping for generic logs, preprocessing (rating threshold, k-cores) and protocol and
// split seed. The import itself runs in the background afterwards.
class ImportDatasetDialog : public QDialog {
    Q_OBJECT

public:
    explicit ImportDatasetDialog(const QString& path = QString(), QWidget* parent = nullptr);

    DataConfig dataConfig() const;
    // The column mapping as typed (remembered with recent datasets); "" = find the usual names.
    QString columnsText() const;

private:
    void browse();
    void detect();

    QLineEdit* path_ = nullptr;
    QComboBox* format_ = nullptr;
    QLabel* detected_ = nullptr;
    QLineEdit* columns_ = nullptr;
    QLabel* columnsError_ = nullptr;
    QDoubleSpinBox* minRating_ = nullptr;
    QSpinBox* userCore_ = nullptr;
    QSpinBox* itemCore_ = nullptr;
    QComboBox* protocol_ = nullptr;
    QSpinBox* splitSeed_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace dimerec

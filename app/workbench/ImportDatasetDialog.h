#pragma once

#include "FieldEditor.h"
#include "config/RunConfig.h"

#include <QDialog>

#include <vector>

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace dimerec {

// Asks how to import a dataset file or folder: the fields that change the dataset (its path and
// format, the reader detected from them, then its preprocessing), the column mapping of generic
// logs, and the protocol and split seed. The editors are the run form's (FieldEditor.h), made
// from the same descriptors (object name = config key), so a field flagged kChangesDataset
// appears here by itself. The import itself runs in the background afterwards.
class ImportDatasetDialog : public QDialog {
    Q_OBJECT

public:
    explicit ImportDatasetDialog(const QString& path = QString(), QWidget* parent = nullptr);

    // The data section as entered; an unreadable field keeps its default.
    DataConfig dataConfig() const;
    // The column mapping as typed (remembered with recent datasets); "" = find the usual names.
    QString columnsText() const;

private:
    FieldEditor& addEditor(const FieldDescriptor& field);
    void addRow(QFormLayout* form, const FieldDescriptor& field);
    void browse();
    void detect();

    std::vector<FieldEditor> fields_;
    QLineEdit* path_ = nullptr;
    QLabel* detected_ = nullptr;
    QLineEdit* columns_ = nullptr;
    QLabel* problem_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace dimerec

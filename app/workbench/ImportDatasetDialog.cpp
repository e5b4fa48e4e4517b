#include "ImportDatasetDialog.h"

#include "data/DatasetLoader.h"
#include "data/DelimitedLog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include <exception>
#include <stdexcept>

namespace dimerec {

ImportDatasetDialog::ImportDatasetDialog(const QString& path, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Import dataset"));
    auto* form = new QFormLayout(this);

    // The path, with a file chooser beside it.
    FieldEditor& dataset = addEditor(*findConfigField("data.dataset"));
    path_ = qobject_cast<QLineEdit*>(dataset.widget);
    path_->setPlaceholderText(tr("file or folder (MovieLens, sequences, CSV/TSV log; .gz ok)"));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(path_, 1);
    auto* browse = new QPushButton(tr("Browse…"), this);
    pathRow->addWidget(browse);
    form->addRow(makeFieldLabel(dataset, this), pathRow);

    // The rest of the source (format), then how a generic log's columns are read.
    for (const FieldDescriptor& field : runConfigFields()) {
        if (field.has(kChangesDataset) && !field.has(kPreprocessing) &&
            &field != dataset.descriptor)
            addRow(form, field);
    }
    detected_ = new QLabel(this);
    detected_->setObjectName(QStringLiteral("detected"));
    detected_->setWordWrap(true);
    form->addRow(QString(), detected_);
    columns_ = new QLineEdit(this);
    columns_->setObjectName(QStringLiteral("columns"));
    columns_->setPlaceholderText(tr("e.g. user=uid,item=2,timestamp=-,delimiter=tab,header=no"));
    columns_->setToolTip(
        tr("Column mapping of a generic log: header names or 0-based indices; "
           "empty finds the usual names (user, item, timestamp, rating, category)"));
    form->addRow(tr("Columns"), columns_);

    // The preprocessing, then the split the dataset's statistics are shown for.
    for (const FieldDescriptor& field : runConfigFields()) {
        if (field.has(kPreprocessing)) addRow(form, field);
    }
    for (const char* key : {"data.protocol", "data.splitSeed"}) addRow(form, *findConfigField(key));

    problem_ = new QLabel(this);
    problem_->setObjectName(QStringLiteral("problem"));
    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    form->addRow(QString(), problem_);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    form->addRow(buttons_);

    RunConfig initial;
    initial.data.dataset = path.toStdString();
    for (const FieldEditor& field : fields_) field.load(initial);

    connect(browse, &QPushButton::clicked, this, &ImportDatasetDialog::browse);
    connect(columns_, &QLineEdit::textChanged, this, &ImportDatasetDialog::detect);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    detect();
    resize(520, sizeHint().height());
}

FieldEditor& ImportDatasetDialog::addEditor(const FieldDescriptor& field) {
    fields_.push_back(makeFieldEditor(field, this, [this] { detect(); }));
    return fields_.back();
}

void ImportDatasetDialog::addRow(QFormLayout* form, const FieldDescriptor& field) {
    const FieldEditor& editor = addEditor(field);
    form->addRow(makeFieldLabel(editor, this), editor.widget);
}

void ImportDatasetDialog::browse() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Dataset file"), path_->text());
    if (!file.isEmpty()) path_->setText(file);
}

void ImportDatasetDialog::detect() {
    // Editors report changes while the constructor still builds and loads them.
    if (buttons_ == nullptr) return;
    QStringList problems;
    RunConfig config;
    try {
        for (const FieldEditor& field : fields_) field.store(config);
        validate(config);
    } catch (const std::invalid_argument& error) {
        problems << QString::fromUtf8(error.what());
    }
    const DataConfig& data = config.data;
    bool found = !data.dataset.empty();
    detected_->clear();
    if (found) {
        try {
            const DatasetSource source = resolveDatasetSource(data.dataset, data.format);
            detected_->setText(tr("Detected: %1 (%2)")
                                   .arg(QString::fromStdString(source.name),
                                        QString::fromStdString(source.reader)));
            columns_->setEnabled(source.reader == "delimited");
        } catch (const std::exception& error) {
            detected_->setText(QString::fromUtf8(error.what()));
            found = false;
        }
    }
    if (columns_->isEnabled() && !columns_->text().trimmed().isEmpty()) {
        try {
            parseColumnMapping(columns_->text().trimmed().toStdString());
        } catch (const std::exception& error) {
            problems << QString::fromUtf8(error.what());
        }
    }
    problem_->setText(problems.join(QLatin1Char('\n')));
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(found && problems.isEmpty());
}

DataConfig ImportDatasetDialog::dataConfig() const {
    RunConfig config;
    for (const FieldEditor& field : fields_) {
        try {
            field.store(config);
        } catch (const std::invalid_argument&) {
            // Unreadable text (an empty seed): the field keeps its default.
        }
    }
    return config.data;
}

QString ImportDatasetDialog::columnsText() const {
    return columns_->isEnabled() ? columns_->text().trimmed() : QString();
}

}  // namespace dimerec

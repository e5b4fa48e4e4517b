#include "ImportDatasetDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include <exception>
#include <limits>

namespace dimerec {

ImportDatasetDialog::ImportDatasetDialog(const QString& path, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Import dataset"));
    auto* form = new QFormLayout(this);

    auto* pathRow = new QHBoxLayout;
    path_ = new QLineEdit(path, this);
    path_->setObjectName(QStringLiteral("path"));
    path_->setPlaceholderText(tr("file or folder (MovieLens, sequences, CSV/TSV log; .gz ok)"));
    pathRow->addWidget(path_, 1);
    auto* browse = new QPushButton(tr("Browse…"), this);
    pathRow->addWidget(browse);
    form->addRow(tr("Path:"), pathRow);

    format_ = new QComboBox(this);
    for (const auto& choice : choices(DataFormat{})) {
        format_->addItem(QString::fromUtf8(choice.label), static_cast<int>(choice.value));
    }
    form->addRow(tr("Format:"), format_);
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
    form->addRow(tr("Columns:"), columns_);
    columnsError_ = new QLabel(this);
    columnsError_->setObjectName(QStringLiteral("columnsError"));
    columnsError_->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    form->addRow(QString(), columnsError_);

    minRating_ = new QDoubleSpinBox(this);
    minRating_->setRange(0.0, 100.0);
    minRating_->setDecimals(1);
    minRating_->setSpecialValueText(tr("keep all"));
    minRating_->setToolTip(tr("Keep interactions rated at least this"));
    form->addRow(tr("Minimum rating:"), minRating_);
    userCore_ = new QSpinBox(this);
    userCore_->setRange(0, 100000);
    userCore_->setSpecialValueText(tr("off"));
    userCore_->setToolTip(tr("Repeatedly drop users with fewer interactions"));
    form->addRow(tr("User k-core:"), userCore_);
    itemCore_ = new QSpinBox(this);
    itemCore_->setRange(0, 100000);
    itemCore_->setSpecialValueText(tr("off"));
    itemCore_->setToolTip(tr("Repeatedly drop items with fewer interactions"));
    form->addRow(tr("Item k-core:"), itemCore_);
    protocol_ = new QComboBox(this);
    for (const auto& choice : choices(Protocol{})) {
        protocol_->addItem(QString::fromUtf8(choice.label), static_cast<int>(choice.value));
    }
    form->addRow(tr("Protocol:"), protocol_);
    splitSeed_ = new QSpinBox(this);
    splitSeed_->setRange(0, std::numeric_limits<int>::max());
    splitSeed_->setValue(static_cast<int>(DataConfig{}.splitSeed));
    form->addRow(tr("Split seed:"), splitSeed_);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    form->addRow(buttons_);

    connect(browse, &QPushButton::clicked, this, &ImportDatasetDialog::browse);
    connect(path_, &QLineEdit::textChanged, this, &ImportDatasetDialog::detect);
    connect(format_, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &ImportDatasetDialog::detect);
    connect(columns_, &QLineEdit::textChanged, this, &ImportDatasetDialog::detect);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    detect();
    resize(520, sizeHint().height());
}

void ImportDatasetDialog::browse() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Dataset file"), path_->text());
    if (!file.isEmpty()) path_->setText(file);
}

void ImportDatasetDialog::detect() {
    bool ok = !path_->text().trimmed().isEmpty();
    detected_->clear();
    if (ok) {
        try {
            const DatasetSource source =
                resolveDatasetSource(path_->text().trimmed().toStdString(),
                                     static_cast<DataFormat>(format_->currentData().toInt()));
            detected_->setText(tr("Detected: %1 (%2)")
                                   .arg(QString::fromStdString(source.name),
                                        QString::fromStdString(source.reader)));
            columns_->setEnabled(source.reader == "delimited");
        } catch (const std::exception& error) {
            detected_->setText(QString::fromUtf8(error.what()));
            ok = false;
        }
    }
    columnsError_->clear();
    if (columns_->isEnabled() && !columns_->text().trimmed().isEmpty()) {
        try {
            parseColumnMapping(columns_->text().trimmed().toStdString());
        } catch (const std::exception& error) {
            columnsError_->setText(QString::fromUtf8(error.what()));
            ok = false;
        }
    }
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

DataConfig ImportDatasetDialog::dataConfig() const {
    DataConfig config;
    config.dataset = path_->text().trimmed().toStdString();
    config.format = static_cast<DataFormat>(format_->currentData().toInt());
    config.protocol = static_cast<Protocol>(protocol_->currentData().toInt());
    config.minRating = static_cast<float>(minRating_->value());
    config.userCore = userCore_->value();
    config.itemCore = itemCore_->value();
    config.splitSeed = static_cast<uint64_t>(splitSeed_->value());
    return config;
}

QString ImportDatasetDialog::columnsText() const {
    return columns_->isEnabled() ? columns_->text().trimmed() : QString();
}

}  // namespace dimerec

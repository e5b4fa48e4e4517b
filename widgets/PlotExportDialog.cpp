#include "PlotExportDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

#include <exception>

namespace dimerec {
namespace {

const QString kSettingsGroup = QStringLiteral("plotExport/");

QString suffixOf(int formatIndex) {
    static const QStringList suffixes = {QStringLiteral("pdf"), QStringLiteral("svg"),
                                         QStringLiteral("png"), QStringLiteral("csv"),
                                         QStringLiteral("tex")};
    return suffixes.value(formatIndex);
}

}  // namespace

PlotExportDialog::PlotExportDialog(QWidget* parent, const QString& baseName) : QDialog(parent) {
    setWindowTitle(tr("Export figure"));
    auto* form = new QFormLayout(this);

    format_ = new QComboBox(this);
    format_->addItems({tr("PDF (vector)"), tr("SVG (vector)"), tr("PNG (bitmap)"),
                       tr("CSV (the plotted data)"),
                       tr("pgfplots (.tex, its data in a .csv beside it)")});
    form->addRow(tr("Format"), format_);

    auto* fileRow = new QHBoxLayout;
    path_ = new QLineEdit(this);
    auto* browse = new QPushButton(tr("Browse…"), this);
    fileRow->addWidget(path_, 1);
    fileRow->addWidget(browse);
    form->addRow(tr("File"), fileRow);

    auto* sizeRow = new QHBoxLayout;
    width_ = new QDoubleSpinBox(this);
    height_ = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* box : {width_, height_}) {
        box->setRange(0.5, 100.0);
        box->setDecimals(2);
        box->setSingleStep(0.5);
    }
    unit_ = new QComboBox(this);
    unit_->addItems({tr("cm"), tr("in")});
    sizeRow->addWidget(width_);
    sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
    sizeRow->addWidget(height_);
    sizeRow->addWidget(unit_);
    form->addRow(tr("Size"), sizeRow);

    dpi_ = new QSpinBox(this);
    dpi_->setRange(36, 2400);
    dpi_->setSuffix(tr(" dpi"));
    dpi_->setToolTip(tr("Resolution of a PNG; PDF and SVG are vector graphics"));
    form->addRow(tr("Resolution"), dpi_);
    fontSize_ = new QDoubleSpinBox(this);
    fontSize_->setRange(4.0, 36.0);
    fontSize_->setDecimals(1);
    fontSize_->setSingleStep(0.5);
    fontSize_->setSuffix(tr(" pt"));
    fontSize_->setToolTip(tr("Tick labels, axis labels and legend; titles are 2 pt larger"));
    form->addRow(tr("Font size"), fontSize_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    form->addRow(buttons);

    QSettings settings;
    PlotExportOptions defaults;
    defaults.width =
        settings.value(kSettingsGroup + QStringLiteral("width"), defaults.width).toDouble();
    defaults.height =
        settings.value(kSettingsGroup + QStringLiteral("height"), defaults.height).toDouble();
    defaults.unit =
        settings.value(kSettingsGroup + QStringLiteral("unit")).toString() == QLatin1String("in")
            ? LengthUnit::Inches
            : LengthUnit::Centimetres;
    defaults.dpi = settings.value(kSettingsGroup + QStringLiteral("dpi"), defaults.dpi).toInt();
    defaults.fontSize =
        settings.value(kSettingsGroup + QStringLiteral("fontSize"), defaults.fontSize).toDouble();
    setOptions(defaults);
    const QString folder =
        settings.value(kSettingsGroup + QStringLiteral("folder"), QDir::homePath()).toString();
    format_->setCurrentIndex(
        std::min(settings.value(kSettingsGroup + QStringLiteral("format"), 0).toInt(),
                 format_->count() - 1));
    path_->setText(
        QDir(folder).filePath(baseName + QLatin1Char('.') + suffixOf(format_->currentIndex())));
    formatChanged();

    connect(browse, &QPushButton::clicked, this, &PlotExportDialog::browse);
    connect(format_, &QComboBox::currentIndexChanged, this, &PlotExportDialog::formatChanged);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString PlotExportDialog::path() const {
    return path_->text().trimmed();
}

PlotExportOptions PlotExportDialog::options() const {
    PlotExportOptions options;
    options.width = width_->value();
    options.height = height_->value();
    options.unit = unit_->currentIndex() == 1 ? LengthUnit::Inches : LengthUnit::Centimetres;
    options.dpi = dpi_->value();
    options.fontSize = fontSize_->value();
    return options;
}

void PlotExportDialog::setPath(const QString& path) {
    path_->setText(path);
    try {
        const int index = static_cast<int>(plotFormatForPath(path));
        if (index < format_->count()) format_->setCurrentIndex(index);
    } catch (const std::exception&) {
        // An extension we do not know: accept() reports it.
    }
}

void PlotExportDialog::setOptions(const PlotExportOptions& options) {
    unit_->setCurrentIndex(options.unit == LengthUnit::Inches ? 1 : 0);
    width_->setValue(options.width);
    height_->setValue(options.height);
    dpi_->setValue(options.dpi);
    fontSize_->setValue(options.fontSize);
}

void PlotExportDialog::browse() {
    const QString suffix = suffixOf(format_->currentIndex());
    const QString chosen = QFileDialog::getSaveFileName(
        this, tr("Export figure"), path(), tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
    if (!chosen.isEmpty()) setPath(chosen);
}

void PlotExportDialog::formatChanged() {
    const QString suffix = suffixOf(format_->currentIndex());
    dpi_->setEnabled(suffix == QLatin1String("png"));
    // pgfplots takes the size, and the paper's fonts.
    const bool sized = suffix != QLatin1String("csv");
    for (QWidget* field : {static_cast<QWidget*>(width_), static_cast<QWidget*>(height_),
                           static_cast<QWidget*>(unit_)}) {
        field->setEnabled(sized);
    }
    fontSize_->setEnabled(sized && suffix != QLatin1String("tex"));
    QFileInfo info(path());
    if (!info.fileName().isEmpty()) {
        path_->setText(info.dir().filePath(info.completeBaseName() + QLatin1Char('.') + suffix));
    }
}

void PlotExportDialog::accept() {
    try {
        plotFormatForPath(path());  // an extension it knows, else the message names the file
    } catch (const std::exception& error) {
        QMessageBox::warning(this, windowTitle(), QString::fromUtf8(error.what()));
        return;
    }
    QSettings settings;
    const PlotExportOptions chosen = options();
    settings.setValue(kSettingsGroup + QStringLiteral("width"), chosen.width);
    settings.setValue(kSettingsGroup + QStringLiteral("height"), chosen.height);
    settings.setValue(kSettingsGroup + QStringLiteral("unit"), chosen.unit == LengthUnit::Inches
                                                                   ? QStringLiteral("in")
                                                                   : QStringLiteral("cm"));
    settings.setValue(kSettingsGroup + QStringLiteral("dpi"), chosen.dpi);
    settings.setValue(kSettingsGroup + QStringLiteral("fontSize"), chosen.fontSize);
    settings.setValue(kSettingsGroup + QStringLiteral("format"), format_->currentIndex());
    settings.setValue(kSettingsGroup + QStringLiteral("folder"), QFileInfo(path()).absolutePath());
    QDialog::accept();
}

}  // namespace dimerec

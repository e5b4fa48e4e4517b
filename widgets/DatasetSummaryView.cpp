#include "DatasetSummaryView.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>

namespace dimerec {

DatasetSummaryView::DatasetSummaryView(QWidget* parent) : QWidget(parent) {
    auto* form = new QFormLayout(this);
    name_ = new QLabel(this);
    users_ = new QLabel(this);
    items_ = new QLabel(this);
    interactions_ = new QLabel(this);
    categories_ = new QLabel(this);
    density_ = new QLabel(this);
    lengths_ = new QLabel(this);
    longTail_ = new QLabel(this);
    longTail_->setToolTip(
        tr("Share of all interactions that fall on the most popular 10 % of items"));
    form->addRow(tr("Dataset:"), name_);
    form->addRow(tr("Users:"), users_);
    form->addRow(tr("Items:"), items_);
    form->addRow(tr("Interactions:"), interactions_);
    form->addRow(tr("Categories:"), categories_);
    form->addRow(tr("Density:"), density_);
    form->addRow(tr("Lengths:"), lengths_);
    form->addRow(tr("Top 10 % items:"), longTail_);
    // The dock is narrow on a laptop screen: long values wrap rather than being cut.
    for (QLabel* value :
         {name_, users_, items_, interactions_, categories_, density_, lengths_, longTail_}) {
        value->setWordWrap(true);
    }
}

void DatasetSummaryView::setSummary(const DatasetStatistics& stats) {
    stats_ = stats;
    const QLocale locale;
    name_->setText(QString::fromStdString(stats.name));
    users_->setText(locale.toString(stats.users));
    items_->setText(locale.toString(stats.items));
    interactions_->setText(locale.toString(static_cast<qlonglong>(stats.interactions)));
    categories_->setText(locale.toString(stats.categories));
    density_->setText(QStringLiteral("%1 %").arg(stats.density * 100.0, 0, 'f', 3));
    lengths_->setText(tr("%1–%2, median %3, mean %4")
                          .arg(stats.minLength)
                          .arg(stats.maxLength)
                          .arg(stats.medianLength, 0, 'f', 0)
                          .arg(stats.meanLength, 0, 'f', 1));
    longTail_->setText(tr("%1 % of interactions").arg(stats.top10PercentShare * 100.0, 0, 'f', 1));
}

}  // namespace dimerec

#include "SweepDialog.h"

#include "store/RunStore.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

namespace dimerec {
namespace {

// Where each trial stands comes before its run name, which repeats the variant and the seed:
// with long variant names the last column is the one cut off at 1366 pixels.
enum Column { Index, Variant, Settings, Seed, Status, Name, ColumnCount };

QString durationText(double seconds) {
    const auto total = static_cast<qint64>(seconds + 0.5);
    return QStringLiteral("%1:%2:%3")
        .arg(total / 3600)
        .arg((total / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(total % 60, 2, 10, QLatin1Char('0'));
}

QString settingsText(const Trial& trial) {
    QStringList parts;
    for (const auto& [field, value] : trial.settings)
        parts << QString::fromStdString(field + "=" + value.dump());
    return parts.join(QStringLiteral(", "));
}

}  // namespace

SweepDialog::SweepDialog(RunStore& store, const QString& path, QWidget* parent)
    : QDialog(parent), store_(store) {
    setWindowTitle(tr("Run sweep"));
    setObjectName(QStringLiteral("SweepDialog"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    auto* fileRow = new QHBoxLayout;
    path_ = new QLineEdit(this);
    path_->setReadOnly(true);
    auto* browse = new QPushButton(tr("Open…"), this);
    fileRow->addWidget(path_, 1);
    fileRow->addWidget(browse);
    form->addRow(tr("Experiment file"), fileRow);
    description_ = new QLabel(this);
    description_->setWordWrap(true);
    form->addRow(tr("Description"), description_);
    profile_ = new QComboBox(this);
    profile_->setToolTip(
        tr("A profile of the file overrides its settings (e.g. full-size runs "
           "for a bigger machine); its runs go to a study of their own"));
    form->addRow(tr("Profile"), profile_);
    auto* budgetRow = new QHBoxLayout;
    budget_ = new QCheckBox(tr("Start trials only until"), this);
    budget_->setToolTip(
        tr("A trial starts only when its estimated training time ends before this time, so "
           "that a working session or a booked machine ends between trials instead of "
           "cutting one short (a trial without an estimate yet starts)"));
    until_ = new QDateTimeEdit(QDateTime::currentDateTime().addSecs(3 * 3600), this);
    until_->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    until_->setCalendarPopup(true);
    until_->setEnabled(false);
    budgetRow->addWidget(budget_);
    budgetRow->addWidget(until_);
    budgetRow->addStretch(1);
    form->addRow(tr("Time budget"), budgetRow);
    layout->addLayout(form);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setObjectName(QStringLiteral("sweepSummary"));
    layout->addWidget(summary_);
    table_ = new QTableWidget(0, ColumnCount, this);
    table_->setHorizontalHeaderLabels(
        {tr("#"), tr("Variant"), tr("Grid point"), tr("Seed"), tr("In the store"), tr("Run name")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(table_, 1);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons_);
    resize(900, 600);

    connect(browse, &QPushButton::clicked, this, &SweepDialog::chooseFile);
    connect(profile_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_) load(path_->text(), profile_->currentData().toString());
    });
    connect(budget_, &QCheckBox::toggled, until_, &QWidget::setEnabled);
    const auto budgetChanged = [this] {
        if (loaded_) summary_->setText(summaryText());
    };
    connect(budget_, &QCheckBox::toggled, this, budgetChanged);
    connect(until_, &QDateTimeEdit::dateTimeChanged, this, budgetChanged);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    load(path);
}

void SweepDialog::chooseFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment file"),
                                                      QFileInfo(path_->text()).absolutePath(),
                                                      tr("Experiment files (*.json)"));
    if (!path.isEmpty()) load(path);
}

bool SweepDialog::load(const QString& path, const QString& profile) {
    path_->setText(path);
    loaded_ = false;
    trials_.clear();
    state_ = SweepState{};
    try {
        experiment_ = loadExperimentFile(path.toStdString(), profile.toStdString());
        trials_ = expandTrials(experiment_);
        state_ = sweepState(store_, experiment_.study, trials_);
        loaded_ = true;
    } catch (const std::exception& error) {
        summary_->setText(tr("<b>Cannot use this file:</b> %1")
                              .arg(QString::fromUtf8(error.what()).toHtmlEscaped()));
    }
    updating_ = true;
    const QString current = profile;
    profile_->clear();
    profile_->addItem(tr("(the file's own settings)"), QString());
    if (loaded_) {
        for (const std::string& name : experiment_.profiles)
            profile_->addItem(QString::fromStdString(name), QString::fromStdString(name));
    }
    profile_->setCurrentIndex(std::max(profile_->findData(current), 0));
    updating_ = false;
    description_->setText(loaded_ ? QString::fromStdString(experiment_.description) : QString());
    estimate_ = loaded_ ? estimate() : QString();
    if (loaded_) summary_->setText(summaryText());
    fillTable();
    const int pending = static_cast<int>(state_.pending().size());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(loaded_ && pending > 0);
    buttons_->button(QDialogButtonBox::Ok)
        ->setText(pending > 0 ? tr("Queue %n run(s)", nullptr, pending) : tr("Queue runs"));
    return loaded_;
}

std::vector<PendingTrial> SweepDialog::pendingTrials() const {
    std::vector<PendingTrial> pending;
    for (int index : state_.pending()) {
        const auto i = static_cast<size_t>(index);
        pending.push_back({trials_.at(i), state_.trials.at(i)});
    }
    return pending;
}

QDateTime SweepDialog::startBefore() const {
    return budget_->isChecked() ? until_->dateTime() : QDateTime();
}

int SweepDialog::trialsWithinBudget() const {
    const std::vector<int> pending = state_.pending();
    if (!startBefore().isValid()) return static_cast<int>(pending.size());
    const double budget = static_cast<double>(QDateTime::currentDateTime().secsTo(startBefore()));
    try {
        const TrialTimes times(store_, experiment_.study);
        double spent = 0.0;
        int started = 0;
        for (int index : pending) {
            const Trial& trial = trials_.at(static_cast<size_t>(index));
            const int64_t resumed = state_.trials.at(static_cast<size_t>(index)).resumeRun;
            if (!times.fits(trial, resumed, budget - spent)) continue;
            spent += times.toGo(trial, resumed).value_or(0.0);
            ++started;
        }
        return started;
    } catch (const std::exception&) {
        return static_cast<int>(pending.size());  // no estimates: the worker starts them all
    }
}

QString SweepDialog::summaryText() const {
    QStringList shape;
    if (!experiment_.variants.empty()) {
        shape << tr("%n variant(s)", nullptr, static_cast<int>(experiment_.variants.size()));
    }
    for (const SweepAxis& axis : experiment_.grid) {
        shape << QStringLiteral("%1 %2")
                     .arg(axis.values.size())
                     .arg(QString::fromStdString(axis.field));
    }
    shape << tr("%n seed(s)", nullptr, static_cast<int>(experiment_.seeds.size()));
    const int pending = static_cast<int>(state_.pending().size());
    return tr("Study <b>%1</b>: %2 runs (%3); %4 finished in the store, %5 running elsewhere, "
              "<b>%6 to run</b>. Estimated time: %7.")
               .arg(QString::fromStdString(experiment_.study).toHtmlEscaped())
               .arg(trials_.size())
               .arg(shape.join(QStringLiteral(" × ")))
               .arg(finishedCount())
               .arg(runningCount())
               .arg(pending)
               .arg(estimate_.toHtmlEscaped()) +
           (startBefore().isValid()
                ? tr(" With the time budget <b>%1 of %2 start</b> before %3, if each trains as "
                     "long as estimated.")
                      .arg(trialsWithinBudget())
                      .arg(pending)
                      .arg(startBefore().toString(QStringLiteral("HH:mm")))
                : QString());
}

QString SweepDialog::estimate() const {
    try {
        const SweepEstimate estimate = estimateSweep(store_, experiment_.study, trials_, state_);
        switch (estimate.basis) {
            case SweepEstimate::Basis::None:
                return tr("nothing left to run");
            case SweepEstimate::Basis::Study:
                return tr("%1 (from the finished runs of this study)")
                    .arg(durationText(estimate.seconds));
            case SweepEstimate::Basis::Similar:
                return tr("%1 (for models without a finished run in this study: their runs with "
                          "the same dataset that trained as long in other studies)")
                    .arg(durationText(estimate.seconds));
            case SweepEstimate::Basis::Throughput:
                return tr("about %1 at most (for models without a finished run in this study: "
                          "samples/s of earlier runs on this dataset; early stopping shortens it)")
                    .arg(durationText(estimate.seconds));
            case SweepEstimate::Basis::Unknown:
                return tr("unknown (no finished %1 run on this dataset in the store)")
                    .arg(QString::fromStdString(estimate.unknownModel));
        }
    } catch (const std::exception& error) {
        return tr("unknown (%1)").arg(QString::fromUtf8(error.what()));
    }
    return {};
}

void SweepDialog::fillTable() {
    table_->setRowCount(static_cast<int>(trials_.size()));
    for (size_t i = 0; i < trials_.size(); ++i) {
        const Trial& trial = trials_[i];
        const TrialState& state = state_.trials.at(i);
        QString status = tr("to run");
        if (state.finishedRun != 0) {
            status = tr("finished (run %1)").arg(state.finishedRun);
        } else if (state.runningRun != 0) {
            status = tr("running (run %1)").arg(state.runningRun);
        } else if (!state.resumeFrom.empty()) {
            status = tr("to resume run %1 from its last checkpoint").arg(state.resumeRun);
        } else if (state.unfinishedRuns > 0) {
            status = tr("to run (%n earlier attempt(s) stopped)", nullptr, state.unfinishedRuns);
        }
        const QStringList cells = {QString::number(trial.index + 1),
                                   QString::fromStdString(trial.variant),
                                   settingsText(trial),
                                   QString::number(trial.seed),
                                   status,
                                   QString::fromStdString(trial.label)};
        for (int c = 0; c < ColumnCount; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (state.finishedRun != 0) item->setForeground(Qt::darkGreen);
            table_->setItem(static_cast<int>(i), c, item);
        }
    }
    table_->resizeColumnsToContents();
}

}  // namespace dimerec

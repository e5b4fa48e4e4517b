#include "RunBrowser.h"

#include "RunTableModel.h"
#include "analysis/ReadoutRows.h"
#include "store/RunStore.h"

#include <QAction>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <exception>
#include <filesystem>

namespace dimerec {
namespace {

std::vector<std::string> splitTags(const QString& text) {
    std::vector<std::string> tags;
    for (const QString& tag : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!tag.trimmed().isEmpty()) tags.push_back(tag.trimmed().toStdString());
    }
    return tags;
}

}  // namespace

RunBrowser::RunBrowser(RunStore& store, QWidget* parent) : QWidget(parent), store_(store) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    filter_ = new QLineEdit(this);
    filter_->setPlaceholderText(tr("Filter runs by name, model, dataset, study, tag or note…"));
    filter_->setClearButtonEnabled(true);
    layout->addWidget(filter_);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    model_ = new RunTableModel(store_, this);
    table_ = new QTableView(splitter);
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setSortingEnabled(true);
    table_->sortByColumn(RunTableModel::Started, Qt::DescendingOrder);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->setColumnHidden(RunTableModel::Protocol, true);
    table_->setColumnHidden(RunTableModel::Seed, true);
    table_->resizeColumnsToContents();
    table_->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* compareRuns = new QAction(tr("Add to comparison"), table_);
    compareRuns->setObjectName(QStringLiteral("addToComparison"));
    connect(compareRuns, &QAction::triggered, this, [this] {
        if (!selectedRuns().isEmpty()) Q_EMIT compareRunsRequested(selectedRuns());
    });
    auto* compareGroups = new QAction(tr("Add seed groups to comparison"), table_);
    compareGroups->setObjectName(QStringLiteral("addSeedGroupsToComparison"));
    compareGroups->setToolTip(
        tr("Add every run with the same config (all its seeds) as one entry"));
    connect(compareGroups, &QAction::triggered, this, [this] {
        if (!selectedRuns().isEmpty()) Q_EMIT compareSeedGroupsRequested(selectedRuns());
    });
    auto* exportBundles = new QAction(tr("Export bundles…"), table_);
    exportBundles->setObjectName(QStringLiteral("exportBundles"));
    exportBundles->setToolTip(
        tr("Write each selected run to a bundle file that File → Import runs (or dimerec runs "
           "import) reads on another machine"));
    connect(exportBundles, &QAction::triggered, this, [this] {
        if (selectedRuns().isEmpty()) return;
        const QString folder =
            QFileDialog::getExistingDirectory(this, tr("Folder for the run bundles"));
        if (!folder.isEmpty()) exportSelected(folder);
    });
    table_->addAction(compareRuns);
    table_->addAction(compareGroups);
    table_->addAction(exportBundles);

    auto* side = new QWidget(splitter);
    side->setMaximumWidth(240);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(4, 0, 0, 0);
    details_ = new QLabel(tr("Select runs to compare their curves."), side);
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sideLayout->addWidget(details_);
    auto* tagRow = new QHBoxLayout;
    tags_ = new QLineEdit(side);
    tags_->setPlaceholderText(tr("tags, comma separated"));
    tagRow->addWidget(tags_, 1);
    auto* addTags = new QPushButton(tr("Tag"), side);
    addTags->setToolTip(tr("Add these tags to the selected runs"));
    tagRow->addWidget(addTags);
    auto* removeTags = new QPushButton(tr("Untag"), side);
    removeTags->setToolTip(tr("Remove these tags from the selected runs"));
    tagRow->addWidget(removeTags);
    sideLayout->addLayout(tagRow);
    notes_ = new QPlainTextEdit(side);
    notes_->setPlaceholderText(tr("Notes on the selected run"));
    // Two lines at least, not the scroll area's default: with a bottom dock open on a 768-pixel
    // screen this panel sets the run table's floor.
    notes_->setMinimumHeight(2 * notes_->fontMetrics().lineSpacing() + 12);
    sideLayout->addWidget(notes_, 1);
    auto* buttons = new QHBoxLayout;
    saveNotes_ = new QPushButton(tr("Save notes"), side);
    buttons->addWidget(saveNotes_);
    rerun_ = new QPushButton(tr("Run again…"), side);
    rerun_->setToolTip(
        tr("Fill the run configuration with this run's config to run it again "
           "with changes"));
    buttons->addWidget(rerun_);
    delete_ = new QPushButton(tr("Delete"), side);
    delete_->setToolTip(tr("Delete the selected runs and everything they logged (Del)"));
    buttons->addWidget(delete_);
    sideLayout->addLayout(buttons);
    splitter->addWidget(table_);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    connect(filter_, &QLineEdit::textChanged, this, &RunBrowser::setFilterText);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateDetails();
        Q_EMIT selectionChanged(selectedRuns());
    });
    connect(model_, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { keptSelection_ = selectedRuns(); });
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        table_->resizeColumnsToContents();
        selectRuns(keptSelection_);
    });
    connect(addTags, &QPushButton::clicked, this, &RunBrowser::addTagsFromEditor);
    connect(removeTags, &QPushButton::clicked, this, &RunBrowser::removeTagsFromEditor);
    connect(saveNotes_, &QPushButton::clicked, this, &RunBrowser::saveNotes);
    connect(delete_, &QPushButton::clicked, this, [this] { deleteSelected(true); });
    connect(rerun_, &QPushButton::clicked, this, [this] {
        const QVector<qint64> runs = selectedRuns();
        if (runs.size() != 1) return;
        try {
            Q_EMIT rerunRequested(QString::fromStdString(store_.run(runs.front()).configJson));
        } catch (const std::exception& error) {
            details_->setText(QString::fromUtf8(error.what()));
        }
    });
    updateDetails();
}

QVector<qint64> RunBrowser::selectedRuns() const {
    QVector<qint64> ids;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows()) {
        ids << index.data(RunTableModel::RunIdRole).toLongLong();
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

void RunBrowser::selectRuns(const QVector<qint64>& ids) {
    QItemSelection selection;
    for (qint64 id : ids) {
        const int row = model_->rowOfRun(id);
        if (row >= 0)
            selection.select(model_->index(row, 0),
                             model_->index(row, RunTableModel::ColumnCount - 1));
    }
    table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

void RunBrowser::refresh() {
    try {
        model_->refresh();
    } catch (const std::exception& error) {
        details_->setText(tr("Cannot read the run store: %1").arg(QString::fromUtf8(error.what())));
    }
    updateDetails();
}

void RunBrowser::setFilterText(const QString& text) {
    if (filter_->text() != text) filter_->setText(text);
    model_->setFilterText(text);
}

void RunBrowser::updateDetails() {
    const QVector<qint64> runs = selectedRuns();
    const bool one = runs.size() == 1;
    notes_->setEnabled(one);
    saveNotes_->setEnabled(one);
    rerun_->setEnabled(one);
    delete_->setEnabled(!runs.isEmpty());
    tags_->setEnabled(!runs.isEmpty());
    if (runs.isEmpty()) {
        details_->setText(tr("%n stored run(s). Select runs to compare their curves.", nullptr,
                             static_cast<int>(model_->totalRuns())));
        if (!notes_->hasFocus()) notes_->clear();
        return;
    }
    if (!one) {
        details_->setText(tr("%n runs selected: their curves are overlaid.", nullptr,
                             static_cast<int>(runs.size())));
        return;
    }
    const RunSummary* run = model_->runAt(model_->rowOfRun(runs.front()));
    if (run == nullptr) return;
    QString text =
        tr("<b>Run %1</b> · %2 on %3 · %4")
            .arg(run->id)
            .arg(QString::fromStdString(run->model), QString::fromStdString(run->dataset),
                 QString::fromStdString(run->status));
    if (!run->message.empty())
        text += QStringLiteral("<br>") + QString::fromStdString(run->message).toHtmlEscaped();
    // DimeRec's further readouts of the best checkpoint, beside the run's own.
    QStringList readouts;
    for (const std::string& name : storedReadouts(*run)) {
        const RunSummary view = readoutView(*run, name);
        const auto ndcg = view.testMetrics.find("ndcg@10");
        if (ndcg == view.testMetrics.end()) continue;
        QString part =
            QStringLiteral("%1 %2").arg(QString::fromStdString(name)).arg(ndcg->second, 0, 'f', 4);
        if (const auto w = view.validMetrics.find("fused_w"); w != view.validMetrics.end())
            part += tr(" (w = %1)").arg(w->second);
        readouts << part;
    }
    if (!readouts.isEmpty())
        text += QStringLiteral("<br>") +
                tr("Test NDCG@10 by readout: %1").arg(readouts.join(QStringLiteral(" · ")));
    details_->setText(text);
    if (!notes_->hasFocus()) {
        try {
            notes_->setPlainText(QString::fromStdString(store_.run(run->id).notes));
        } catch (const std::exception&) {
            notes_->clear();
        }
    }
}

template <class Action>
void RunBrowser::guarded(Action&& action) {
    try {
        action();
    } catch (const std::exception& error) {
        QMessageBox::warning(this, tr("Run store"), QString::fromUtf8(error.what()));
    }
}

void RunBrowser::addTagsFromEditor() {
    const std::vector<std::string> tags = splitTags(tags_->text());
    if (tags.empty()) return;
    guarded([&] {
        for (qint64 id : selectedRuns()) store_.addTags(id, tags);
    });
    tags_->clear();
    refresh();
}

void RunBrowser::removeTagsFromEditor() {
    const std::vector<std::string> tags = splitTags(tags_->text());
    if (tags.empty()) return;
    guarded([&] {
        for (qint64 id : selectedRuns()) store_.removeTags(id, tags);
    });
    tags_->clear();
    refresh();
}

void RunBrowser::saveNotes() {
    const QVector<qint64> runs = selectedRuns();
    if (runs.size() != 1) return;
    guarded([&] { store_.setNotes(runs.front(), notes_->toPlainText().toStdString()); });
}

QStringList RunBrowser::exportSelected(const QString& folder) {
    QStringList written;
    guarded([&] {
        for (qint64 id : selectedRuns()) {
            const RunDetails run = store_.run(id);
            const bool carries = !RunStore::resumableCheckpoint(run).empty();
            const std::string file =
                (std::filesystem::path(folder.toStdString()) /
                 RunStore::bundleFileName(run.summary.study, run.summary.uuid, carries))
                    .string();
            store_.exportBundle(id, file, RunStore::Snapshots::All, 0, true);
            written << QString::fromStdString(file);
        }
    });
    Q_EMIT statusMessage(
        tr("%n bundle(s) written to %1.", nullptr, static_cast<int>(written.size())).arg(folder));
    return written;
}

void RunBrowser::deleteSelected(bool confirm) {
    const QVector<qint64> runs = selectedRuns();
    if (runs.isEmpty()) return;
    if (confirm &&
        QMessageBox::question(this, tr("Delete runs"),
                              tr("Delete %n run(s) and everything they logged? Checkpoint files "
                                 "on disk are kept.",
                                 nullptr, static_cast<int>(runs.size()))) != QMessageBox::Yes) {
        return;
    }
    guarded([&] {
        for (qint64 id : runs) store_.deleteRun(id);
    });
    table_->clearSelection();
    refresh();
}

}  // namespace dimerec

#include "ComparisonView.h"

#include "UserBucketView.h"
#include "LossCurvePlot.h"
#include "PlotStyle.h"
#include "analysis/Aggregate.h"
#include "analysis/ConfigDiff.h"
#include "analysis/ReadoutRows.h"
#include "store/RunStore.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>
#include <set>
#include <stdexcept>
#include <utility>

namespace dimerec {
namespace {

constexpr int kDecimals = 4;        // digits shown and exported, as in papers' tables
constexpr int kMaxCurves = 16;      // overlaid runs before the plot becomes unreadable
constexpr int kDefaultMetrics = 4;  // metrics ticked when nothing else says which
const QStringList kPreferredMetrics = {QStringLiteral("hr@10"), QStringLiteral("ndcg@10"),
                                       QStringLiteral("hr@20"), QStringLiteral("ndcg@20")};
const QString kCurveSeparator = QStringLiteral(" · ");

QString pValueText(double p) {
    return p < 1e-4 ? QStringLiteral("p<0.0001") : QStringLiteral("p=%1").arg(p, 0, 'f', 4);
}

}  // namespace

ComparisonView::ComparisonView(RunStore& store, QWidget* parent) : QWidget(parent), store_(store) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 2, 0, 0);  // its tab widgets have frames of their own
    auto* outer = new QSplitter(Qt::Horizontal, this);
    layout->addWidget(outer);

    // Left: entries and metrics, a tab each, so that both lists keep their height in a low
    // dock (a 1366 × 768 screen leaves the bottom dock about 200 pixels).
    auto* side = new QTabWidget(outer);
    side->setObjectName(QStringLiteral("comparisonSideTabs"));
    auto* entriesPage = new QWidget(side);
    auto* entriesLayout = new QVBoxLayout(entriesPage);
    entriesLayout->setContentsMargins(2, 2, 2, 2);
    entryList_ = new QListWidget(entriesPage);
    entryList_->setObjectName(QStringLiteral("comparisonEntries"));
    entryList_->setToolTip(
        tr("Runs and seed groups being compared; add them from the run "
           "browser's context menu; double click renames"));
    entriesLayout->addWidget(entryList_, 1);
    auto* entryButtons = new QGridLayout;  // two by two: the dock sits between the side docks
    auto* up = new QPushButton(tr("Up"), entriesPage);
    auto* down = new QPushButton(tr("Down"), entriesPage);
    auto* remove = new QPushButton(tr("Remove"), entriesPage);
    auto* clear = new QPushButton(tr("Clear"), entriesPage);
    entryButtons->addWidget(up, 0, 0);
    entryButtons->addWidget(down, 0, 1);
    entryButtons->addWidget(remove, 1, 0);
    entryButtons->addWidget(clear, 1, 1);
    entriesLayout->addLayout(entryButtons);
    side->addTab(entriesPage, tr("Entries"));
    auto* metricsPage = new QWidget(side);
    auto* metricsLayout = new QVBoxLayout(metricsPage);
    metricsLayout->setContentsMargins(2, 2, 2, 2);
    metricList_ = new QListWidget(metricsPage);
    metricList_->setToolTip(tr("The table's metrics: the ticked ones, in this order"));
    metricsLayout->addWidget(metricList_, 1);
    auto* metricButtons = new QHBoxLayout;
    auto* metricUp = new QPushButton(tr("Up"), metricsPage);
    auto* metricDown = new QPushButton(tr("Down"), metricsPage);
    metricButtons->addWidget(metricUp);
    metricButtons->addWidget(metricDown);
    metricsLayout->addLayout(metricButtons);
    side->addTab(metricsPage, tr("Metrics"));
    side->setMaximumWidth(320);

    // Right: the table with its options, the config diff and the curves, a tab each.
    auto* views = new QTabWidget(outer);
    views->setObjectName(QStringLiteral("comparisonViews"));
    auto* top = new QWidget(views);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    auto* options = new QVBoxLayout;
    split_ = new QComboBox(top);
    split_->addItem(tr("test"), QStringLiteral("test"));
    split_->addItem(tr("valid"), QStringLiteral("valid"));
    split_->setToolTip(
        tr("test and valid use each run's own eval.excludeHistory. Where some test targets are "
           "items of their own history (e.g. Yelp), runs also store their test under the other "
           "setting, and the test with history excluded or kept can be shown for all runs"));
    baseline_ = new QComboBox(top);
    baseline_->setToolTip(tr("Deltas and p-values are against this entry"));
    test_ = new QComboBox(top);
    test_->setToolTip(
        tr("Paired tests pair the test users both entries share (each user's metric averaged "
           "over a seed group's seeds), or the seeds both ran where runs lack per-user ranks; "
           "Welch's unpaired test compares seeds"));
    test_->addItem(tr("paired t-test"), static_cast<int>(SeedTest::PairedT));
    test_->addItem(tr("Wilcoxon signed-rank"), static_cast<int>(SeedTest::Wilcoxon));
    test_->addItem(tr("Welch t-test (seeds, unpaired)"), static_cast<int>(SeedTest::Welch));
    layoutChooser_ = new QComboBox(top);
    layoutChooser_->addItem(tr("Comparison: entries as columns"));
    layoutChooser_->addItem(tr("Ablation table: entries as rows"));
    // Their longest items need not fit: the dock is narrow on a 1366-pixel screen.
    for (QComboBox* combo : {baseline_, test_, layoutChooser_}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(10);
    }
    format_ = new QComboBox(top);
    format_->addItem(QStringLiteral("LaTeX"), static_cast<int>(ExportFormat::Latex));
    format_->addItem(QStringLiteral("Markdown"), static_cast<int>(ExportFormat::Markdown));
    format_->addItem(QStringLiteral("CSV"), static_cast<int>(ExportFormat::Csv));
    auto* save = new QPushButton(tr("Save…"), top);
    auto* copy = new QPushButton(tr("Copy"), top);
    // Two rows of their own (not a grid's columns), so that the narrowest dock still holds them.
    auto* choices = new QHBoxLayout;
    choices->addWidget(new QLabel(tr("Split"), top));
    choices->addWidget(split_);
    choices->addWidget(new QLabel(tr("Baseline"), top));
    choices->addWidget(baseline_, 1);
    choices->addWidget(new QLabel(tr("Test"), top));
    choices->addWidget(test_, 1);
    options->addLayout(choices);
    auto* exportRow = new QHBoxLayout;
    exportRow->addWidget(new QLabel(tr("Layout"), top));
    exportRow->addWidget(layoutChooser_, 1);
    exportRow->addWidget(format_);
    exportRow->addWidget(save);
    exportRow->addWidget(copy);
    options->addLayout(exportRow);
    topLayout->addLayout(options);
    note_ = new QLabel(top);
    note_->setObjectName(QStringLiteral("comparisonNote"));
    note_->setWordWrap(true);
    topLayout->addWidget(note_);
    tableWidget_ = new QTableWidget(top);
    tableWidget_->setObjectName(QStringLiteral("comparisonTable"));
    tableWidget_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    tableWidget_->setWordWrap(true);
    topLayout->addWidget(tableWidget_, 1);

    views->addTab(top, tr("Table"));
    diff_ = new QTableWidget(views);
    diff_->setObjectName(QStringLiteral("configDiff"));
    diff_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    views->addTab(diff_, tr("Config fields that differ"));
    auto* curveBox = new QWidget(views);
    auto* curveLayout = new QVBoxLayout(curveBox);
    curveLayout->setContentsMargins(0, 0, 0, 0);
    auto* curveRow = new QHBoxLayout;
    curveSeries_ = new QComboBox(curveBox);
    curveSeries_->setToolTip(tr("The series overlaid for every run of the entries"));
    curveRow->addWidget(curveSeries_, 1);
    curveLayout->addLayout(curveRow);
    curves_ = new LossCurvePlot(curveBox);
    curves_->setPerEpochAvailable(true);
    curveLayout->addWidget(curves_, 1);
    views->addTab(curveBox, tr("Curves"));
    historyLength_ = new UserBucketView(store_.path(), UserGrouping::HistoryLength, views);
    views->setTabToolTip(views->addTab(historyLength_, tr("History length")),
                         tr("The entries' per-user metric by how many items precede the test "
                            "users' targets"));
    targetPopularity_ = new UserBucketView(store_.path(), UserGrouping::TargetPopularity, views);
    views->setTabToolTip(views->addTab(targetPopularity_, tr("Target popularity")),
                         tr("The entries' per-user metric by how often the test users' targets "
                            "occur in training: the long tail against the head"));
    outer->setStretchFactor(0, 1);
    outer->setStretchFactor(1, 4);

    const auto currentEntry = [this] { return entryList_->currentRow(); };
    connect(up, &QPushButton::clicked, this, [=] {
        if (currentEntry() > 0) moveEntry(currentEntry(), currentEntry() - 1);
    });
    connect(down, &QPushButton::clicked, this, [=] {
        const int row = currentEntry();
        if (row >= 0 && row + 1 < static_cast<int>(entries_.size())) moveEntry(row, row + 1);
    });
    connect(remove, &QPushButton::clicked, this, [=] {
        if (currentEntry() >= 0) removeEntry(currentEntry());
    });
    connect(clear, &QPushButton::clicked, this, &ComparisonView::clearEntries);
    auto* removeShortcut = new QAction(entryList_);
    removeShortcut->setShortcut(QKeySequence::Delete);
    removeShortcut->setShortcutContext(Qt::WidgetShortcut);
    connect(removeShortcut, &QAction::triggered, this, [=] {
        if (currentEntry() >= 0) removeEntry(currentEntry());
    });
    entryList_->addAction(removeShortcut);
    connect(entryList_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (updating_) return;
        renameEntry(entryList_->row(item), item->text());
    });
    const auto moveMetric = [this](int by) {
        const int row = metricList_->currentRow();
        const int target = row + by;
        if (row < 0 || target < 0 || target >= metricList_->count()) return;
        QListWidgetItem* item = metricList_->takeItem(row);
        metricList_->insertItem(target, item);
        metricList_->setCurrentRow(target);
        refreshTable();
    };
    connect(metricUp, &QPushButton::clicked, this, [=] { moveMetric(-1); });
    connect(metricDown, &QPushButton::clicked, this, [=] { moveMetric(1); });
    connect(metricList_, &QListWidget::itemChanged, this, [this] {
        if (!updating_) refreshTable();
    });
    connect(split_, &QComboBox::currentIndexChanged, this, [this] {
        if (updating_) return;
        refreshMetricList();
        refreshTable();
    });
    connect(baseline_, &QComboBox::currentIndexChanged, this, [this] {
        if (updating_) return;
        refreshTable();
        for (UserBucketView* buckets : {historyLength_, targetPopularity_})
            buckets->setBaseline(baseline());
    });
    connect(test_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_) refreshTable();
    });
    connect(layoutChooser_, &QComboBox::currentIndexChanged, this, [this](int index) {
        setTableLayout(index == 0 ? Layout::EntriesAsColumns : Layout::EntriesAsRows);
    });
    connect(curveSeries_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_) fillCurves();
    });
    connect(curves_, &LossCurvePlot::perEpochChanged, this, [this] { fillCurves(); });
    connect(save, &QPushButton::clicked, this, [this] { saveExport(); });
    connect(copy, &QPushButton::clicked, this,
            [this] { copyToClipboard(static_cast<ExportFormat>(format_->currentData().toInt())); });
    rebuild();
}

ComparisonView::~ComparisonView() {
    // A thread still set here has not had its `finished` handled, and the handler that would
    // delete it goes with the view: delete it here (it leaked, found by LSan).
    for (QThread* thread : {tester_, loader_}) {
        if (thread == nullptr) continue;
        thread->wait();
        delete thread;
    }
}

void ComparisonView::addRuns(const QVector<qint64>& runs) {
    std::vector<int64_t> wanted;
    for (qint64 id : runs) {
        const bool present =
            std::any_of(entries_.begin(), entries_.end(), [id](const ComparisonEntry& e) {
                return e.runs.size() == 1 && e.runs.front().id == id;
            });
        if (!present) wanted.push_back(id);
    }
    loadInBackground([wanted](const RunStore& store) {
        std::vector<ComparisonEntry> added;
        for (int64_t id : wanted) {
            RunSummary run = store.run(id).summary;
            std::string label =
                run.name.empty() ? run.model + " #" + std::to_string(run.id) : run.name;
            // The run's further readouts (DimeRec) follow it as labelled entries of their own.
            for (ComparisonEntry& entry :
                 withReadoutEntries({loadEntry(store, std::move(label), {std::move(run)})}))
                added.push_back(std::move(entry));
        }
        return added;
    });
}

void ComparisonView::addSeedGroups(const QVector<qint64>& runs) {
    loadInBackground([runs](const RunStore& store) {
        std::vector<ComparisonEntry> added;
        std::set<std::string> groups;
        for (qint64 id : runs) {
            const RunSummary run = store.run(id).summary;
            if (!groups.insert(run.study + '\n' + run.configHash).second) continue;
            RunQuery query;
            query.configHash = run.configHash;
            query.study = run.study;
            query.sortBy = "id";
            query.descending = false;
            query.limit = 0;
            query.statuses = {"finished"};
            std::vector<RunSummary> group = store.listRuns(query);
            if (group.empty()) continue;
            std::string label = seedGroupLabel(group.front());
            for (ComparisonEntry& entry :
                 withReadoutEntries({loadEntry(store, std::move(label), std::move(group))}))
                added.push_back(std::move(entry));
        }
        return added;
    });
}

void ComparisonView::loadInBackground(EntryReader read) {
    if (loader_ != nullptr) {
        waitingReads_.push_back(std::move(read));
        return;
    }
    struct Loaded {
        std::vector<ComparisonEntry> entries;
        std::map<int64_t, RunExtras> extras;
        QString error;
    };
    auto loaded = std::make_shared<Loaded>();
    const std::string curve =
        curveKey(curveSeries_->count() > 0
                     ? curveSeries_->currentText()
                     : QStringLiteral("train") + kCurveSeparator + QStringLiteral("total"));
    loader_ = QThread::create([this, read = std::move(read), loaded, path = store_.path(), curve] {
        try {
            // A connection of this thread's own (RunStore is one connection per thread).
            const RunStore store(path, RunStore::Mode::ReadOnly);
            loaded->entries = read(store);
            for (const ComparisonEntry& entry : loaded->entries) {
                for (const RunSummary& run : entry.runs) {
                    if (loaded->extras.count(run.id) == 0)
                        loaded->extras.emplace(run.id, readExtras(store, run.id, curve));
                }
            }
        } catch (const std::exception& error) {
            loaded->error = QString::fromUtf8(error.what());
        }
        // Delivered on the view's thread (before `finished`), dropped if the view is gone.
        QMetaObject::invokeMethod(
            this,
            [this, loaded] {
                if (!loaded->error.isEmpty()) {
                    QMessageBox::warning(this, tr("Comparison"), loaded->error);
                    return;
                }
                for (auto& [run, extras] : loaded->extras)
                    extras_.try_emplace(run, std::move(extras));
                std::vector<ComparisonEntry> entries = entries_;
                for (ComparisonEntry& entry : loaded->entries) entries.push_back(std::move(entry));
                setEntries(std::move(entries));
            },
            Qt::QueuedConnection);
    });
    connect(loader_, &QThread::finished, this, [this] {
        loader_->deleteLater();
        loader_ = nullptr;
        if (waitingReads_.empty()) return;
        EntryReader next = std::move(waitingReads_.front());
        waitingReads_.pop_front();
        loadInBackground(std::move(next));
    });
    loader_->start(QThread::LowPriority);
}

ComparisonView::RunExtras ComparisonView::readExtras(const RunStore& store, int64_t run,
                                                     const std::string& curve) {
    RunExtras extras;
    try {
        extras.configJson = store.run(run).configJson;
        extras.series = store.seriesList(run);
        extras.stepsPerEpoch = store.stepsPerEpoch(run);
        if (const size_t cut = curve.find('\n'); cut != std::string::npos)
            extras.curves[curve] = store.series(run, curve.substr(0, cut), curve.substr(cut + 1));
    } catch (const std::exception& error) {
        extras.error = error.what();  // a run deleted meanwhile
    }
    return extras;
}

std::string ComparisonView::curveKey(const QString& chooserText) {
    const QStringList parts = chooserText.split(kCurveSeparator);
    if (parts.size() != 2) return {};
    return parts[0].toStdString() + '\n' + parts[1].toStdString();
}

void ComparisonView::setEntries(std::vector<ComparisonEntry> entries) {
    const int oldBaseline = baseline();
    entries_ = std::move(entries);
    refreshEntryList();
    refreshSplitChoice();
    refreshMetricList();
    refreshBaselineChoice();
    if (oldBaseline >= 0 && oldBaseline < static_cast<int>(entries_.size())) {
        setBaseline(oldBaseline);
    }
    rebuild();
    Q_EMIT entriesChanged(static_cast<int>(entries_.size()));
}

void ComparisonView::removeEntry(int index) {
    if (index < 0 || index >= static_cast<int>(entries_.size())) return;
    int chosen = baseline();
    if (chosen == index) {
        chosen = -1;
    } else if (chosen > index) {
        --chosen;
    }
    entries_.erase(entries_.begin() + index);
    refreshEntryList();
    refreshSplitChoice();
    refreshMetricList();
    refreshBaselineChoice();
    setBaseline(chosen);
    rebuild();
    Q_EMIT entriesChanged(static_cast<int>(entries_.size()));
}

void ComparisonView::renameEntry(int index, const QString& label) {
    if (index < 0 || index >= static_cast<int>(entries_.size()) || label.trimmed().isEmpty())
        return;
    entries_[static_cast<size_t>(index)].label = label.trimmed().toStdString();
    // Called while the list's item is being edited too: update the texts, never rebuild the list.
    updating_ = true;
    if (QListWidgetItem* item = entryList_->item(index); item && item->text() != label.trimmed())
        item->setText(label.trimmed());
    baseline_->setItemText(index + 1, label.trimmed());
    updating_ = false;
    rebuild();
}

void ComparisonView::moveEntry(int from, int to) {
    const int count = static_cast<int>(entries_.size());
    if (from < 0 || from >= count || to < 0 || to >= count || from == to) return;
    int chosen = baseline();
    ComparisonEntry moved = std::move(entries_[static_cast<size_t>(from)]);
    entries_.erase(entries_.begin() + from);
    entries_.insert(entries_.begin() + to, std::move(moved));
    if (chosen == from) {
        chosen = to;
    } else if (chosen >= 0 && from < chosen && to >= chosen) {
        --chosen;
    } else if (chosen >= 0 && from > chosen && to <= chosen) {
        ++chosen;
    }
    refreshEntryList();
    refreshBaselineChoice();
    setBaseline(chosen);
    entryList_->setCurrentRow(to);
    rebuild();
}

void ComparisonView::clearEntries() {
    setEntries({});
}

void ComparisonView::setMetrics(const QStringList& metrics) {
    updating_ = true;
    // Ticked metrics first in the given order, then the others unticked.
    QStringList all = availableMetrics();
    for (const QString& metric : metrics) all.removeAll(metric);
    metricList_->clear();
    for (const QString& metric : metrics) {
        auto* item = new QListWidgetItem(metric, metricList_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    for (const QString& metric : all) {
        auto* item = new QListWidgetItem(metric, metricList_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    updating_ = false;
    refreshTable();
}

QStringList ComparisonView::metrics() const {
    QStringList chosen;
    for (int i = 0; i < metricList_->count(); ++i) {
        if (metricList_->item(i)->checkState() == Qt::Checked)
            chosen << metricList_->item(i)->text();
    }
    return chosen;
}

QStringList ComparisonView::availableMetrics() const {
    std::set<std::string> names;
    std::string read;
    for (const ComparisonEntry& entry : entriesForSplit(entries_, split(), &read)) {
        for (const RunSummary& run : entry.runs) {
            for (const auto& [name, value] : read == "test" ? run.testMetrics : run.validMetrics)
                names.insert(name);
        }
    }
    QStringList list;
    for (const std::string& name : names) list << QString::fromStdString(name);
    return list;
}

void ComparisonView::setSplit(const QString& split) {
    const int index = split_->findData(split);
    if (index >= 0) split_->setCurrentIndex(index);
}

void ComparisonView::setBaseline(int entry) {
    const int index = entry + 1;  // item 0 is "none"
    if (index >= 0 && index < baseline_->count()) baseline_->setCurrentIndex(index);
}

int ComparisonView::baseline() const {
    return baseline_->currentIndex() - 1;
}

void ComparisonView::setTest(SeedTest test) {
    const int index = test_->findData(static_cast<int>(test));
    if (index >= 0) test_->setCurrentIndex(index);
}

void ComparisonView::setTableLayout(Layout layout) {
    layout_ = layout;
    const int index = layout == Layout::EntriesAsColumns ? 0 : 1;
    if (layoutChooser_->currentIndex() != index) {
        layoutChooser_->setCurrentIndex(index);  // comes back here through the signal
        return;
    }
    fillTable();
}

std::string ComparisonView::split() const {
    return split_->currentData().toString().toStdString();
}

void ComparisonView::refreshEntryList() {
    updating_ = true;
    entryList_->clear();
    for (const ComparisonEntry& entry : entries_) {
        auto* item = new QListWidgetItem(QString::fromStdString(entry.label), entryList_);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        QStringList runs;
        for (const RunSummary& run : entry.runs) {
            runs << tr("#%1 seed %2 (%3)")
                        .arg(run.id)
                        .arg(run.seed)
                        .arg(QString::fromStdString(run.study));
        }
        item->setToolTip(runs.join(QLatin1Char('\n')));
    }
    updating_ = false;
}

void ComparisonView::refreshMetricList() {
    QStringList chosen = metrics();
    const QStringList available = availableMetrics();
    QStringList kept;
    for (const QString& metric : chosen) {
        if (available.contains(metric)) kept << metric;
    }
    if (kept.isEmpty()) {
        for (const QString& metric : kPreferredMetrics) {
            if (available.contains(metric)) kept << metric;
        }
        for (int i = 0; kept.isEmpty() && i < std::min<int>(kDefaultMetrics, available.size()); ++i)
            kept << available[i];
    }
    updating_ = true;
    QStringList rest = available;
    for (const QString& metric : kept) rest.removeAll(metric);
    metricList_->clear();
    for (const QString& metric : kept + rest) {
        auto* item = new QListWidgetItem(metric, metricList_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(kept.contains(metric) ? Qt::Checked : Qt::Unchecked);
    }
    updating_ = false;
}

void ComparisonView::refreshSplitChoice() {
    // The test under either history setting, where some run stored the one it was not
    // configured with (issue 19, item 8); otherwise the runs' own settings only.
    const bool both = !otherHistoryOf(entries_).empty();
    const QVariant current = split_->currentData();
    updating_ = true;
    while (split_->count() > 2) split_->removeItem(2);
    if (both) {
        split_->addItem(tr("test, history excluded"), QString::fromLatin1(kTestHistoryExcluded));
        split_->addItem(tr("test, history kept"), QString::fromLatin1(kTestHistoryKept));
    }
    split_->setCurrentIndex(std::max(split_->findData(current), 0));
    updating_ = false;
}

void ComparisonView::refreshBaselineChoice() {
    updating_ = true;
    baseline_->clear();
    baseline_->addItem(tr("none"));
    for (const ComparisonEntry& entry : entries_)
        baseline_->addItem(QString::fromStdString(entry.label));
    updating_ = false;
}

ComparisonRequest ComparisonView::request() const {
    ComparisonRequest request;
    for (const QString& metric : metrics()) request.metrics.push_back(metric.toStdString());
    request.split = split();
    if (baseline() >= 0) request.baseline = static_cast<size_t>(baseline());
    request.test = static_cast<SeedTest>(test_->currentData().toInt());
    return request;
}

void ComparisonView::rebuild() {
    if (updating_) return;
    refreshTable();
    loadExtras();
    fillDiff();
    for (UserBucketView* buckets : {historyLength_, targetPopularity_}) {
        buckets->setBaseline(baseline());
        buckets->setEntries(entries_);
    }
    // The curve choice: every series any of the runs logged.
    const QString current = curveSeries_->currentText();
    std::set<QString> series;
    for (const auto& [run, extras] : extras_) {
        for (const SeriesInfo& info : extras.series)
            series.insert(QString::fromStdString(info.source) + kCurveSeparator +
                          QString::fromStdString(info.name));
    }
    updating_ = true;
    curveSeries_->clear();
    for (const QString& name : series) curveSeries_->addItem(name);
    int index = curveSeries_->findText(current);
    if (index < 0)
        index = curveSeries_->findText(QStringLiteral("train") + kCurveSeparator +
                                       QStringLiteral("total"));
    curveSeries_->setCurrentIndex(std::max(index, 0));
    updating_ = false;
    fillCurves();
}

void ComparisonView::refreshTable() {
    if (updating_) return;
    const ComparisonRequest request = this->request();
    // Means and deltas at once; the tests (a bootstrap of thousands of users per cell) follow.
    ComparisonRequest untested = request;
    untested.significance = false;
    table_ = entries_.empty() || request.metrics.empty() ? ResultTable()
                                                         : buildComparisonTable(entries_, untested);
    fillTable();
    startTests(request);
}

void ComparisonView::loadExtras() {
    std::map<int64_t, RunExtras> kept;
    for (const ComparisonEntry& entry : entries_) {
        for (const RunSummary& run : entry.runs) {
            if (kept.count(run.id) > 0) continue;
            if (auto known = extras_.find(run.id); known != extras_.end()) {
                kept.emplace(run.id, std::move(known->second));
                continue;
            }
            kept.emplace(run.id, readExtras(store_, run.id, curveKey(curveSeries_->currentText())));
        }
    }
    extras_ = std::move(kept);
}

void ComparisonView::startTests(const ComparisonRequest& request) {
    ++testGeneration_;
    testError_.clear();
    testsPending_ = request.baseline && entries_.size() > 1 && !request.metrics.empty();
    showNote();
    if (!testsPending_) return;
    // One computation at a time: while one runs, the newest request waits for it to end (a
    // stale computation is not interrupted, but never followed by more than one).
    if (tester_ != nullptr) {
        testAgain_ = true;
        return;
    }
    struct Outcome {
        ResultTable table;
        QString error;
    };
    auto outcome = std::make_shared<Outcome>();
    const int generation = testGeneration_;
    tester_ = QThread::create([this, entries = entries_, request, generation, outcome] {
        try {
            outcome->table = buildComparisonTable(entries, request);
        } catch (const std::exception& error) {
            outcome->error = QString::fromUtf8(error.what());
        }
        // Delivered on the view's thread (before `finished`); a newer request makes it stale.
        QMetaObject::invokeMethod(
            this,
            [this, generation, outcome] {
                if (generation != testGeneration_) return;
                testsPending_ = false;
                testError_ = outcome->error;
                if (testError_.isEmpty()) {
                    table_ = std::move(outcome->table);
                    fillTable();
                }
                showNote();
                Q_EMIT testsFinished();
            },
            Qt::QueuedConnection);
    });
    connect(tester_, &QThread::finished, this, [this] {
        tester_->deleteLater();
        tester_ = nullptr;
        if (std::exchange(testAgain_, false) && testsPending_) startTests(this->request());
    });
    tester_->start(QThread::LowPriority);
}

void ComparisonView::showNote() {
    const QString marks = tr("Bold: best, underlined: second.");
    if (!table_.baseline()) {
        note_->setText(tr("Choose a baseline for deltas and significance tests. %1").arg(marks));
    } else if (testsPending_) {
        note_->setText(tr("Testing against the baseline over the test users both entries "
                          "share… %1")
                           .arg(marks));
    } else if (!testError_.isEmpty()) {
        note_->setText(tr("No tests: %1").arg(testError_));
    } else {
        const std::string note = table_.significanceNote(exportFormat().alpha);
        note_->setText(note.empty() ? tr("No entry could be tested against the baseline "
                                         "(fewer than two users or seeds to pair). %1")
                                          .arg(marks)
                                    : QString::fromStdString(note) + QLatin1Char(' ') + marks);
    }
}

QString ComparisonView::cellText(size_t row, size_t column) const {
    const ResultCell& cell = table_.cell(row, column);
    if (cell.stats.n == 0) return QStringLiteral("–");
    QString text = QString::fromStdString(formatMeanStd(cell.stats, kDecimals));
    if (cell.stats.n > 1) text += QStringLiteral("  (N=%1)").arg(cell.stats.n);
    QStringList second;
    if (const auto delta = table_.relativeDelta(row, column))
        second << (*delta >= 0 ? QStringLiteral("+") : QString()) +
                      QStringLiteral("%1 %").arg(*delta * 100.0, 0, 'f', 1);
    if (cell.pValue && cell.test) {
        // The mark of the exports (and of the note above the table) beside a significant p.
        const QString mark = *cell.pValue < exportFormat().alpha ? QStringLiteral("†") : QString();
        const QString over = cell.test->perUser ? tr(" (%1 users)") : tr(" (%1 seeds)");
        second << pValueText(*cell.pValue) + mark + over.arg(cell.test->n);
    }
    if (table_.baseline() && *table_.baseline() == row) second << tr("baseline");
    if (!second.isEmpty()) text += QLatin1Char('\n') + second.join(QStringLiteral(" · "));
    return text;
}

QString ComparisonView::cellToolTip(size_t row, size_t column) const {
    const ResultCell& cell = table_.cell(row, column);
    if (cell.stats.n == 0) return tr("No run of this entry has the metric.");
    QString tip = tr("mean %1, std %2, N=%3, min %4, max %5")
                      .arg(cell.stats.mean, 0, 'g', 6)
                      .arg(cell.stats.stdDev, 0, 'g', 4)
                      .arg(cell.stats.n)
                      .arg(cell.stats.min, 0, 'g', 6)
                      .arg(cell.stats.max, 0, 'g', 6);
    if (table_.baseline() && *table_.baseline() != row) {
        tip += QLatin1Char('\n');
        if (testsPending_) {
            tip += tr("Testing against the baseline…");
        } else if (!cell.test) {
            tip += tr("No test: fewer than two users or seeds (pairs) to compare.");
        } else {
            const CellTest& test = *cell.test;
            tip += tr("%1 against the baseline over %2 %3: p=%4 (Holm-corrected p=%5)")
                       .arg(QString::fromStdString(test.method))
                       .arg(test.n)
                       .arg(test.perUser ? tr("users") : tr("seeds"))
                       .arg(test.pValue, 0, 'g', 4)
                       .arg(cell.pValue.value_or(test.pValue), 0, 'g', 4);
            tip += tr("\nmean difference %1").arg(test.meanDifference, 0, 'g', 4);
            if (test.interval) {
                tip += tr(", paired bootstrap %1 % interval [%2, %3] (%4 resamples)")
                           .arg(test.interval->level * 100.0, 0, 'g', 3)
                           .arg(test.interval->low, 0, 'g', 4)
                           .arg(test.interval->high, 0, 'g', 4)
                           .arg(test.interval->resamples);
            }
            if (test.seedTest) {
                tip += tr("\nseed-level %1 beside it: p=%2 over %3 seeds")
                           .arg(QString::fromStdString(test.seedTest->method))
                           .arg(test.seedTest->pValue, 0, 'g', 4)
                           .arg(test.seedTest->n);
            } else if (!test.seedLevelReason.empty()) {
                tip += tr("\nseed-level: %1").arg(QString::fromStdString(test.seedLevelReason));
            }
        }
    }
    return tip;
}

void ComparisonView::fillTable() {
    const size_t rows = table_.rows().size();
    const size_t columns = table_.columns().size();
    const bool transposed = layout_ == Layout::EntriesAsColumns;
    tableWidget_->clear();
    tableWidget_->setRowCount(static_cast<int>(transposed ? columns : rows));
    tableWidget_->setColumnCount(static_cast<int>(transposed ? rows : columns));
    QStringList entryLabels;
    for (const ResultRow& row : table_.rows()) entryLabels << QString::fromStdString(row.label);
    QStringList metricLabels;
    for (const ResultColumn& column : table_.columns())
        metricLabels << QString::fromStdString(column.label);
    tableWidget_->setHorizontalHeaderLabels(transposed ? entryLabels : metricLabels);
    tableWidget_->setVerticalHeaderLabels(transposed ? metricLabels : entryLabels);
    const double resolution = std::pow(10.0, -kDecimals);
    for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < columns; ++c) {
            auto* item = new QTableWidgetItem(cellText(r, c));
            item->setToolTip(cellToolTip(r, c));
            const CellRank rank = table_.rank(r, c, resolution);
            QFont font = item->font();
            font.setBold(rank == CellRank::Best);
            font.setUnderline(rank == CellRank::Second);
            item->setFont(font);
            item->setData(Qt::UserRole, static_cast<int>(rank));
            item->setTextAlignment(Qt::AlignCenter);
            if (transposed) {
                tableWidget_->setItem(static_cast<int>(c), static_cast<int>(r), item);
            } else {
                tableWidget_->setItem(static_cast<int>(r), static_cast<int>(c), item);
            }
        }
    }
    tableWidget_->resizeColumnsToContents();
    tableWidget_->resizeRowsToContents();
}

void ComparisonView::fillDiff() {
    diff_->clear();
    diff_->setColumnCount(static_cast<int>(entries_.size()));
    QStringList labels;
    std::vector<std::string> configs;
    try {
        for (const ComparisonEntry& entry : entries_) {
            labels << QString::fromStdString(entry.label);
            const RunExtras& extras = extras_.at(entry.runs.front().id);
            if (!extras.error.empty()) throw std::runtime_error(extras.error);
            configs.push_back(extras.configJson);
        }
        const std::vector<ConfigDifference> differences = configDiff(configs);
        diff_->setRowCount(static_cast<int>(differences.size()));
        QStringList fields;
        for (size_t f = 0; f < differences.size(); ++f) {
            fields << QString::fromStdString(differences[f].field);
            for (size_t e = 0; e < differences[f].values.size(); ++e) {
                diff_->setItem(
                    static_cast<int>(f), static_cast<int>(e),
                    new QTableWidgetItem(QString::fromStdString(differences[f].values[e])));
            }
        }
        diff_->setVerticalHeaderLabels(fields);
    } catch (const std::exception& error) {
        diff_->setRowCount(1);
        diff_->setItem(0, 0, new QTableWidgetItem(QString::fromUtf8(error.what())));
    }
    diff_->setHorizontalHeaderLabels(labels);
    diff_->resizeColumnsToContents();
}

void ComparisonView::fillCurves() {
    curves_->clear();
    const bool perEpoch = curves_->perEpoch();
    curves_->setAxisLabels(perEpoch ? tr("epoch") : tr("step"), tr("value"));
    const std::string key = curveKey(curveSeries_->currentText());
    if (key.empty()) return;
    const std::string source = key.substr(0, key.find('\n'));
    const std::string name = key.substr(key.find('\n') + 1);
    curves_->setSmoothingAvailable(source == "train");
    int drawn = 0;
    int withoutEpochs = 0;
    QVector<qint64> runs;
    for (const ComparisonEntry& entry : entries_) {
        for (const RunSummary& run : entry.runs) runs.push_back(run.id);
    }
    const QVector<QColor> colours = runColours(runs);
    for (const ComparisonEntry& entry : entries_) {
        for (const RunSummary& run : entry.runs) {
            if (drawn == kMaxCurves) break;
            QString label = QString::fromStdString(entry.label);
            if (entry.runs.size() > 1) label += tr(" · seed %1").arg(run.seed);
            // Read once per run and series (the entries' loader read the chosen one).
            RunExtras& extras = extras_[run.id];
            auto cached = extras.curves.find(key);
            if (cached == extras.curves.end()) {
                try {
                    cached = extras.curves.emplace(key, store_.series(run.id, source, name)).first;
                } catch (const std::exception&) {
                    continue;
                }
            }
            if (cached->second.empty()) continue;
            if (perEpoch && !extras.stepsPerEpoch) {
                ++withoutEpochs;
                continue;
            }
            const double stepsPerEpoch =
                perEpoch ? static_cast<double>(*extras.stepsPerEpoch) : 1.0;
            QVector<double> x;
            QVector<double> values;
            for (const SeriesPoint& point : cached->second) {
                x.push_back(static_cast<double>(point.step) / stepsPerEpoch);
                values.push_back(point.value);
            }
            curves_->setSeriesColor(label, colours[static_cast<int>(runs.indexOf(run.id))]);
            curves_->addPoints(label, x, values);
            ++drawn;
        }
    }
    curves_->setTitle(curveSeries_->currentText());
    curves_->setRunsLeftOut(withoutEpochs);
}

TableFormat ComparisonView::exportFormat() const {
    TableFormat format;
    format.decimals = kDecimals;
    format.runsAsColumns = layout_ == Layout::EntriesAsColumns;
    format.cornerLabel = layout_ == Layout::EntriesAsColumns ? "Metric" : "Variant";
    return format;
}

QString ComparisonView::exportText(ExportFormat format) const {
    if (table_.rows().empty()) return QString();
    const ResultTable table = testsPending_ ? buildComparisonTable(entries_, request()) : table_;
    switch (format) {
        case ExportFormat::Latex:
            return QString::fromStdString(toLatex(table, exportFormat()));
        case ExportFormat::Markdown:
            return QString::fromStdString(toMarkdown(table, exportFormat()));
        case ExportFormat::Csv:
            return QString::fromStdString(toCsv(table, exportFormat()));
    }
    return QString();
}

void ComparisonView::copyToClipboard(ExportFormat format) const {
    QApplication::clipboard()->setText(exportText(format));
}

bool ComparisonView::saveExport() {
    const auto format = static_cast<ExportFormat>(format_->currentData().toInt());
    const QString filter = format == ExportFormat::Latex      ? tr("LaTeX (*.tex)")
                           : format == ExportFormat::Markdown ? tr("Markdown (*.md)")
                                                              : tr("CSV (*.csv)");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export table"), QString(), filter);
    if (path.isEmpty()) return false;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text) ||
        file.write(exportText(format).toUtf8()) < 0) {
        QMessageBox::warning(this, tr("Export table"),
                             tr("Cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

}  // namespace dimerec

#include "UserBucketView.h"

#include "MetricCharts.h"
#include "PlotExport.h"
#include "QCustomPlotInclude.h"
#include "analysis/UserComparison.h"
#include "store/RunStore.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace dimerec {

UserBucketView::UserBucketView(std::string storePath, UserGrouping grouping, QWidget* parent)
    : QWidget(parent),
      storePath_(std::move(storePath)),
      grouping_(grouping),
      edges_(defaultEdges(grouping)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Metric"), this));
    metric_ = new QComboBox(this);
    metric_->setToolTip(
        tr("A metric of the per-user test ranks, averaged over each bucket's "
           "users, then over an entry's seeds"));
    row->addWidget(metric_);
    row->addWidget(new QLabel(tr("Buckets from"), this));
    QStringList edges;
    for (int64_t edge : edges_) edges << QString::number(edge);
    edgesEdit_ = new QLineEdit(edges.join(QStringLiteral(", ")), this);
    edgesEdit_->setToolTip(grouping == UserGrouping::HistoryLength
                               ? tr("The history lengths where buckets start (items before the "
                                    "target), ascending; the first bucket starts at 1, the last "
                                    "is open")
                               : tr("The training interactions of the test target where buckets "
                                    "start, ascending; the first bucket starts at 0 (targets "
                                    "never seen in training), the last is open"));
    edgesEdit_->setMaximumWidth(120);
    row->addWidget(edgesEdit_);
    // One line, cut where the dock is narrow (its tooltip has it whole), so that the tab asks
    // no more height of the dock than the other tabs do.
    note_ = new QLabel(this);
    note_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    row->addWidget(note_, 1);
    layout->addLayout(row);
    plot_ = new QCustomPlot(this);
    plot_->setMinimumHeight(120);
    layout->addWidget(plot_, 1);
    enablePlotExport(plot_);
    setPlotDataTable(*plot_, [this] { return QString::fromStdString(metricGridCsv(grid_)); });
    connect(metric_, &QComboBox::currentTextChanged, this, [this] { draw(); });
    connect(edgesEdit_, &QLineEdit::editingFinished, this,
            [this] { setEdges(edgesEdit_->text()); });
    draw();
}

UserBucketView::~UserBucketView() {
    // A loader still set here has not had its `finished` handled (see ComparisonView).
    if (loader_ != nullptr) {
        loader_->wait();
        delete loader_;
    }
}

void UserBucketView::setEntries(const std::vector<ComparisonEntry>& entries) {
    entries_ = entries;
    std::set<std::string> metrics;
    for (const ComparisonEntry& entry : entries_) {
        for (const RunSummary& run : entry.runs) {
            for (const auto& [name, value] : run.testMetrics)
                if (isPerUserMetric(name)) metrics.insert(name);
        }
    }
    const QString current = metric_->currentText();
    {
        const QSignalBlocker block(metric_);
        metric_->clear();
        for (const std::string& name : metrics) metric_->addItem(QString::fromStdString(name));
        int index = metric_->findText(current.isEmpty() ? QStringLiteral("ndcg@10") : current);
        if (index < 0) index = metric_->findText(QStringLiteral("ndcg@10"));
        metric_->setCurrentIndex(std::max(index, 0));
    }
    if (isVisible()) {
        loadBuckets();
    } else {
        draw();
    }
}

void UserBucketView::setBaseline(int entry) {
    if (entry == baseline_) return;
    baseline_ = entry;
    draw();
}

void UserBucketView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    loadBuckets();
}

void UserBucketView::setMetric(const QString& metric) {
    const int index = metric_->findText(metric);
    if (index >= 0) metric_->setCurrentIndex(index);
}

void UserBucketView::setEdges(const QString& edges) {
    if (edgesEdit_->text() != edges) edgesEdit_->setText(edges);
    std::vector<int64_t> parsed;
    edgesError_.clear();
    for (const QString& part : edges.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong edge = part.trimmed().toLongLong(&ok);
        if (!ok) {
            edgesError_ = tr("Buckets from: '%1' is not a whole number").arg(part.trimmed());
            break;
        }
        parsed.push_back(edge);
    }
    if (edgesError_.isEmpty()) edges_ = std::move(parsed);
    if (isVisible()) {
        loadBuckets();
    } else {
        draw();
    }
}

std::set<int64_t> UserBucketView::entryRuns() const {
    std::set<int64_t> runs;
    for (const ComparisonEntry& entry : entries_) {
        for (const RunSummary& run : entry.runs) runs.insert(run.id);
    }
    return runs;
}

void UserBucketView::loadBuckets() {
    const std::set<int64_t> runs = entryRuns();
    if (runs.empty() || !edgesError_.isEmpty() || (runs == bucketRuns_ && edges_ == bucketEdges_)) {
        draw();
        return;
    }
    if (loader_ != nullptr) {
        loadAgain_ = true;
        draw();
        return;
    }
    struct Loaded {
        std::optional<UserBuckets> buckets;
        QString error;
    };
    auto loaded = std::make_shared<Loaded>();
    loader_ = QThread::create([this, runs, grouping = grouping_, edges = edges_, loaded,
                               path = storePath_] {
        try {
            const RunStore store(path, RunStore::Mode::ReadOnly);
            loaded->buckets = testUserBuckets(store, {runs.begin(), runs.end()}, grouping, edges);
        } catch (const std::exception& error) {
            loaded->error = QString::fromUtf8(error.what());
        }
        // Delivered on the view's thread (before `finished`).
        QMetaObject::invokeMethod(
            this,
            [this, runs, edges, loaded] {
                bucketRuns_ = runs;
                bucketEdges_ = edges;
                buckets_ = std::move(loaded->buckets);
                bucketError_ = loaded->error;
            },
            Qt::QueuedConnection);
    });
    connect(loader_, &QThread::finished, this, [this] {
        loader_->deleteLater();
        loader_ = nullptr;
        if (std::exchange(loadAgain_, false)) {
            loadBuckets();
        } else {
            draw();
        }
    });
    loader_->start(QThread::LowPriority);
    draw();
}

void UserBucketView::draw() {
    grid_ = MetricGrid{};
    const auto clear = [this](const QString& text) {
        plot_->clearPlottables();
        plot_->clearItems();
        plot_->legend->setVisible(false);
        plot_->replot();
        note_->setText(text);
        note_->setToolTip(text);
    };
    if (entries_.empty()) {
        clear(
            tr("Add runs or seed groups to the comparison: their metrics by groups of test users "
               "show here."));
    } else if (loader_ != nullptr) {
        clear(tr("Reading the runs' dataset…"));
        return;  // drawn when they are read
    } else if (!edgesError_.isEmpty()) {
        clear(edgesError_);
    } else if (entryRuns() != bucketRuns_ || edges_ != bucketEdges_) {
        clear(QString());  // read when the view is shown
    } else if (!bucketError_.isEmpty()) {
        clear(bucketError_);
    } else if (!buckets_ || metric_->currentText().isEmpty()) {
        clear(tr("No per-user metric among the entries' test metrics."));
    } else {
        std::vector<std::string> leftOut;
        const std::string metric = metric_->currentText().toStdString();
        grid_ = userBucketGrid(entries_, *buckets_, metric, &leftOut);
        const bool tested = baseline_ >= 0 && static_cast<size_t>(baseline_) < entries_.size();
        if (tested)
            grid_.marked =
                userBucketMarks(entries_, *buckets_, metric, static_cast<size_t>(baseline_));
        drawSweepLines(*plot_, grid_, axisTitle(metric) + tr(" (test)"));
        int64_t users = 0;
        for (int64_t count : buckets_->users) users += count;
        QString text = tr("%1 test users by %2; mean ± std over each entry's seeds.")
                           .arg(users)
                           .arg(QString::fromStdString(buckets_->title));
        if (!leftOut.empty()) {
            QStringList labels;
            for (const std::string& label : leftOut) labels << QString::fromStdString(label);
            text +=
                tr(" Left out, without per-user ranks: %1.").arg(labels.join(QStringLiteral(", ")));
        }
        if (tested) {
            const std::string& baseline = entries_[static_cast<size_t>(baseline_)].label;
            const bool unranked =
                std::find(leftOut.begin(), leftOut.end(), baseline) != leftOut.end();
            text += (unranked ? tr(" No tests: the baseline %1 has no per-user ranks.")
                              : tr(" † p < 0.05 against %1 over the bucket's users (paired "
                                   "t-test, Holm-corrected across the lines)."))
                        .arg(QString::fromStdString(baseline));
        }
        note_->setText(text);
        note_->setToolTip(text);
    }
    Q_EMIT drawn();
}

}  // namespace dimerec

#include "RunTableModel.h"

#include "store/RunStore.h"

#include <QDateTime>
#include <QPainter>
#include <QPixmap>

#include <algorithm>

namespace dimerec {
namespace {

// Store sort keys of the columns, "" for columns the store cannot sort by.
const char* sortKey(int column) {
    switch (column) {
        case RunTableModel::Status:
            return "status";
        case RunTableModel::Id:
            return "id";
        case RunTableModel::Name:
            return "name";
        case RunTableModel::Study:
            return "study";
        case RunTableModel::Model:
            return "model";
        case RunTableModel::Dataset:
            return "dataset";
        case RunTableModel::Protocol:
            return "protocol";
        case RunTableModel::Seed:
            return "seed";
        case RunTableModel::Steps:
            return "steps";
        case RunTableModel::Time:
            return "elapsed";
        case RunTableModel::ValidNdcg:
            return "valid:ndcg@10";
        case RunTableModel::TestNdcg:
            return "test:ndcg@10";
        case RunTableModel::TestHr:
            return "test:hr@10";
        case RunTableModel::Started:
            return "started";
        default:
            return "";
    }
}

QVariant metric(const std::map<std::string, double>& metrics, const char* name) {
    const auto it = metrics.find(name);
    if (it == metrics.end()) return {};
    return QString::number(it->second, 'f', 4);
}

}  // namespace

RunTableModel::RunTableModel(RunStore& store, QObject* parent)
    : QAbstractTableModel(parent), store_(store) {
    query_.limit = kPageSize;
    refresh();
}

QString RunTableModel::epochsText(const RunSummary& run) const {
    const auto cached = epochs_.find(run.id);
    if (cached != epochs_.end() && cached->second.first == run.steps) return cached->second.second;
    QString text;
    try {
        const TrainingExtent extent = store_.trainingExtent(run.id);
        if (extent.epochs > 0)
            text = QStringLiteral("%1 (%2)").arg(extent.epochs).arg(extent.bestEpoch);
    } catch (const std::exception&) {
        // A run deleted since the page was read: nothing to show.
    }
    epochs_[run.id] = {run.steps, text};
    return text;
}

std::vector<RunSummary> RunTableModel::query(int64_t offset, int64_t limit) const {
    RunQuery page = query_;
    page.offset = offset;
    page.limit = limit;
    return store_.listRuns(page);
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QIcon RunTableModel::statusIcon(const QString& status) {
    static QHash<QString, QIcon> cache;
    const auto cached = cache.constFind(status);
    if (cached != cache.constEnd()) return *cached;
    QColor color(0x9e, 0x9e, 0x9e);
    if (status == QLatin1String("running"))
        color = QColor(0x1f, 0x77, 0xb4);
    else if (status == QLatin1String("finished"))
        color = QColor(0x2c, 0xa0, 0x2c);
    else if (status == QLatin1String("failed"))
        color = QColor(0xd6, 0x27, 0x28);
    else if (status == QLatin1String("cancelled"))
        color = QColor(0xff, 0x7f, 0x0e);
    else if (status == QLatin1String("queued"))
        color = QColor(0xc7, 0xc7, 0xc7);
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(color.darker(130));
    painter.setBrush(color);
    painter.drawEllipse(1, 1, 10, 10);
    painter.end();
    return cache.insert(status, QIcon(pixmap)).value();
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
    const RunSummary& run = rows_[static_cast<size_t>(index.row())];
    if (role == RunIdRole) return QVariant::fromValue<qlonglong>(run.id);
    if (role == Qt::DecorationRole && index.column() == Status) {
        return statusIcon(QString::fromStdString(run.status));
    }
    if (role == Qt::ToolTipRole && index.column() == Status && !run.message.empty()) {
        return QString::fromStdString(run.message);
    }
    if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
            case Id:
            case Seed:
            case Steps:
            case Time:
            case Epochs:
            case ValidNdcg:
            case TestNdcg:
            case TestHr:
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            default:
                return {};
        }
    }
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
        case Status:
            return QString::fromStdString(run.status);
        case Id:
            return QVariant::fromValue<qlonglong>(run.id);
        case Name:
            return QString::fromStdString(run.name);
        case Study:
            return QString::fromStdString(run.study);
        case Model:
            return QString::fromStdString(run.model);
        case Dataset:
            return QString::fromStdString(run.dataset);
        case Protocol:
            return QString::fromStdString(run.protocol);
        case Seed:
            return QString::number(run.seed);
        case Steps:
            return QVariant::fromValue<qlonglong>(run.steps);
        case Time:
            return run.elapsedSeconds > 0.0 ? formatDuration(run.elapsedSeconds) : QString();
        case Epochs:
            return epochsText(run);
        case ValidNdcg:
            return metric(run.validMetrics, "ndcg@10");
        case TestNdcg:
            return metric(run.testMetrics, "ndcg@10");
        case TestHr:
            return metric(run.testMetrics, "hr@10");
        case Tags: {
            QStringList tags;
            for (const std::string& tag : run.tags) tags << QString::fromStdString(tag);
            return tags.join(QStringLiteral(", "));
        }
        case Started:
            return run.startedAt > 0.0
                       ? QDateTime::fromSecsSinceEpoch(static_cast<qint64>(run.startedAt))
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                       : QString();
        default:
            return {};
    }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Status:
            return tr("Status");
        case Id:
            return tr("ID");
        case Name:
            return tr("Name");
        case Study:
            return tr("Study");
        case Model:
            return tr("Model");
        case Dataset:
            return tr("Dataset");
        case Protocol:
            return tr("Protocol");
        case Seed:
            return tr("Seed");
        case Steps:
            return tr("Steps");
        case Time:
            return tr("Time");
        case Epochs:
            return tr("Epochs (best)");
        case ValidNdcg:
            return tr("Valid NDCG@10");
        case TestNdcg:
            return tr("Test NDCG@10");
        case TestHr:
            return tr("Test HR@10");
        case Tags:
            return tr("Tags");
        case Started:
            return tr("Started");
        default:
            return {};
    }
}

bool RunTableModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && static_cast<int64_t>(rows_.size()) < total_;
}

void RunTableModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent)) return;
    std::vector<RunSummary> page = query(static_cast<int64_t>(rows_.size()), kPageSize);
    if (page.empty()) return;
    const int first = static_cast<int>(rows_.size());
    beginInsertRows({}, first, first + static_cast<int>(page.size()) - 1);
    std::move(page.begin(), page.end(), std::back_inserter(rows_));
    endInsertRows();
}

void RunTableModel::sort(int column, Qt::SortOrder order) {
    const char* key = sortKey(column);
    if (*key == '\0') return;
    query_.sortBy = key;
    query_.descending = order == Qt::DescendingOrder;
    beginResetModel();
    rows_.clear();
    endResetModel();
    refresh();
}

void RunTableModel::setFilterText(const QString& text) {
    const std::string filter = text.trimmed().toStdString();
    if (filter == query_.text) return;
    query_.text = filter;
    beginResetModel();
    rows_.clear();
    endResetModel();
    refresh();
}

void RunTableModel::refresh() {
    total_ = store_.countRuns(query_);
    const int64_t wanted = std::max<int64_t>(static_cast<int64_t>(rows_.size()), kPageSize);
    std::vector<RunSummary> fresh = query(0, wanted);
    const bool sameRows =
        fresh.size() == rows_.size() &&
        std::equal(fresh.begin(), fresh.end(), rows_.begin(),
                   [](const RunSummary& a, const RunSummary& b) { return a.id == b.id; });
    if (sameRows) {
        rows_ = std::move(fresh);
        if (!rows_.empty()) {
            Q_EMIT dataChanged(index(0, 0),
                               index(static_cast<int>(rows_.size()) - 1, ColumnCount - 1));
        }
        return;
    }
    beginResetModel();
    rows_ = std::move(fresh);
    endResetModel();
}

const RunSummary* RunTableModel::runAt(int row) const {
    if (row < 0 || row >= static_cast<int>(rows_.size())) return nullptr;
    return &rows_[static_cast<size_t>(row)];
}

int RunTableModel::rowOfRun(int64_t id) const {
    for (size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].id == id) return static_cast<int>(i);
    }
    return -1;
}

QString formatDuration(double seconds) {
    const auto total = static_cast<qint64>(seconds + 0.5);
    const qint64 hours = total / 3600;
    const qint64 minutes = (total / 60) % 60;
    const qint64 secs = total % 60;
    if (hours > 0) {
        return QStringLiteral("%1:%2:%3")
            .arg(hours)
            .arg(minutes, 2, 10, QLatin1Char('0'))
            .arg(secs, 2, 10, QLatin1Char('0'));
    }
    return QStringLiteral("%1:%2").arg(minutes).arg(secs, 2, 10, QLatin1Char('0'));
}

}  // namespace dimerec

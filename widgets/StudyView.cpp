#include "StudyView.h"

#include "ComparisonView.h"
#include "MetricCharts.h"
#include "ParallelCoordinates.h"
#include "PlotExport.h"
#include "QCustomPlotInclude.h"
#include "StudyHeatMap.h"
#include "analysis/Comparison.h"
#include "analysis/ReadoutRows.h"
#include "analysis/ResultTable.h"
#include "store/RunStore.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

#include <exception>
#include <set>

namespace dimerec {
namespace {

const QString kDefaultMetric = QStringLiteral("ndcg@10");

void selectData(QComboBox* box, const QString& value) {
    const int index = box->findData(value);
    if (index >= 0) box->setCurrentIndex(index);
}

QString fieldLabel(const QString& field) {
    return fieldTitle(field.toStdString());
}

}  // namespace

StudyView::StudyView(RunStore& store, QWidget* parent) : QWidget(parent), store_(store) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* controls = new QHBoxLayout;
    study_ = new QComboBox(this);
    study_->setObjectName(QStringLiteral("studyChooser"));
    split_ = new QComboBox(this);
    split_->addItem(tr("test"), QStringLiteral("test"));
    split_->addItem(tr("valid"), QStringLiteral("valid"));
    metric_ = new QComboBox(this);
    xField_ = new QComboBox(this);
    yField_ = new QComboBox(this);
    auto* reload = new QPushButton(tr("Refresh"), this);
    // Study and field names can be long; the dock sits between the side docks.
    for (QComboBox* combo : {study_, metric_, xField_, yField_}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(8);
    }
    controls->addWidget(new QLabel(tr("Study"), this));
    controls->addWidget(study_, 2);
    controls->addWidget(new QLabel(tr("Metric"), this));
    controls->addWidget(metric_, 1);
    controls->addWidget(split_);
    controls->addWidget(reload);
    layout->addLayout(controls);
    auto* axes = new QHBoxLayout;  // a row of its own: the dock sits between the side docks
    axes->addWidget(new QLabel(tr("x"), this));
    axes->addWidget(xField_, 1);
    axes->addWidget(new QLabel(tr("y / series"), this));
    axes->addWidget(yField_, 1);
    layout->addLayout(axes);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    layout->addWidget(status_);
    tabs_ = new QTabWidget(this);
    heatMap_ = new StudyHeatMap(tabs_);
    sweepPlot_ = new QCustomPlot(tabs_);
    sweepPlot_->setObjectName(QStringLiteral("sweepLinesPlot"));
    enablePlotExport(sweepPlot_);  // figure (PDF/SVG/PNG) and CSV export from the context menu
    parallel_ = new ParallelCoordinates(tabs_);
    ablation_ = new ComparisonView(store_, tabs_);
    ablation_->setTableLayout(ComparisonView::Layout::EntriesAsRows);
    tabs_->addTab(heatMap_, tr("Heat map"));
    tabs_->addTab(sweepPlot_, tr("Sweep lines"));
    tabs_->addTab(parallel_, tr("Parallel coordinates"));
    tabs_->addTab(ablation_, tr("Ablation table"));
    layout->addWidget(tabs_, 1);

    connect(study_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_) loadStudy();
    });
    for (QComboBox* box : {split_, metric_, xField_, yField_}) {
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            if (!updating_) updatePlots();
        });
    }
    connect(split_, &QComboBox::currentIndexChanged, this,
            [this] { ablation_->setSplit(split_->currentData().toString()); });
    connect(reload, &QPushButton::clicked, this, &StudyView::refresh);
    refresh();
}

QString StudyView::study() const {
    return study_->currentText();
}

std::string StudyView::metric() const {
    return metric_->currentText().toStdString();
}

std::string StudyView::split() const {
    return split_->currentData().toString().toStdString();
}

QStringList StudyView::sweptFields() const {
    QStringList fields;
    for (const std::string& field : dimerec::sweptFields(runs_))
        fields << QString::fromStdString(field);
    return fields;
}

void StudyView::refresh() {
    const QString current = study();
    updating_ = true;
    study_->clear();
    try {
        for (const std::string& name : store_.studies())
            study_->addItem(QString::fromStdString(name));
    } catch (const std::exception& error) {
        status_->setText(QString::fromUtf8(error.what()));
    }
    const int index = study_->findText(current);
    study_->setCurrentIndex(index >= 0 ? index : 0);
    updating_ = false;
    loadStudy();
}

void StudyView::setStudy(const QString& study) {
    const int index = study_->findText(study);
    if (index >= 0) study_->setCurrentIndex(index);
}

void StudyView::setMetric(const QString& metric) {
    const int index = metric_->findText(metric);
    if (index >= 0) metric_->setCurrentIndex(index);
}

void StudyView::setSplit(const QString& split) {
    selectData(split_, split);
}

void StudyView::setHeatMapFields(const QString& x, const QString& y) {
    updating_ = true;
    selectData(xField_, x);
    updating_ = false;
    selectData(yField_, y);
}

void StudyView::loadStudy() {
    runs_.clear();
    try {
        if (!study().isEmpty()) runs_ = loadStudyRuns(store_, study().toStdString());
        ablation_->setEntries(
            study().isEmpty() ? std::vector<ComparisonEntry>{}
                              : withReadoutEntries(studyEntries(store_, study().toStdString())));
    } catch (const std::exception& error) {
        status_->setText(QString::fromUtf8(error.what()));
        return;
    }
    // The ablation's reference: the variant called "full", else the first.
    int reference = ablation_->entries().empty() ? -1 : 0;
    for (size_t e = 0; e < ablation_->entries().size(); ++e) {
        if (QString::fromStdString(ablation_->entries()[e].label)
                .startsWith(QLatin1String("full"), Qt::CaseInsensitive)) {
            reference = static_cast<int>(e);
            break;
        }
    }
    ablation_->setBaseline(reference);

    const QString oldMetric = metric_->currentText();
    const QString oldX = xField_->currentData().toString();
    const QString oldY = yField_->currentData().toString();
    updating_ = true;
    std::set<std::string> metrics;
    for (const StudyRun& run : runs_) {
        for (const auto& [name, value] : run.summary.testMetrics) metrics.insert(name);
        for (const auto& [name, value] : run.summary.validMetrics) metrics.insert(name);
    }
    metric_->clear();
    for (const std::string& name : metrics) metric_->addItem(QString::fromStdString(name));
    const int metricIndex = metric_->findText(oldMetric.isEmpty() ? kDefaultMetric : oldMetric);
    metric_->setCurrentIndex(metricIndex >= 0 ? metricIndex : metric_->findText(kDefaultMetric));
    if (metric_->currentIndex() < 0 && metric_->count() > 0) metric_->setCurrentIndex(0);
    const QStringList fields = sweptFields();
    xField_->clear();
    yField_->clear();
    for (const QString& field : fields) {
        xField_->addItem(fieldLabel(field), field);
        yField_->addItem(fieldLabel(field), field);
    }
    yField_->addItem(tr("(none)"), QString());  // one line in the sweep plot, one row of cells
    // λ across, μ up where the study swept them; else the first two swept fields.
    selectData(xField_, fields.contains(oldX) ? oldX : QStringLiteral("model.lambda"));
    selectData(yField_, fields.contains(oldY) ? oldY : QStringLiteral("model.mu"));
    if (xField_->currentIndex() == yField_->currentIndex()) {  // another field, else none
        yField_->setCurrentIndex(fields.size() < 2              ? yField_->count() - 1
                                 : xField_->currentIndex() == 0 ? 1
                                                                : 0);
    }
    updating_ = false;
    updatePlots();
}

void StudyView::updatePlots() {
    const QStringList fields = sweptFields();
    const QString metricKey = metric_->currentText();
    const QString label = QString::fromStdString(metricLabel(metric())) +
                          QStringLiteral(" (%1)").arg(split_->currentData().toString());
    status_->setText(
        tr("%n finished run(s); swept fields: %1", nullptr, static_cast<int>(runs_.size()))
            .arg(fields.isEmpty() ? tr("none") : fields.join(QStringLiteral(", "))));
    const QString x = xField_->currentData().toString();
    const QString y = yField_->currentData().toString();
    const MetricGrid grid =
        x.isEmpty() || metricKey.isEmpty()
            ? MetricGrid{}
            : metricGrid(runs_, x.toStdString(), y.toStdString(), metric(), split());
    heatMap_->setGrid(grid, fieldLabel(x), y.isEmpty() ? QString() : fieldLabel(y), label);
    drawSweepLines(*sweepPlot_, grid, label);

    // Numeric fields on value axes, the others as evenly spaced categories.
    std::vector<FieldAxis> fieldAxes;
    QVector<ParallelAxis> axes;
    for (const QString& field : fields) {
        fieldAxes.push_back(fieldAxis(runs_, field.toStdString()));
        ParallelAxis axis{fieldLabel(field), {}};
        if (!fieldAxes.back().numeric()) {
            for (const std::string& category : fieldAxes.back().labels())
                axis.categories << QString::fromStdString(category);
        }
        axes << axis;
    }
    axes << ParallelAxis{label, {}};
    QVector<QVector<double>> rows;
    QVector<double> colours;
    for (const StudyRun& run : runs_) {
        const double* value = splitMetric(run.summary, metric(), split());
        if (value == nullptr) continue;
        QVector<double> row;
        for (const FieldAxis& axis : fieldAxes) {
            const auto found = run.fields.find(axis.field);
            if (found == run.fields.end()) break;
            row << (axis.numeric() ? found->second.number
                                   : static_cast<double>(axis.indexOf(found->second)));
        }
        if (row.size() != static_cast<qsizetype>(fieldAxes.size())) continue;
        row << *value;
        rows << row;
        colours << *value;
    }
    parallel_->setData(axes, rows, colours, label);
}

}  // namespace dimerec

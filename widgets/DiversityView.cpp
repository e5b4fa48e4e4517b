#include "DiversityView.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <set>

namespace dimerec {
namespace {

// The measures of the bar chart, in the order the selector offers them.
const char* const kMeasures[] = {"diversity", "categories", "ild",
                                 "coverage",  "gini",       "probe_accuracy"};
const QString kDefaultX = QStringLiteral("ndcg@10");
const QString kDefaultY = QStringLiteral("diversity@50");

QCustomPlot* makePlot(QWidget* parent, const QString& name) {
    auto* plot = new QCustomPlot(parent);
    plot->setObjectName(name);
    plot->setMinimumSize(260, 200);
    plot->setToolTip(QObject::tr("Right click: export the figure (PDF, SVG, PNG) or its data"));
    enablePlotExport(plot);
    return plot;
}

bool hasMeasure(const QVector<RunMetrics>& runs, const std::string& measure) {
    for (const RunMetrics& run : runs) {
        for (const auto& entry : run.metrics) {
            if (splitMetric(entry.first).first == measure) return true;
        }
    }
    return false;
}

}  // namespace

DiversityView::DiversityView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto* barsBox = new QWidget(this);
    auto* barsLayout = new QVBoxLayout(barsBox);
    barsLayout->setContentsMargins(0, 0, 0, 0);
    auto* barsRow = new QHBoxLayout;
    barsRow->addWidget(new QLabel(tr("Measure"), barsBox));
    measure_ = new QComboBox(barsBox);
    measure_->setObjectName(QStringLiteral("measure"));
    barsRow->addWidget(measure_);
    probe_ = new QLabel(barsBox);
    probe_->setObjectName(QStringLiteral("probe"));
    probe_->setToolTip(
        tr("Accuracy of a linear classifier predicting an item's primary category from its "
           "embedding"));
    barsRow->addWidget(probe_, 1);
    barsLayout->addLayout(barsRow);
    bars_ = makePlot(barsBox, QStringLiteral("diversityBars"));
    barsLayout->addWidget(bars_, 1);
    layout->addWidget(barsBox, 0, 0);

    auto* tradeBox = new QWidget(this);
    auto* tradeLayout = new QVBoxLayout(tradeBox);
    tradeLayout->setContentsMargins(0, 0, 0, 0);
    auto* tradeRow = new QHBoxLayout;
    tradeRow->addWidget(new QLabel(tr("Trade-off: x"), tradeBox));
    tradeoffX_ = new QComboBox(tradeBox);
    tradeRow->addWidget(tradeoffX_);
    tradeRow->addWidget(new QLabel(tr("y"), tradeBox));
    tradeoffY_ = new QComboBox(tradeBox);
    tradeRow->addWidget(tradeoffY_);
    tradeRow->addStretch(1);
    tradeLayout->addLayout(tradeRow);
    tradeoff_ = makePlot(tradeBox, QStringLiteral("tradeoff"));
    tradeLayout->addWidget(tradeoff_, 1);
    layout->addWidget(tradeBox, 0, 1);

    auto* distBox = new QWidget(this);
    auto* distLayout = new QVBoxLayout(distBox);
    distLayout->setContentsMargins(0, 0, 0, 0);
    distributionStatus_ =
        new QLabel(tr("Select one finished run to see its category distribution."), distBox);
    distLayout->addWidget(distributionStatus_);
    distribution_ = makePlot(distBox, QStringLiteral("categoryShares"));
    distLayout->addWidget(distribution_, 1);
    layout->addWidget(distBox, 1, 0, 1, 2);
    layout->setRowStretch(0, 1);
    layout->setRowStretch(1, 1);

    connect(measure_, &QComboBox::currentTextChanged, this, [this] { redrawBars(); });
    connect(tradeoffX_, &QComboBox::currentTextChanged, this, [this] { redrawTradeoff(); });
    connect(tradeoffY_, &QComboBox::currentTextChanged, this, [this] { redrawTradeoff(); });
}

void DiversityView::setRuns(const QVector<RunMetrics>& runs) {
    runs_ = runs;
    const QString keepMeasure = measure_->currentText();
    const QString keepX = tradeoffX_->currentText();
    const QString keepY = tradeoffY_->currentText();
    {
        const QSignalBlocker blockMeasure(measure_);
        const QSignalBlocker blockX(tradeoffX_);
        const QSignalBlocker blockY(tradeoffY_);
        measure_->clear();
        for (const char* measure : kMeasures) {
            if (hasMeasure(runs_, measure)) measure_->addItem(QString::fromLatin1(measure));
        }
        if (measure_->findText(keepMeasure) >= 0) measure_->setCurrentText(keepMeasure);

        std::set<std::string> names;
        for (const RunMetrics& run : runs_) {
            for (const auto& entry : run.metrics) names.insert(entry.first);
        }
        tradeoffX_->clear();
        tradeoffY_->clear();
        for (const std::string& name : names) {
            tradeoffX_->addItem(QString::fromStdString(name));
            tradeoffY_->addItem(QString::fromStdString(name));
        }
        const auto choose = [](QComboBox* box, const QString& kept, const QString& fallback) {
            if (box->findText(kept) >= 0) {
                box->setCurrentText(kept);
            } else if (box->findText(fallback) >= 0) {
                box->setCurrentText(fallback);
            }
        };
        choose(tradeoffX_, keepX, kDefaultX);
        choose(tradeoffY_, keepY, kDefaultY);
    }
    QStringList probes;
    for (const RunMetrics& run : runs_) {
        const auto found = run.metrics.find("probe_accuracy");
        if (found != run.metrics.end()) {
            probes << QStringLiteral("%1 %2").arg(run.name).arg(found->second, 0, 'f', 3);
        }
    }
    probe_->setText(probes.isEmpty()
                        ? QString()
                        : tr("Linear probe: %1").arg(probes.join(QStringLiteral(", "))));
    redrawBars();
    redrawTradeoff();
}

void DiversityView::setCategoryDistribution(const QStringList& categories,
                                            const std::vector<double>& history,
                                            const std::vector<double>& recommendations,
                                            const QString& caption) {
    drawCategoryShares(*distribution_, categories, history, recommendations, caption);
    distributionStatus_->setText(
        tr("Category distribution: %1 against the users' histories").arg(caption));
}

void DiversityView::setDistributionStatus(const QString& text) {
    distributionStatus_->setText(text);
}

QStringList DiversityView::measures() const {
    QStringList list;
    for (int i = 0; i < measure_->count(); ++i) list << measure_->itemText(i);
    return list;
}

QString DiversityView::measure() const {
    return measure_->currentText();
}

void DiversityView::setMeasure(const QString& measure) {
    measure_->setCurrentText(measure);
}

void DiversityView::setTradeoffAxes(const QString& x, const QString& y) {
    tradeoffX_->setCurrentText(x);
    tradeoffY_->setCurrentText(y);
}

QString DiversityView::probeText() const {
    return probe_->text();
}

void DiversityView::redrawBars() {
    if (measure_->currentText().isEmpty()) {
        bars_->clearPlottables();
        bars_->replot();
        return;
    }
    drawMetricBars(*bars_, runs_, measure_->currentText().toStdString());
}

void DiversityView::redrawTradeoff() {
    drawTradeoff(*tradeoff_, runs_, tradeoffX_->currentText().toStdString(),
                 tradeoffY_->currentText().toStdString());
}

}  // namespace dimerec

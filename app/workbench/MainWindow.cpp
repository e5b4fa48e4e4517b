#include "MainWindow.h"

#include "DatasetSummaryView.h"
#include "data/Dataset.h"
#include "data/DefaultDataset.h"
#include "util/BuildInfo.h"

#include <QStatusBar>

namespace dimerec {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("DimeRec Workbench"));
    summary_ = new DatasetSummaryView(this);
    setCentralWidget(summary_);
    resize(1100, 720);
    loadDefaultDataset();
}

void MainWindow::loadDefaultDataset() {
    const Dataset data = dimerec::loadDefaultDataset();
    summary_->setSummary(summarize(data));
    statusBar()->showMessage(
        tr("LibTorch %1 · BLAS %2")
            .arg(QString::fromStdString(buildInfo().libtorchVersion),
                 QString::fromStdString(buildInfo().blasLibrary)));
}

}  // namespace dimerec

#pragma once

#include <QMainWindow>

namespace dimerec {

class DatasetSummaryView;

// The workbench's main window.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);

private:
    void loadDefaultDataset();

    DatasetSummaryView* summary_ = nullptr;
};

}  // namespace dimerec

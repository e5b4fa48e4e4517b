#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace dimerec {

class MainWindow;
class StallMonitor;

// Drives the window through one scenario of benchmarks/workbench-stalls.sh while a
// StallMonitor measures its event loop, then saves a picture of the window and quits. Each
// step takes the path the user's action takes: the run browser's context-menu actions and
// selection, the View menu's dock actions, the comparison view's own controls (a metric ticked
// with setCheckState emits itemChanged as a click does) and mouse events posted to the sphere
// view; only the X server's translation of real input is skipped.
//  - train: starts the configured run once its dataset is loaded; ends when the run ends.
//  - compare: selects every stored run, adds them to the comparison, picks a baseline, then
//    ticks and unticks metrics, changes the test and the layout; ends when the last tests are in.
//  - sphere: selects the newest run, opens the Embeddings dock, waits for its analysis, then
//    drags the globe round and hovers over it.
// The monitor's phases: "startup" until the scenario begins, then the scenario's own.
class StallScenario : public QObject {
    Q_OBJECT

public:
    enum class Kind { Train, Compare, Sphere };
    static std::optional<Kind> parse(const QString& name);

    // `picture`: PNG the window is saved to when the measured part is over ("" = none).
    StallScenario(Kind kind, MainWindow& window, StallMonitor& monitor, QString picture,
                  QObject* parent = nullptr);

    // Begins once the window's dataset is ready.
    void start();

private:
    void train();
    void compare();
    void sphere();
    // Runs `step` after `ms` on the window's event loop.
    void after(int ms, std::function<void()> step);
    // Ends the measurement, saves the picture and quits.
    void finish();

    Kind kind_;
    MainWindow& window_;
    StallMonitor& monitor_;
    QString picture_;
    bool finished_ = false;
};

}  // namespace dimerec

#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <cstdint>
#include <vector>

class QTimer;

namespace dimerec {

// Measures how long the event loop of its thread keeps the window from responding: a 1 ms
// precise timer records how late each of its ticks comes (the time since the previous tick
// less the 1 ms asked for). A handler that holds the loop for 40 ms shows as one tick 39 ms
// late. The lateness goes into a histogram of 0.1 ms bins (p50, p99) with the exact maximum,
// per named phase (a scenario's parts: "startup", "training", …), and the stalls over 16 ms
// (one frame at 60 Hz) are listed with the time they began.
class StallMonitor : public QObject {
    Q_OBJECT

public:
    static constexpr double kFrameMs = 16.0;    // a stall the eye notices (one 60 Hz frame)
    static constexpr double kFreezeMs = 100.0;  // a stall that reads as a frozen window

    struct Summary {
        QString phase;
        int64_t ticks = 0;
        double seconds = 0.0;  // wall time the phase was measured
        double p50Ms = 0.0;    // the bin's upper edge: never below the true quantile
        double p99Ms = 0.0;
        double maxMs = 0.0;
        int64_t overFrame = 0;   // ticks later than kFrameMs
        int64_t overFreeze = 0;  // ticks later than kFreezeMs
    };
    struct Stall {
        QString phase;
        double atSeconds = 0.0;  // since start(), when the stall began
        double ms = 0.0;
    };

    explicit StallMonitor(QObject* parent = nullptr);

    // Starts measuring in a phase named "session"; beginPhase names the following ticks.
    void start();
    void stop();
    bool isRunning() const;
    void beginPhase(const QString& name);

    // Adds one tick of the current phase `latenessMs` late (the timer calls it; tests too).
    void record(double latenessMs);

    std::vector<Summary> summaries() const;  // one per phase, in the order they began
    const std::vector<Stall>& stalls() const { return stalls_; }
    // {"phases": [{"phase", "ticks", "seconds", "p50_ms", "p99_ms", "max_ms",
    //  "over_16ms", "over_100ms"}…], "stalls": [{"phase", "at_s", "ms"}…]}
    QJsonObject toJson() const;
    // Writes toJson() to `path`; false (with `error` set) when the file cannot be written.
    bool writeJson(const QString& path, QString* error = nullptr) const;

private:
    struct Phase {
        QString name;
        std::vector<int64_t> bins;
        int64_t ticks = 0;
        double maxMs = 0.0;
        int64_t overFrame = 0;
        int64_t overFreeze = 0;
        double beganSeconds = 0.0;
        double endedSeconds = -1.0;  // -1 while it is the current phase
    };
    Summary summarize(const Phase& phase) const;
    double quantile(const Phase& phase, double q) const;
    double nowSeconds() const;
    void tick();

    QTimer* timer_ = nullptr;
    QElapsedTimer clock_;
    int64_t lastTickNs_ = 0;
    std::vector<Phase> phases_;
    std::vector<Stall> stalls_;
};

}  // namespace dimerec

#include "StallMonitor.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <utility>

namespace dimerec {
namespace {

constexpr double kBinMs = 0.1;
constexpr int kBins = 10000;  // 0 … 1,000 ms; a longer stall counts in the last bin (max exact)
constexpr int kIntervalMs = 1;
constexpr size_t kMaxListedStalls = 10000;

}  // namespace

StallMonitor::StallMonitor(QObject* parent) : QObject(parent), timer_(new QTimer(this)) {
    timer_->setTimerType(Qt::PreciseTimer);
    timer_->setInterval(kIntervalMs);
    connect(timer_, &QTimer::timeout, this, &StallMonitor::tick);
}

void StallMonitor::start() {
    phases_.clear();
    stalls_.clear();
    clock_.start();
    lastTickNs_ = 0;
    beginPhase(QStringLiteral("session"));
    timer_->start();
}

void StallMonitor::stop() {
    timer_->stop();
    if (!phases_.empty() && phases_.back().endedSeconds < 0)
        phases_.back().endedSeconds = nowSeconds();
}

bool StallMonitor::isRunning() const {
    return timer_->isActive();
}

void StallMonitor::beginPhase(const QString& name) {
    const double now = nowSeconds();
    // A phase that saw no tick yet (the automatic "session" one) is renamed, not kept empty.
    if (!phases_.empty() && phases_.back().ticks == 0) {
        phases_.back().name = name;
        return;
    }
    if (!phases_.empty()) phases_.back().endedSeconds = now;
    Phase phase;
    phase.name = name;
    phase.bins.assign(kBins, 0);
    phase.beganSeconds = now;
    phases_.push_back(std::move(phase));
}

double StallMonitor::nowSeconds() const {
    return clock_.isValid() ? static_cast<double>(clock_.nsecsElapsed()) * 1e-9 : 0.0;
}

void StallMonitor::tick() {
    const int64_t now = clock_.nsecsElapsed();
    const int64_t last = std::exchange(lastTickNs_, now);
    if (last == 0) return;  // the first tick only sets the reference
    const double lateness =
        std::max(0.0, static_cast<double>(now - last) * 1e-6 - static_cast<double>(kIntervalMs));
    if (lateness > kFrameMs && stalls_.size() < kMaxListedStalls) {
        stalls_.push_back({phases_.back().name, static_cast<double>(last) * 1e-9 + 1e-3, lateness});
    }
    record(lateness);
}

void StallMonitor::record(double latenessMs) {
    if (phases_.empty()) beginPhase(QStringLiteral("session"));
    Phase& phase = phases_.back();
    const int bin = std::clamp(static_cast<int>(latenessMs / kBinMs), 0, kBins - 1);
    ++phase.bins[static_cast<size_t>(bin)];
    ++phase.ticks;
    phase.maxMs = std::max(phase.maxMs, latenessMs);
    if (latenessMs > kFrameMs) ++phase.overFrame;
    if (latenessMs > kFreezeMs) ++phase.overFreeze;
}

double StallMonitor::quantile(const Phase& phase, double q) const {
    if (phase.ticks == 0) return 0.0;
    // The smallest bin whose cumulative count reaches q of the ticks; its upper edge, capped by
    // the true maximum; the last bin (everything beyond the histogram) reads as the maximum.
    const auto needed = static_cast<int64_t>(std::ceil(q * static_cast<double>(phase.ticks)));
    int64_t seen = 0;
    for (int bin = 0; bin < kBins; ++bin) {
        seen += phase.bins[static_cast<size_t>(bin)];
        if (seen >= needed)
            return bin == kBins - 1 ? phase.maxMs : std::min((bin + 1) * kBinMs, phase.maxMs);
    }
    return phase.maxMs;
}

StallMonitor::Summary StallMonitor::summarize(const Phase& phase) const {
    Summary summary;
    summary.phase = phase.name;
    summary.ticks = phase.ticks;
    summary.seconds =
        (phase.endedSeconds >= 0 ? phase.endedSeconds : nowSeconds()) - phase.beganSeconds;
    summary.p50Ms = quantile(phase, 0.50);
    summary.p99Ms = quantile(phase, 0.99);
    summary.maxMs = phase.maxMs;
    summary.overFrame = phase.overFrame;
    summary.overFreeze = phase.overFreeze;
    return summary;
}

std::vector<StallMonitor::Summary> StallMonitor::summaries() const {
    std::vector<Summary> result;
    for (const Phase& phase : phases_) result.push_back(summarize(phase));
    return result;
}

QJsonObject StallMonitor::toJson() const {
    const auto rounded = [](double ms) { return std::round(ms * 100.0) / 100.0; };
    QJsonArray phases;
    for (const Summary& s : summaries()) {
        phases.append(
            QJsonObject{{QStringLiteral("phase"), s.phase},
                        {QStringLiteral("ticks"), static_cast<qint64>(s.ticks)},
                        {QStringLiteral("seconds"), rounded(s.seconds)},
                        {QStringLiteral("p50_ms"), rounded(s.p50Ms)},
                        {QStringLiteral("p99_ms"), rounded(s.p99Ms)},
                        {QStringLiteral("max_ms"), rounded(s.maxMs)},
                        {QStringLiteral("over_16ms"), static_cast<qint64>(s.overFrame)},
                        {QStringLiteral("over_100ms"), static_cast<qint64>(s.overFreeze)}});
    }
    QJsonArray stalls;
    for (const Stall& stall : stalls_) {
        stalls.append(QJsonObject{{QStringLiteral("phase"), stall.phase},
                                  {QStringLiteral("at_s"), std::round(stall.atSeconds * 1e3) / 1e3},
                                  {QStringLiteral("ms"), rounded(stall.ms)}});
    }
    return QJsonObject{{QStringLiteral("timer_interval_ms"), kIntervalMs},
                       {QStringLiteral("phases"), phases},
                       {QStringLiteral("stalls"), stalls}};
}

bool StallMonitor::writeJson(const QString& path, QString* error) const {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(QJsonDocument(toJson()).toJson()) < 0) {
        if (error != nullptr) *error = file.errorString();
        return false;
    }
    return true;
}

}  // namespace dimerec

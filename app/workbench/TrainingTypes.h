#pragma once

#include <QMap>
#include <QMetaType>
#include <QString>
#include <QVector>

namespace dimerec {

// Plain values the training thread sends to the window (DESIGN §3: only value types cross
// threads).

// Where a run stands, sent at most every few hundred milliseconds.
struct TrainingProgress {
    qint64 runId = 0;
    qint64 step = 0;
    qint64 totalSteps = 0;
    qint64 epoch = 0;
    double samplesPerSecond = 0.0;
    double elapsedSeconds = 0.0;
    double etaSeconds = 0.0;
    qint64 stepsPerEpoch = 0;  // ProgressEvent::stepsPerEpoch
};

// Curve points gathered since the last batch: loss terms ("train") or validation metrics
// ("valid"), each name with one value per step.
struct CurveBatch {
    qint64 runId = 0;
    QString source;
    QVector<double> steps;
    QMap<QString, QVector<double>> values;
};

// How a run ended.
struct RunOutcome {
    qint64 runId = 0;
    QString status;  // finished | early-stopped | cancelled | failed
    QString message;
    qint64 steps = 0;
    double elapsedSeconds = 0.0;
};

}  // namespace dimerec

Q_DECLARE_METATYPE(dimerec::TrainingProgress)
Q_DECLARE_METATYPE(dimerec::CurveBatch)
Q_DECLARE_METATYPE(dimerec::RunOutcome)

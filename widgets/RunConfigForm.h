#pragma once

#include "FieldEditor.h"

#include <QMap>
#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QPushButton;

namespace dimerec {

// A form for every RunConfig field, built from the field table (config/ConfigFields.h): one
// editor per descriptor (FieldEditor.h) with its label, tooltip and range, enabled for the models
// the field applies to, grouped as the paper presents them (Data, Model, Diffusion, Losses &
// ablations, Training, Evaluation). Values core's validate() rejects are marked at their field
// while the user types. Presets: DimeRec as recommended (the defaults) and as the paper prints it,
// every baseline and every ablation (built in; they set the model settings and keep the rest), plus
// the user's own (whole configs, kept in QSettings).
class RunConfigForm : public QWidget {
    Q_OBJECT

public:
    explicit RunConfigForm(QWidget* parent = nullptr);

    void setConfig(const RunConfig& config);
    // The config as entered. Fields that cannot be read (a malformed list) keep their value
    // from the last setConfig(); isValid() tells whether core accepts the result.
    RunConfig config() const;
    bool isValid() const { return errors_.isEmpty(); }
    // Invalid fields ("model.heads") and core's message for each.
    const QMap<QString, QString>& errors() const { return errors_; }
    // The editor of a field, by its config key ("train.learningRate").
    QWidget* editor(const QString& key) const;

    QStringList builtInPresets() const;
    QStringList userPresets() const;
    // Applies a built-in or user preset by name; unknown names change nothing.
    void applyPreset(const QString& name);
    // Saves the current config under `name` (only when it is valid); returns whether it did.
    bool saveUserPreset(const QString& name);
    void removeUserPreset(const QString& name);

Q_SIGNALS:
    void configChanged();
    void validityChanged(bool valid);

private:
    void buildFields();
    void onEdited();
    void revalidate();
    void updateApplicability();
    void refreshPresetList();
    void promptSavePreset();

    std::vector<FieldEditor> fields_;
    std::vector<QGroupBox*> groups_;
    QMap<QString, QString> errors_;
    RunConfig base_;
    bool loading_ = false;
    QComboBox* presets_ = nullptr;
    QPushButton* deletePreset_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace dimerec

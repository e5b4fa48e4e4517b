#pragma once

#include "config/RunConfig.h"

#include <QMap>
#include <QString>
#include <QWidget>

#include <functional>
#include <vector>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QPushButton;

namespace dimerec {

// A form for every RunConfig field, grouped as the paper presents them (Data, Model,
// Diffusion, Losses & ablations, Training, Evaluation), each with a tooltip saying what it
// does. Values core's validate() rejects are marked at their field while the user types.
// Presets: the paper's defaults, every baseline and every ablation (built in; they set the
// model section and keep the rest), plus the user's own (whole configs, kept in QSettings).
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
    struct Field {
        QString key;
        QString tooltip;
        QWidget* editor = nullptr;
        std::function<void(const RunConfig&)> load;  // config → editor
        std::function<void(RunConfig&)> store;       // editor → config; throws on bad text
        std::function<void(RunConfig&)> resetToDefault;
    };
    template <class T>
    using Ref = std::function<T&(RunConfig&)>;

    QFormLayout* addGroup(const QString& title);
    void addField(QFormLayout* form, const QString& label, Field field);
    void addInt(QFormLayout* form, const QString& key, const QString& label, const QString& tip,
                Ref<int> ref, int minimum, int maximum, const QString& zeroText = QString());
    void addInt64(QFormLayout* form, const QString& key, const QString& label, const QString& tip,
                  Ref<int64_t> ref, const QString& zeroText);
    template <class T>
    void addReal(QFormLayout* form, const QString& key, const QString& label, const QString& tip,
                 Ref<T> ref, double minimum, double maximum, int decimals, double step);
    void addBool(QFormLayout* form, const QString& key, const QString& label, const QString& tip,
                 Ref<bool> ref);
    void addChoice(QFormLayout* form, const QString& key, const QString& label, const QString& tip,
                   Ref<std::string> ref, const QList<QPair<QString, QString>>& choices);
    void addText(QFormLayout* form, const QString& key, const QString& label, const QString& tip,
                 Ref<std::string> ref, const QString& placeholder = QString());
    void addSeed(QFormLayout* form, const QString& key, const QString& label, const QString& tip,
                 Ref<uint64_t> ref);
    void addIntList(QFormLayout* form, const QString& key, const QString& label, const QString& tip,
                    Ref<std::vector<int>> ref);

    void buildFields();
    void onEdited();
    void revalidate();
    void updateApplicability();
    void refreshPresetList();
    void promptSavePreset();

    std::vector<Field> fields_;
    std::vector<QGroupBox*> groups_;
    QGroupBox* diffusionGroup_ = nullptr;
    QMap<QString, QString> errors_;
    RunConfig base_;
    bool loading_ = false;
    QComboBox* presets_ = nullptr;
    QPushButton* deletePreset_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace dimerec

#include "ConfigSamples.h"
#include "QtTestApp.h"
#include "RunConfigForm.h"

#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QWheelEvent>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace dimerec {
namespace {

class RunConfigFormTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtTestApp();
        ASSERT_TRUE(settingsDir_.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir_.path());
        QCoreApplication::setOrganizationName(QStringLiteral("DimeRecTest"));
    }
    QTemporaryDir settingsDir_;
};

TEST_F(RunConfigFormTest, RoundTripsEveryField) {
    RunConfigForm form;
    RunConfig config;
    config.name = "probe";
    config.data.protocol = Protocol::ComiRec;
    config.data.minRating = 3.5f;
    config.data.splitSeed = 9876543210ULL;
    config.model.model = ModelKind::SasRec;
    config.model.heads = 4;
    config.model.betaStart = 2e-4;
    config.model.useGemLoss = false;
    config.train.learningRate = 5e-4;
    config.train.maxSteps = 25;
    config.train.device = "cpu";
    config.eval.topK = {10, 20};
    config.eval.excludeHistory = false;  // not the default
    form.setConfig(config);
    EXPECT_TRUE(form.isValid());
    EXPECT_EQ(toJson(form.config()), toJson(config));
    // Every field of the table has its editor, and a value other than its default goes
    // through that editor and back unchanged.
    for (const FieldDescriptor& field : runConfigFields()) {
        SCOPED_TRACE(field.key);
        ASSERT_NE(form.editor(QString::fromStdString(field.key)), nullptr);
        RunConfig changed;
        applyOverride(changed, field.key + "=" + nonDefaultText(field));
        form.setConfig(changed);
        EXPECT_TRUE(form.isValid());
        EXPECT_EQ(toJson(form.config()), toJson(changed));
    }
}

TEST_F(RunConfigFormTest, MarksEveryInvalidFieldWithCoresMessage) {
    RunConfigForm form;
    RunConfig config;
    config.model.dim = 64;
    form.setConfig(config);
    ASSERT_TRUE(form.isValid());
    // Two cross-field errors at once: heads must divide dim; the early-stopping cut-off must
    // be one of the evaluation cut-offs.
    qobject_cast<QSpinBox*>(form.editor(QStringLiteral("model.heads")))->setValue(3);
    qobject_cast<QLineEdit*>(form.editor(QStringLiteral("eval.topK")))
        ->setText(QStringLiteral("5, 20"));
    EXPECT_FALSE(form.isValid());
    EXPECT_TRUE(form.errors().contains(QStringLiteral("model.heads")));
    EXPECT_TRUE(
        form.errors().value(QStringLiteral("model.heads")).contains(QStringLiteral("divide")));
    EXPECT_TRUE(form.errors().contains(QStringLiteral("train.earlyStopMetric")));
    EXPECT_FALSE(form.editor(QStringLiteral("model.heads"))->styleSheet().isEmpty());
    EXPECT_TRUE(form.editor(QStringLiteral("model.dim"))->styleSheet().isEmpty());
    qobject_cast<QSpinBox*>(form.editor(QStringLiteral("model.heads")))->setValue(4);
    qobject_cast<QLineEdit*>(form.editor(QStringLiteral("eval.topK")))
        ->setText(QStringLiteral("10, 20"));
    EXPECT_TRUE(form.isValid());
    EXPECT_TRUE(form.editor(QStringLiteral("model.heads"))->styleSheet().isEmpty());
}

TEST_F(RunConfigFormTest, UnreadableListIsMarkedAndKeepsTheLastValue) {
    RunConfigForm form;
    qobject_cast<QLineEdit*>(form.editor(QStringLiteral("eval.topK")))
        ->setText(QStringLiteral("5, x"));
    EXPECT_TRUE(form.errors().contains(QStringLiteral("eval.topK")));
    EXPECT_EQ(form.config().eval.topK, (std::vector<int>{5, 10, 20, 50}));
}

TEST_F(RunConfigFormTest, BuiltInPresetsSetTheModelAndKeepTheRest) {
    RunConfigForm form;
    RunConfig config;
    config.train.epochs = 3;
    form.setConfig(config);
    const QStringList presets = form.builtInPresets();
    ASSERT_TRUE(presets.contains(QStringLiteral("DimeRec (recommended)")));
    form.applyPreset(QStringLiteral("Baseline: SASRec"));
    EXPECT_EQ(form.config().model.model, ModelKind::SasRec);
    EXPECT_EQ(form.config().train.epochs, 3);
    form.applyPreset(QStringLiteral("Ablation: w/o L_ssm (μ = 0)"));
    EXPECT_EQ(form.config().model.model, ModelKind::DimeRec);
    EXPECT_EQ(form.config().model.mu, 0.0);
    form.applyPreset(QStringLiteral("DimeRec (recommended)"));
    EXPECT_EQ(toJson(form.config()).at("model"), toJson(RunConfig{}).at("model"));
    EXPECT_EQ(form.config().train.pretrainGemSteps, 1300);
    // The β schedule validated at convergence (docs/reproduction.md, T × schedule on Beauty and
    // Yelp), not the paper's printed linear β, which the letter's preset keeps.
    EXPECT_EQ(form.config().model.schedule, BetaSchedule::LinearScaled);
    // Without L_gem the warm start (L_gem's) goes, so the preset's config is a valid one, and
    // "Protect the GEM" is greyed out: it has no effect then.
    form.applyPreset(QStringLiteral("Ablation: w/o L_gem"));
    EXPECT_FALSE(form.config().model.useGemLoss);
    EXPECT_EQ(form.config().train.pretrainGemSteps, 0);
    EXPECT_NO_THROW(validate(form.config()));
}

// The paper's letter is Algorithms 1-2 as printed (spec §3); a preset also resets the model
// settings outside the model section, so the letter after the recommended one has no warm start.
TEST_F(RunConfigFormTest, PapersLetterPresetIsAlgorithmsOneAndTwoAsPrinted) {
    RunConfigForm form;
    RunConfig config;
    config.train.pretrainGemSteps = 500;
    config.train.epochs = 3;
    form.setConfig(config);
    form.applyPreset(QStringLiteral("DimeRec (paper's letter)"));
    const RunConfig letter = form.config();
    EXPECT_EQ(letter.model.model, ModelKind::DimeRec);
    EXPECT_EQ(letter.model.noiseScale, NoiseScale::Literal);
    EXPECT_EQ(letter.model.reverseNoise, ReverseNoise::Literal);
    EXPECT_EQ(letter.model.schedule, BetaSchedule::Linear);
    EXPECT_EQ(letter.model.diffusionSteps, 100);
    EXPECT_DOUBLE_EQ(letter.model.betaStart, 1e-4);
    EXPECT_DOUBLE_EQ(letter.model.betaEnd, 0.02);
    EXPECT_FALSE(letter.model.protectGem);
    EXPECT_EQ(letter.train.pretrainGemSteps, 0);
    EXPECT_EQ(letter.train.epochs, 3);
    // The two DimeRec presets say in their tooltips what they are and why; a new form shows
    // none as chosen (its defaults are not exactly any preset) until one is applied.
    auto* combo = form.findChild<QComboBox*>(QStringLiteral("presets"));
    ASSERT_NE(combo, nullptr);
    EXPECT_EQ(RunConfigForm().findChild<QComboBox*>(QStringLiteral("presets"))->currentIndex(), -1);
    for (const QString& name :
         {QStringLiteral("DimeRec (recommended)"), QStringLiteral("DimeRec (paper's letter)")}) {
        const int index = combo->findText(name);
        ASSERT_GE(index, 0) << name.toStdString();
        EXPECT_FALSE(combo->itemData(index, Qt::ToolTipRole).toString().isEmpty());
    }
}

// A wheel over a spin box the user has not clicked into leaves the value alone and the event
// unaccepted, which makes Qt hand a real (spontaneous) wheel on to the parents: the form's
// scroll area (the pointer crosses editors on the way down a form taller than its dock). Once
// the user has clicked into it, the wheel steps it.
TEST_F(RunConfigFormTest, WheelScrollsPastEditorsWithoutTheFocus) {
    RunConfigForm form;
    form.show();
    auto* steps = qobject_cast<QSpinBox*>(form.editor(QStringLiteral("model.diffusionSteps")));
    ASSERT_NE(steps, nullptr);
    EXPECT_EQ(steps->focusPolicy(), Qt::StrongFocus);
    const auto wheelDownAccepted = [steps] {
        const QPointF at(steps->width() / 2.0, steps->height() / 2.0);
        QWheelEvent event(at, steps->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(steps, &event);
        return event.isAccepted();
    };
    const int before = steps->value();
    ASSERT_FALSE(steps->hasFocus());
    EXPECT_FALSE(wheelDownAccepted());
    EXPECT_EQ(steps->value(), before);

    QApplication::setActiveWindow(&form);
    steps->setFocus();
    ASSERT_TRUE(steps->hasFocus());
    EXPECT_TRUE(wheelDownAccepted());
    EXPECT_EQ(steps->value(), before - 1);
}

TEST_F(RunConfigFormTest, UserPresetsPersistInSettings) {
    {
        RunConfigForm form;
        RunConfig config;
        config.model.interests = 7;
        config.train.batchSize = 32;
        form.setConfig(config);
        EXPECT_TRUE(form.saveUserPreset(QStringLiteral("my small run")));
        EXPECT_FALSE(form.saveUserPreset(QStringLiteral("DimeRec (paper's letter)")));
    }
    RunConfigForm form;
    EXPECT_TRUE(form.userPresets().contains(QStringLiteral("my small run")));
    form.applyPreset(QStringLiteral("my small run"));
    EXPECT_EQ(form.config().model.interests, 7);
    EXPECT_EQ(form.config().train.batchSize, 32);
    form.removeUserPreset(QStringLiteral("my small run"));
    EXPECT_TRUE(form.userPresets().isEmpty());
}

TEST_F(RunConfigFormTest, BaselinesDisableDimeRecOnlyFields) {
    RunConfigForm form;
    EXPECT_TRUE(form.editor(QStringLiteral("model.diffusionSteps"))->isEnabled());
    form.applyPreset(QStringLiteral("Baseline: GRU4Rec"));
    EXPECT_FALSE(form.editor(QStringLiteral("model.diffusionSteps"))->isEnabled());
    EXPECT_FALSE(form.editor(QStringLiteral("model.gem"))->isEnabled());
    EXPECT_FALSE(form.editor(QStringLiteral("train.pretrainGemSteps"))->isEnabled());
    EXPECT_TRUE(form.editor(QStringLiteral("model.layers"))->isEnabled());
    EXPECT_TRUE(form.editor(QStringLiteral("model.negatives"))->isEnabled());
}

// The SASRec GEM is built from SASRec's layers, heads and dropout: choosing it enables them.
TEST_F(RunConfigFormTest, TheSasRecGemEnablesSasRecsEncoderFields) {
    RunConfigForm form;
    EXPECT_FALSE(form.editor(QStringLiteral("model.heads"))->isEnabled());
    form.applyPreset(QStringLiteral("Ablation: GEM = SASRec (last K hidden states)"));
    EXPECT_EQ(form.config().model.gem, GemKind::SasRec);
    for (const char* key : {"model.layers", "model.heads", "model.dropout", "model.diffusionSteps"})
        EXPECT_TRUE(form.editor(QString::fromLatin1(key))->isEnabled()) << key;
    EXPECT_FALSE(form.editor(QStringLiteral("model.fullSoftmax"))->isEnabled());
}

}  // namespace
}  // namespace dimerec

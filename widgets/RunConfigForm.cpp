#include "RunConfigForm.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>
#include <stdexcept>

namespace dimerec {
namespace {

const QString kSettingsGroup = QStringLiteral("runConfigPresets");
const QString kInvalidStyle =
    QStringLiteral("border: 1px solid #d62728; background-color: #fdecea;");
constexpr int kIntMax = std::numeric_limits<int>::max();
constexpr int kComboChars = 12;  // combo boxes may shrink to this; the dock stays narrow

template <class T>
T valueOf(const std::function<T&(RunConfig&)>& ref, const RunConfig& config) {
    RunConfig copy = config;
    return ref(copy);
}

template <class T>
std::function<void(RunConfig&)> resetter(const std::function<T&(RunConfig&)>& ref) {
    return [ref](RunConfig& config) {
        RunConfig defaults;
        ref(config) = ref(defaults);
    };
}

template <class S, class T>
std::function<T&(RunConfig&)> member(S RunConfig::*section, T S::*field) {
    return [section, field](RunConfig& config) -> T& { return (config.*section).*field; };
}

// Built-in presets: each changes only the model section of the paper's defaults.
struct Preset {
    const char* name;
    std::function<void(ModelConfig&)> apply;
};

const std::vector<Preset>& builtIns() {
    static const std::vector<Preset> presets = {
        {QT_TRANSLATE_NOOP("RunConfigForm", "DimeRec (paper defaults)"), [](ModelConfig&) {}},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Baseline: ComiRec-SA"),
         [](ModelConfig& m) { m.model = "comirec-sa"; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Baseline: ComiRec-DR"),
         [](ModelConfig& m) { m.model = "comirec-dr"; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Baseline: SASRec"),
         [](ModelConfig& m) { m.model = "sasrec"; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Baseline: GRU4Rec"),
         [](ModelConfig& m) { m.model = "gru4rec"; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Baseline: mean pooling"),
         [](ModelConfig& m) { m.model = "mean-pool"; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Baseline: most popular"),
         [](ModelConfig& m) { m.model = "most-pop"; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Ablation: rule-based GEM (last K items)"),
         [](ModelConfig& m) { m.gem = "rule"; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Ablation: GEM = ComiRec-DR"),
         [](ModelConfig& m) { m.gem = "dr"; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Ablation: w/o L_gem"),
         [](ModelConfig& m) { m.useGemLoss = false; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Ablation: w/o L_recon (λ = 0)"),
         [](ModelConfig& m) { m.lambda = 0.0; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Ablation: w/o L_ssm (μ = 0)"),
         [](ModelConfig& m) { m.mu = 0.0; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Ablation: Euclidean DDPM noise"),
         [](ModelConfig& m) { m.geometry = "euclidean"; }},
        {QT_TRANSLATE_NOOP("RunConfigForm", "Ablation: GEM only (w/o diffusion)"),
         [](ModelConfig& m) { m.useDiffusion = false; }},
    };
    return presets;
}

}  // namespace

RunConfigForm::RunConfigForm(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 4);

    auto* presetRow = new QHBoxLayout;
    presetRow->addWidget(new QLabel(tr("Preset:"), this));
    presets_ = new QComboBox(this);
    presets_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    presets_->setMinimumContentsLength(kComboChars);
    presets_->setToolTip(
        tr("Built-in presets set the model section (paper defaults, a baseline "
           "or an ablation) and keep data, training and evaluation settings; "
           "your own presets restore a whole configuration"));
    presetRow->addWidget(presets_, 1);
    auto* save = new QPushButton(tr("Save…"), this);
    save->setToolTip(tr("Save the current configuration as a preset of your own"));
    presetRow->addWidget(save);
    deletePreset_ = new QPushButton(tr("Delete"), this);
    deletePreset_->setToolTip(tr("Delete the selected preset of your own"));
    presetRow->addWidget(deletePreset_);
    outer->addLayout(presetRow);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* page = new QWidget(scroll);
    auto* pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(0, 0, 0, 0);
    scroll->setWidget(page);
    outer->addWidget(scroll, 1);

    status_ = new QLabel(this);
    status_->setWordWrap(true);
    outer->addWidget(status_);

    buildFields();
    for (QGroupBox* group : groups_) pageLayout->addWidget(group);
    pageLayout->addStretch(1);

    connect(presets_, qOverload<int>(&QComboBox::activated), this,
            [this](int index) { applyPreset(presets_->itemText(index)); });
    connect(presets_, &QComboBox::currentTextChanged, this, [this](const QString& name) {
        deletePreset_->setEnabled(userPresets().contains(name));
    });
    connect(save, &QPushButton::clicked, this, &RunConfigForm::promptSavePreset);
    connect(deletePreset_, &QPushButton::clicked, this,
            [this] { removeUserPreset(presets_->currentText()); });

    refreshPresetList();
    setConfig(RunConfig{});
}

QFormLayout* RunConfigForm::addGroup(const QString& title) {
    auto* group = new QGroupBox(title, this);
    auto* form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    groups_.push_back(group);
    return form;
}

void RunConfigForm::addField(QFormLayout* form, const QString& label, Field field) {
    field.editor->setToolTip(field.tooltip);
    field.editor->setObjectName(field.key);
    auto* labelWidget = new QLabel(label, form->parentWidget());
    labelWidget->setToolTip(field.tooltip);
    labelWidget->setBuddy(field.editor);
    form->addRow(labelWidget, field.editor);
    fields_.push_back(std::move(field));
}

void RunConfigForm::addInt(QFormLayout* form, const QString& key, const QString& label,
                           const QString& tip, Ref<int> ref, int minimum, int maximum,
                           const QString& zeroText) {
    auto* spin = new QSpinBox(this);
    spin->setRange(minimum, maximum);
    if (!zeroText.isEmpty()) spin->setSpecialValueText(zeroText);
    connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &RunConfigForm::onEdited);
    addField(form, label,
             {key, tip, spin, [spin, ref](const RunConfig& c) { spin->setValue(valueOf(ref, c)); },
              [spin, ref](RunConfig& c) { ref(c) = spin->value(); }, resetter(ref)});
}

void RunConfigForm::addInt64(QFormLayout* form, const QString& key, const QString& label,
                             const QString& tip, Ref<int64_t> ref, const QString& zeroText) {
    auto* spin = new QSpinBox(this);
    spin->setRange(0, kIntMax);
    spin->setSpecialValueText(zeroText);
    connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &RunConfigForm::onEdited);
    addField(form, label,
             {key, tip, spin,
              [spin, ref](const RunConfig& c) {
                  spin->setValue(static_cast<int>(std::min<int64_t>(valueOf(ref, c), kIntMax)));
              },
              [spin, ref](RunConfig& c) { ref(c) = spin->value(); }, resetter(ref)});
}

template <class T>
void RunConfigForm::addReal(QFormLayout* form, const QString& key, const QString& label,
                            const QString& tip, Ref<T> ref, double minimum, double maximum,
                            int decimals, double step) {
    auto* spin = new QDoubleSpinBox(this);
    spin->setRange(minimum, maximum);
    spin->setDecimals(decimals);
    spin->setSingleStep(step);
    connect(spin, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &RunConfigForm::onEdited);
    addField(
        form, label,
        {key, tip, spin,
         [spin, ref](const RunConfig& c) { spin->setValue(static_cast<double>(valueOf(ref, c))); },
         [spin, ref](RunConfig& c) { ref(c) = static_cast<T>(spin->value()); }, resetter(ref)});
}

void RunConfigForm::addBool(QFormLayout* form, const QString& key, const QString& label,
                            const QString& tip, Ref<bool> ref) {
    auto* box = new QCheckBox(this);
    connect(box, &QCheckBox::toggled, this, &RunConfigForm::onEdited);
    addField(form, label,
             {key, tip, box, [box, ref](const RunConfig& c) { box->setChecked(valueOf(ref, c)); },
              [box, ref](RunConfig& c) { ref(c) = box->isChecked(); }, resetter(ref)});
}

void RunConfigForm::addChoice(QFormLayout* form, const QString& key, const QString& label,
                              const QString& tip, Ref<std::string> ref,
                              const QList<QPair<QString, QString>>& choices) {
    auto* combo = new QComboBox(this);
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(kComboChars);
    for (const auto& [value, text] : choices) combo->addItem(text, value);
    connect(combo, qOverload<int>(&QComboBox::currentIndexChanged), this, &RunConfigForm::onEdited);
    addField(
        form, label,
        {key, tip, combo,
         [combo, ref](const RunConfig& c) {
             const QString value = QString::fromStdString(valueOf(ref, c));
             int index = combo->findData(value);
             // A stored config may name a value this program does not offer: show it, so
             // that validation can mark it instead of silently replacing it.
             if (index < 0) {
                 combo->addItem(value, value);
                 index = combo->count() - 1;
             }
             combo->setCurrentIndex(index);
         },
         [combo, ref](RunConfig& c) { ref(c) = combo->currentData().toString().toStdString(); },
         resetter(ref)});
}

void RunConfigForm::addText(QFormLayout* form, const QString& key, const QString& label,
                            const QString& tip, Ref<std::string> ref, const QString& placeholder) {
    auto* edit = new QLineEdit(this);
    edit->setPlaceholderText(placeholder);
    connect(edit, &QLineEdit::textChanged, this, &RunConfigForm::onEdited);
    addField(form, label,
             {key, tip, edit,
              [edit, ref](const RunConfig& c) {
                  edit->setText(QString::fromStdString(valueOf(ref, c)));
              },
              [edit, ref](RunConfig& c) { ref(c) = edit->text().trimmed().toStdString(); },
              resetter(ref)});
}

void RunConfigForm::addSeed(QFormLayout* form, const QString& key, const QString& label,
                            const QString& tip, Ref<uint64_t> ref) {
    auto* edit = new QLineEdit(this);
    edit->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{1,19}")), edit));
    connect(edit, &QLineEdit::textChanged, this, &RunConfigForm::onEdited);
    addField(form, label,
             {key, tip, edit,
              [edit, ref](const RunConfig& c) { edit->setText(QString::number(valueOf(ref, c))); },
              [edit, ref, key](RunConfig& c) {
                  bool ok = false;
                  const qulonglong value = edit->text().toULongLong(&ok);
                  if (!ok)
                      throw std::invalid_argument(key.toStdString() + ": expected a whole number");
                  ref(c) = value;
              },
              resetter(ref)});
}

void RunConfigForm::addIntList(QFormLayout* form, const QString& key, const QString& label,
                               const QString& tip, Ref<std::vector<int>> ref) {
    auto* edit = new QLineEdit(this);
    connect(edit, &QLineEdit::textChanged, this, &RunConfigForm::onEdited);
    addField(
        form, label,
        {key, tip, edit,
         [edit, ref](const RunConfig& c) {
             QStringList parts;
             for (int value : valueOf(ref, c)) parts << QString::number(value);
             edit->setText(parts.join(QStringLiteral(", ")));
         },
         [edit, ref, key](RunConfig& c) {
             std::vector<int> values;
             for (const QString& part : edit->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                 bool ok = false;
                 const int value = part.trimmed().toInt(&ok);
                 if (!ok) {
                     throw std::invalid_argument(key.toStdString() + ": '" +
                                                 part.trimmed().toStdString() +
                                                 "' is not a whole number");
                 }
                 values.push_back(value);
             }
             ref(c) = values;
         },
         resetter(ref)});
}

void RunConfigForm::buildFields() {
    QFormLayout* run = addGroup(tr("Run"));
    addText(
        run, QStringLiteral("name"), tr("Name"), tr("Optional label shown in the run browser"),
        [](RunConfig& c) -> std::string& { return c.name; }, tr("(none)"));

    QFormLayout* data = addGroup(tr("Data"));
    addText(data, QStringLiteral("data.dataset"), tr("Dataset"),
            tr("\"default\" (the embedded MovieLens latest-small) or the path of a dataset file "
               "or folder; choosing a dataset in the Datasets panel fills this in"),
            member(&RunConfig::data, &DataConfig::dataset));
    addChoice(
        data, QStringLiteral("data.format"), tr("Format"),
        tr("How to read the dataset; auto detects MovieLens folders, sequence files and CSV logs"),
        member(&RunConfig::data, &DataConfig::format),
        {{"auto", tr("auto-detect")},
         {"movielens", tr("MovieLens")},
         {"sequences", tr("sequences (one user per line)")},
         {"csv", tr("CSV log")}});
    addChoice(data, QStringLiteral("data.protocol"), tr("Protocol"),
              tr("Evaluation protocol: leave-one-out (last item test, second-last validation), "
                 "ComiRec (held-out users, later items as targets) or DreamRec (8:1:1 sequences)"),
              member(&RunConfig::data, &DataConfig::protocol),
              {{"loo", tr("leave-one-out")},
               {"comirec", tr("ComiRec (strong generalisation)")},
               {"dreamrec", tr("DreamRec (8:1:1)")}});
    addInt(data, QStringLiteral("data.maxLength"), tr("History length N"),
           tr("Most recent items of a history fed to the models"),
           member(&RunConfig::data, &DataConfig::maxLength), 1, 10000);
    addReal<float>(data, QStringLiteral("data.minRating"), tr("Minimum rating"),
                   tr("Keep only interactions rated at least this (0 keeps all)"),
                   member(&RunConfig::data, &DataConfig::minRating), 0.0, 100.0, 1, 0.5);
    addInt(data, QStringLiteral("data.userCore"), tr("User k-core"),
           tr("Repeatedly drop users with fewer interactions than this (0 = off)"),
           member(&RunConfig::data, &DataConfig::userCore), 0, 100000, tr("off"));
    addInt(data, QStringLiteral("data.itemCore"), tr("Item k-core"),
           tr("Repeatedly drop items with fewer interactions than this (0 = off)"),
           member(&RunConfig::data, &DataConfig::itemCore), 0, 100000, tr("off"));
    addSeed(data, QStringLiteral("data.splitSeed"), tr("Split seed"),
            tr("Seed of the user / sequence split (ComiRec uses 1230)"),
            member(&RunConfig::data, &DataConfig::splitSeed));

    QFormLayout* model = addGroup(tr("Model"));
    addChoice(model, QStringLiteral("model.model"), tr("Model"),
              tr("DimeRec, or a baseline trained and evaluated the same way"),
              member(&RunConfig::model, &ModelConfig::model),
              {{"dimerec", tr("DimeRec")},
               {"comirec-sa", tr("ComiRec-SA")},
               {"comirec-dr", tr("ComiRec-DR")},
               {"mean-pool", tr("mean pooling")},
               {"sasrec", tr("SASRec")},
               {"gru4rec", tr("GRU4Rec")},
               {"most-pop", tr("most popular")}});
    addChoice(model, QStringLiteral("model.gem"), tr("Guidance module (GEM)"),
              tr("How DimeRec extracts its K interest vectors: self-attention (ComiRec-SA, the "
                 "paper's main choice), dynamic routing (ComiRec-DR) or the last K items (rule)"),
              member(&RunConfig::model, &ModelConfig::gem),
              {{"sa", tr("self-attention (ComiRec-SA)")},
               {"dr", tr("dynamic routing (ComiRec-DR)")},
               {"rule", tr("rule: last K items")}});
    addInt(model, QStringLiteral("model.dim"), tr("Embedding size d"),
           tr("Width of item embeddings and of every hidden vector"),
           member(&RunConfig::model, &ModelConfig::dim), 2, 4096);
    addInt(model, QStringLiteral("model.interests"), tr("Guidance length K"),
           tr("Number of interest vectors the GEM extracts (K ≪ N)"),
           member(&RunConfig::model, &ModelConfig::interests), 1, 256);
    addInt(model, QStringLiteral("model.layers"), tr("Layers"), tr("SASRec blocks or GRU layers"),
           member(&RunConfig::model, &ModelConfig::layers), 1, 64);
    addInt(model, QStringLiteral("model.heads"), tr("Attention heads"),
           tr("SASRec attention heads; must divide the embedding size"),
           member(&RunConfig::model, &ModelConfig::heads), 1, 64);
    addReal<double>(model, QStringLiteral("model.dropout"), tr("Dropout"),
                    tr("SASRec / GRU4Rec dropout rate"),
                    member(&RunConfig::model, &ModelConfig::dropout), 0.0, 0.99, 2, 0.05);

    QFormLayout* diffusion = addGroup(tr("Diffusion"));
    diffusionGroup_ = groups_.back();
    addInt(diffusion, QStringLiteral("model.diffusionSteps"), tr("Steps T"),
           tr("Number of diffusion steps of the forward and reverse process"),
           member(&RunConfig::model, &ModelConfig::diffusionSteps), 1, 10000);
    addChoice(diffusion, QStringLiteral("model.schedule"), tr("β schedule"),
              tr("How the noise level β_t grows from step 1 to T"),
              member(&RunConfig::model, &ModelConfig::schedule),
              {{"linear", tr("linear")}, {"cosine", tr("cosine")}, {"exp", tr("exponential")}});
    addReal<double>(diffusion, QStringLiteral("model.betaStart"), tr("β start"),
                    tr("First β of the linear / exponential schedule"),
                    member(&RunConfig::model, &ModelConfig::betaStart), 0.0, 1.0, 6, 1e-4);
    addReal<double>(diffusion, QStringLiteral("model.betaEnd"), tr("β end"),
                    tr("Last β of the linear / exponential schedule (at least β start)"),
                    member(&RunConfig::model, &ModelConfig::betaEnd), 0.0, 1.0, 6, 1e-3);
    addChoice(diffusion, QStringLiteral("model.geometry"), tr("Noise geometry"),
              tr("Geodesic random walk on the unit sphere (DimeRec) or Euclidean DDPM noise"),
              member(&RunConfig::model, &ModelConfig::geometry),
              {{"geodesic", tr("geodesic (sphere)")}, {"euclidean", tr("Euclidean (DDPM)")}});
    addChoice(
        diffusion, QStringLiteral("model.noiseScale"), tr("Noise scale"),
        tr("Tangent noise as in Algorithm 1, sqrt(1−ᾱ)·ε, or scaled per dimension, ε/sqrt(d−1)"),
        member(&RunConfig::model, &ModelConfig::noiseScale),
        {{"literal", tr("literal sqrt(1−ᾱ)·ε")}, {"per-dim", tr("per dimension ε/sqrt(d−1)")}});
    addChoice(diffusion, QStringLiteral("model.reverseNoise"), tr("Reverse noise"),
              tr("Noise added in each reverse step: sqrt(β̃_t)·ε' as in DDPM, β̃_t·ε' as "
                 "printed in the paper's Algorithm 2, or none (deterministic chain)"),
              member(&RunConfig::model, &ModelConfig::reverseNoise),
              {{"sqrt", tr("DDPM sqrt(β̃)·ε'")},
               {"literal", tr("paper β̃·ε'")},
               {"none", tr("none (deterministic)")}});
    addInt(diffusion, QStringLiteral("model.denoiserHidden"), tr("Denoiser width"),
           tr("Hidden width of the DAM denoiser MLP (0 = 2d)"),
           member(&RunConfig::model, &ModelConfig::denoiserHidden), 0, 65536, tr("2d"));
    addInt(diffusion, QStringLiteral("model.samplesPerUser"), tr("Samples per user"),
           tr("Reverse-process samples drawn per user at inference; an item scores its best "
              "inner product over them"),
           member(&RunConfig::model, &ModelConfig::samplesPerUser), 1, 1000);

    QFormLayout* losses = addGroup(tr("Losses && ablations"));
    addReal<double>(losses, QStringLiteral("model.lambda"), tr("λ (reconstruction)"),
                    tr("Weight of L_recon, the denoiser's squared error on the sphere (0 = off)"),
                    member(&RunConfig::model, &ModelConfig::lambda), 0.0, 1000.0, 3, 0.1);
    addReal<double>(losses, QStringLiteral("model.mu"), tr("μ (sampled softmax)"),
                    tr("Weight of L_ssm, the sampled softmax on the denoised vector (0 = off)"),
                    member(&RunConfig::model, &ModelConfig::mu), 0.0, 1000.0, 3, 0.1);
    addBool(losses, QStringLiteral("model.useGemLoss"), tr("Use L_gem"),
            tr("Train the guidance module with its own sampled-softmax loss"),
            member(&RunConfig::model, &ModelConfig::useGemLoss));
    addBool(losses, QStringLiteral("model.useDiffusion"), tr("Use diffusion"),
            tr("Off: the GEM alone recommends (ablation without the diffusion module)"),
            member(&RunConfig::model, &ModelConfig::useDiffusion));
    addInt(losses, QStringLiteral("model.negatives"), tr("Negatives"),
           tr("Sampled-softmax negatives per batch (0 = 10 × batch size)"),
           member(&RunConfig::model, &ModelConfig::negatives), 0, 10000000, tr("10 × batch"));
    addChoice(losses, QStringLiteral("model.negativeSampler"), tr("Negative sampler"),
              tr("Draw negatives uniformly or log-uniformly by popularity rank (as TensorFlow's "
                 "sampled softmax in ComiRec)"),
              member(&RunConfig::model, &ModelConfig::negativeSampler),
              {{"uniform", tr("uniform")}, {"log-uniform", tr("log-uniform")}});

    QFormLayout* train = addGroup(tr("Training"));
    addChoice(train, QStringLiteral("train.optimizer"), tr("Optimiser"),
              tr("Adam with L2 weight decay, or AdamW with decoupled weight decay"),
              member(&RunConfig::train, &TrainConfig::optimizer),
              {{"adam", tr("Adam")}, {"adamw", tr("AdamW")}});
    addReal<double>(train, QStringLiteral("train.learningRate"), tr("Learning rate"),
                    tr("Optimiser step size"),
                    member(&RunConfig::train, &TrainConfig::learningRate), 0.0, 10.0, 6, 1e-4);
    addReal<double>(train, QStringLiteral("train.weightDecay"), tr("Weight decay"),
                    tr("L2 (Adam) or decoupled (AdamW) weight decay"),
                    member(&RunConfig::train, &TrainConfig::weightDecay), 0.0, 10.0, 6, 1e-5);
    addInt(train, QStringLiteral("train.batchSize"), tr("Batch size"),
           tr("Training samples per step"), member(&RunConfig::train, &TrainConfig::batchSize), 1,
           1000000);
    addInt(train, QStringLiteral("train.epochs"), tr("Epochs"),
           tr("Passes over the training samples"), member(&RunConfig::train, &TrainConfig::epochs),
           1, 100000);
    addInt64(train, QStringLiteral("train.maxSteps"), tr("Max steps"),
             tr("Stop after this many optimiser steps (0 = no limit)"),
             member(&RunConfig::train, &TrainConfig::maxSteps), tr("no limit"));
    addReal<double>(train, QStringLiteral("train.clipGradNorm"), tr("Gradient clipping"),
                    tr("Clip the global gradient norm to this (0 = off)"),
                    member(&RunConfig::train, &TrainConfig::clipGradNorm), 0.0, 1e6, 2, 0.5);
    addInt64(train, QStringLiteral("train.evalEvery"), tr("Validate every"),
             tr("Validate every N steps (0 = once per epoch)"),
             member(&RunConfig::train, &TrainConfig::evalEvery), tr("each epoch"));
    addText(train, QStringLiteral("train.earlyStopMetric"), tr("Early-stopping metric"),
            tr("Validation metric that picks the best checkpoint: hr@K, ndcg@K, recall@K or "
               "mrr@K, K one of the evaluation cut-offs"),
            member(&RunConfig::train, &TrainConfig::earlyStopMetric));
    addInt(train, QStringLiteral("train.patience"), tr("Patience"),
           tr("Validations without improvement before stopping (0 = never stop early)"),
           member(&RunConfig::train, &TrainConfig::patience), 0, 100000, tr("off"));
    addSeed(train, QStringLiteral("train.seed"), tr("Seed"),
            tr("Seed of initialisation, sampling and diffusion noise; runs differing only in "
               "seed form a seed group"),
            member(&RunConfig::train, &TrainConfig::seed));
    addInt(train, QStringLiteral("train.threads"), tr("Threads"),
           tr("LibTorch intra-op threads (0 = all cores)"),
           member(&RunConfig::train, &TrainConfig::threads), 0, 1024, tr("all cores"));
    addText(train, QStringLiteral("train.device"), tr("Device"),
            tr("auto, cpu, cuda or cuda:N; auto picks a GPU when there is one"),
            member(&RunConfig::train, &TrainConfig::device));

    QFormLayout* eval = addGroup(tr("Evaluation"));
    addIntList(eval, QStringLiteral("eval.topK"), tr("Cut-offs K"),
               tr("Comma-separated cut-offs of every ranking metric (HR@K, NDCG@K, …)"),
               member(&RunConfig::eval, &EvalConfig::topK));
    addInt(eval, QStringLiteral("eval.batchUsers"), tr("Users per batch"),
           tr("Users scored per matrix product during full ranking"),
           member(&RunConfig::eval, &EvalConfig::batchUsers), 1, 1000000);
    addBool(eval, QStringLiteral("eval.excludeHistory"), tr("Exclude history"),
            tr("Never recommend items the user has already interacted with"),
            member(&RunConfig::eval, &EvalConfig::excludeHistory));
}

void RunConfigForm::setConfig(const RunConfig& config) {
    base_ = config;
    loading_ = true;
    for (const Field& field : fields_) field.load(config);
    loading_ = false;
    updateApplicability();
    revalidate();
    Q_EMIT configChanged();
}

RunConfig RunConfigForm::config() const {
    RunConfig config = base_;
    for (const Field& field : fields_) {
        try {
            field.store(config);
        } catch (const std::invalid_argument&) {
            // Unreadable text: the field keeps its value from base_ (store assigns last).
        }
    }
    return config;
}

QWidget* RunConfigForm::editor(const QString& key) const {
    for (const Field& field : fields_) {
        if (field.key == key) return field.editor;
    }
    return nullptr;
}

void RunConfigForm::onEdited() {
    if (loading_) return;
    updateApplicability();
    revalidate();
    Q_EMIT configChanged();
}

void RunConfigForm::revalidate() {
    const bool wasValid = errors_.isEmpty();
    errors_.clear();
    RunConfig config = base_;
    for (const Field& field : fields_) {
        try {
            field.store(config);
        } catch (const std::invalid_argument& error) {
            errors_.insert(field.key,
                           QString::fromStdString(error.what()).section(QStringLiteral(": "), 1));
        }
    }
    // validate() names the first invalid field; reset it to its default and ask again, so
    // that every invalid field is found (at most one round per field).
    for (size_t round = 0; round < fields_.size(); ++round) {
        try {
            validate(config);
            break;
        } catch (const std::invalid_argument& error) {
            const QString message = QString::fromStdString(error.what());
            const QString key = message.section(QStringLiteral(": "), 0, 0);
            const auto field = std::find_if(fields_.begin(), fields_.end(),
                                            [&](const Field& f) { return f.key == key; });
            if (field == fields_.end() || errors_.contains(key)) {
                errors_.insert(key, message.section(QStringLiteral(": "), 1));
                break;
            }
            errors_.insert(key, message.section(QStringLiteral(": "), 1));
            field->resetToDefault(config);
        }
    }
    for (const Field& field : fields_) {
        const auto error = errors_.find(field.key);
        if (error == errors_.end()) {
            field.editor->setStyleSheet(QString());
            field.editor->setToolTip(field.tooltip);
        } else {
            field.editor->setStyleSheet(kInvalidStyle);
            field.editor->setToolTip(field.tooltip + QStringLiteral("\n\n") +
                                     tr("Invalid: %1").arg(*error));
        }
    }
    QStringList lines;
    for (auto it = errors_.cbegin(); it != errors_.cend(); ++it) {
        lines << QStringLiteral("%1: %2").arg(it.key(), it.value());
    }
    status_->setText(lines.join(QLatin1Char('\n')));
    status_->setStyleSheet(lines.isEmpty() ? QString() : QStringLiteral("color: #b71c1c;"));
    if (wasValid != errors_.isEmpty()) Q_EMIT validityChanged(errors_.isEmpty());
}

void RunConfigForm::updateApplicability() {
    const RunConfig current = config();
    const std::string& model = current.model.model;
    const bool dimerec = model == "dimerec";
    const bool multiInterest = dimerec || model == "comirec-sa" || model == "comirec-dr";
    const bool sequential = model == "sasrec" || model == "gru4rec";
    const bool diffusion = dimerec && current.model.useDiffusion;
    const QMap<QString, bool> applies = {
        {QStringLiteral("model.gem"), dimerec},
        {QStringLiteral("model.interests"), multiInterest},
        {QStringLiteral("model.layers"), sequential},
        {QStringLiteral("model.heads"), model == "sasrec"},
        {QStringLiteral("model.dropout"), sequential},
        {QStringLiteral("model.useGemLoss"), dimerec},
        {QStringLiteral("model.useDiffusion"), dimerec},
        {QStringLiteral("model.lambda"), diffusion},
        {QStringLiteral("model.mu"), diffusion},
    };
    for (const Field& field : fields_) {
        bool enabled = applies.value(field.key, true);
        if (diffusionGroup_->isAncestorOf(field.editor)) enabled = diffusion;
        field.editor->setEnabled(enabled);
    }
}

QStringList RunConfigForm::builtInPresets() const {
    QStringList names;
    for (const Preset& preset : builtIns()) names << tr(preset.name);
    return names;
}

QStringList RunConfigForm::userPresets() const {
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    QStringList names = settings.childKeys();
    names.sort(Qt::CaseInsensitive);
    return names;
}

void RunConfigForm::applyPreset(const QString& name) {
    for (const Preset& preset : builtIns()) {
        if (tr(preset.name) != name) continue;
        RunConfig config = this->config();
        config.model = ModelConfig{};
        preset.apply(config.model);
        setConfig(config);
        return;
    }
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    if (!settings.contains(name)) return;
    try {
        setConfig(runConfigFromJson(
            nlohmann::json::parse(settings.value(name).toString().toStdString())));
    } catch (const std::exception& error) {
        status_->setText(
            tr("Preset \"%1\" cannot be read: %2").arg(name, QString::fromUtf8(error.what())));
    }
}

bool RunConfigForm::saveUserPreset(const QString& name) {
    if (!isValid() || name.trimmed().isEmpty() || builtInPresets().contains(name.trimmed()))
        return false;
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    settings.setValue(name.trimmed(), QString::fromStdString(toJson(config()).dump()));
    refreshPresetList();
    presets_->setCurrentText(name.trimmed());
    return true;
}

void RunConfigForm::removeUserPreset(const QString& name) {
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    settings.remove(name);
    refreshPresetList();
}

void RunConfigForm::refreshPresetList() {
    const QSignalBlocker block(presets_);
    presets_->clear();
    presets_->addItems(builtInPresets());
    const QStringList own = userPresets();
    if (!own.isEmpty()) {
        presets_->insertSeparator(presets_->count());
        presets_->addItems(own);
    }
    deletePreset_->setEnabled(own.contains(presets_->currentText()));
}

void RunConfigForm::promptSavePreset() {
    if (!isValid()) {
        status_->setText(tr("Fix the marked fields before saving a preset."));
        return;
    }
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save preset"), tr("Preset name:"),
                                               QLineEdit::Normal, QString(), &ok);
    if (ok && !saveUserPreset(name)) {
        status_->setText(tr("\"%1\" cannot be used as a preset name.").arg(name));
    }
}

}  // namespace dimerec

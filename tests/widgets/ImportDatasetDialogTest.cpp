#include "ImportDatasetDialog.h"
#include "QtTestApp.h"
#include "config/ConfigFields.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <fstream>

namespace dimerec {
namespace {

class ImportDatasetDialogTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtTestApp();
        ASSERT_TRUE(dir_.isValid());
        ratings_ = dir_.filePath(QStringLiteral("ratings.dat"));
        std::ofstream(ratings_.toStdString()) << "1::10::5::100\n1::20::3::50\n2::10::4::70\n";
    }
    static QPushButton* importButton(const ImportDatasetDialog& dialog) {
        return dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    }
    template <class T>
    static T* editor(const ImportDatasetDialog& dialog, const char* key) {
        return dialog.findChild<T*>(QString::fromLatin1(key));
    }

    QTemporaryDir dir_;
    QString ratings_;
};

// Every field that changes the dataset has its editor, labelled and ranged by its descriptor,
// so a new field flagged kChangesDataset (or kPreprocessing) appears without a line here.
TEST_F(ImportDatasetDialogTest, ShowsAnEditorForEveryFieldThatChangesTheDataset) {
    ImportDatasetDialog dialog;
    for (const FieldDescriptor& field : runConfigFields()) {
        if (!field.has(kChangesDataset)) continue;
        SCOPED_TRACE(field.key);
        auto* widget = dialog.findChild<QWidget*>(QString::fromStdString(field.key));
        ASSERT_NE(widget, nullptr);
        EXPECT_EQ(widget->toolTip().toStdString(), field.tooltip);
        bool labelled = false;
        for (const QLabel* label : dialog.findChildren<QLabel*>()) {
            labelled = labelled ||
                       (label->buddy() == widget && label->text().toStdString() == field.label);
        }
        EXPECT_TRUE(labelled);
    }
    // The k-cores as the run form shows them: the descriptor's range and text for 0.
    const FieldDescriptor& userCore = *findConfigField("data.userCore");
    auto* spin = editor<QSpinBox>(dialog, "data.userCore");
    ASSERT_NE(spin, nullptr);
    EXPECT_EQ(spin->maximum(), static_cast<int>(userCore.editorMaximum));
    EXPECT_EQ(spin->specialValueText().toStdString(), userCore.zeroText);
    EXPECT_EQ(editor<QDoubleSpinBox>(dialog, "data.minRating")->specialValueText(),
              QStringLiteral("keep all"));
    EXPECT_NE(editor<QComboBox>(dialog, "data.protocol"), nullptr);
    EXPECT_NE(editor<QLineEdit>(dialog, "data.splitSeed"), nullptr);
}

TEST_F(ImportDatasetDialogTest, GivesBackWhatWasEntered) {
    ImportDatasetDialog dialog(ratings_);
    EXPECT_TRUE(importButton(dialog)->isEnabled());
    editor<QDoubleSpinBox>(dialog, "data.minRating")->setValue(3.5);
    editor<QSpinBox>(dialog, "data.userCore")->setValue(5);
    editor<QSpinBox>(dialog, "data.itemCore")->setValue(2);
    auto* protocol = editor<QComboBox>(dialog, "data.protocol");
    protocol->setCurrentIndex(protocol->findData(QStringLiteral("comirec")));
    editor<QLineEdit>(dialog, "data.splitSeed")->setText(QStringLiteral("9876543210"));

    DataConfig expected;
    expected.dataset = ratings_.toStdString();
    expected.minRating = 3.5f;
    expected.userCore = 5;
    expected.itemCore = 2;
    expected.protocol = Protocol::ComiRec;
    expected.splitSeed = 9876543210ULL;
    RunConfig want;
    RunConfig got;
    want.data = expected;
    got.data = dialog.dataConfig();
    EXPECT_EQ(toJson(got), toJson(want));
    EXPECT_TRUE(importButton(dialog)->isEnabled());
}

TEST_F(ImportDatasetDialogTest, DetectsTheReaderAndRefusesWhatCannotBeRead) {
    ImportDatasetDialog dialog;
    EXPECT_FALSE(importButton(dialog)->isEnabled());  // no path yet
    auto* path = editor<QLineEdit>(dialog, "data.dataset");
    path->setText(ratings_);
    EXPECT_TRUE(importButton(dialog)->isEnabled());
    bool detected = false;
    for (const QLabel* label : dialog.findChildren<QLabel*>())
        detected = detected || label->text().contains(QStringLiteral("movielens-dat"));
    EXPECT_TRUE(detected);

    // An empty split seed cannot be read: Import waits, and the message names the field.
    auto* seed = editor<QLineEdit>(dialog, "data.splitSeed");
    seed->clear();
    EXPECT_FALSE(importButton(dialog)->isEnabled());
    bool named = false;
    for (const QLabel* label : dialog.findChildren<QLabel*>())
        named = named || label->text().contains(QStringLiteral("data.splitSeed"));
    EXPECT_TRUE(named);
    seed->setText(QStringLiteral("7"));
    EXPECT_TRUE(importButton(dialog)->isEnabled());

    path->setText(dir_.filePath(QStringLiteral("missing.csv")));
    EXPECT_FALSE(importButton(dialog)->isEnabled());
}

}  // namespace
}  // namespace dimerec

#include "SphereView.h"
#include "QtTestApp.h"

#include <QImage>
#include <QPainter>

#include <gtest/gtest.h>

#include <cmath>

namespace dimerec {
namespace {

// Three items: at +z (facing the viewer), +x (right edge) and −z (behind the first).
SphereScene threeItems() {
    SphereScene scene;
    scene.items = {0, 0, 1, 1, 0, 0, 0, 0, -1};
    scene.itemCategory = {2, 0, 2};
    scene.itemTitles = {"Toy Story (1995)", "Heat (1995)", ""};
    scene.itemCategoryText = {"Animation, Comedy", "Action", ""};
    scene.categoryNames = {"Action", "Comedy", "Drama"};
    return scene;
}

TEST(SphereView, ProjectsOrthographicallyAfterTheRotation) {
    qtTestApp();
    SphereView view;
    view.resize(500, 400);
    view.setScene(threeItems());
    const QPointF c = view.globeCentre();
    const double r = view.globeRadius();
    ASSERT_GT(r, 50.0);
    bool front = false;
    // No rotation: +z points at the viewer, so it lands on the centre, in front.
    QPointF at = view.project(QVector3D(0, 0, 1), view.size(), &front);
    EXPECT_NEAR(at.x(), c.x(), 1e-4);
    EXPECT_NEAR(at.y(), c.y(), 1e-4);
    EXPECT_TRUE(front);
    // 30° about x: (0, 0, 1) → (0, −sin 30°, cos 30°) = (0, −0.5, 0.866): half a radius below
    // the centre (screen y grows downwards), still in front.
    view.setRotation(QQuaternion::fromAxisAndAngle(1, 0, 0, 30));
    at = view.project(QVector3D(0, 0, 1), view.size(), &front);
    EXPECT_NEAR(at.x(), c.x(), 1e-3);
    EXPECT_NEAR(at.y(), c.y() + 0.5 * r, 1e-3);
    EXPECT_TRUE(front);
    // 120° about y: (0, 0, 1) → (sin 120°, 0, cos 120°) = (0.866, 0, −0.5): right of the centre
    // by 0.866 r, on the far side.
    view.setRotation(QQuaternion::fromAxisAndAngle(0, 1, 0, 120));
    at = view.project(QVector3D(0, 0, 1), view.size(), &front);
    EXPECT_NEAR(at.x(), c.x() + std::sqrt(3.0) / 2.0 * r, 1e-3);
    EXPECT_NEAR(at.y(), c.y(), 1e-3);
    EXPECT_FALSE(front);
}

TEST(SphereView, HoverFindsTheFrontItemAndItsText) {
    qtTestApp();
    SphereView view;
    view.resize(500, 400);
    view.setScene(threeItems());
    const QPointF c = view.globeCentre();
    // Items 0 and 2 project onto the centre; only item 0 faces the viewer.
    EXPECT_EQ(view.itemAt(c + QPointF(2, -2)), 0);
    EXPECT_EQ(view.itemAt(c + QPointF(view.globeRadius(), 0)), 1);
    EXPECT_EQ(view.itemAt(c + QPointF(30, 30)), -1);
    EXPECT_EQ(view.itemText(0), QStringLiteral("Toy Story (1995)\nAnimation, Comedy"));
    EXPECT_EQ(view.itemText(2), QStringLiteral("item 2"));
    // Turned half way round, the item behind comes to the front.
    view.setRotation(QQuaternion::fromAxisAndAngle(0, 1, 0, 180));
    EXPECT_EQ(view.itemAt(c), 2);
}

TEST(SphereView, LegendListsThePrimaryCategoriesThatOccur) {
    qtTestApp();
    SphereView view;
    SphereScene scene = threeItems();
    scene.items.insert(scene.items.end(), {0, 1, 0});
    scene.itemCategory.push_back(-1);  // no category: drawn as "other"
    view.setScene(scene);
    // Comedy is no item's primary category.
    EXPECT_EQ(
        view.legendCategories(),
        (QStringList{QStringLiteral("Action"), QStringLiteral("Drama"), QStringLiteral("other")}));
    EXPECT_NE(view.categoryColor(0), view.categoryColor(2));
    EXPECT_EQ(view.categoryColor(-1), view.categoryColor(1));  // both the shared grey
}

// ML-1M's 18 genres in a dock 1366 × 768 leaves short (the Embeddings dock, 260 px): the legend
// names those that fit above the marker key and says how many it leaves out; a tall view names
// them all.
TEST(SphereView, LegendNamesTheCategoriesThatFitAndCountsTheRest) {
    qtTestApp();
    SphereView view;
    SphereScene scene;
    for (int c = 0; c < 18; ++c) {
        scene.items.insert(scene.items.end(), {1, 0, 0});
        scene.itemCategory.push_back(c);
        scene.categoryNames.push_back("genre " + std::to_string(c));
    }
    view.setScene(scene);
    const QStringList all = view.legendCategories();
    const int font = 12;
    EXPECT_EQ(view.legendLines(QSize(600, 800), font), all);
    // 260 px: the legend runs from 1.2 to 260 − 1.2 lines of 1.5 × 12 px, 216.8 px; with the
    // title and lines of 1.35 × 12 = 16.2 px, floor(216.8 / 16.2 − 1) = 12 lines fit below it.
    const QStringList shown = view.legendLines(QSize(600, 260), font);
    ASSERT_EQ(shown.size(), 12);
    EXPECT_EQ(shown.mid(0, 11), all.mid(0, 11));
    EXPECT_EQ(shown.last(), QStringLiteral("+ %1 more").arg(all.size() - 11));
}

// The marker key wraps where the view is narrow (the Embeddings dock at 1366 × 768: about 320
// px) instead of running its entries over each other, and the globe gives it the room.
TEST(SphereView, MarkerKeyWrapsIntoRowsWhereTheViewIsNarrow) {
    qtTestApp();
    SphereView view;
    SphereScene scene = threeItems();
    scene.historyItems = {0};
    scene.guidance = {1, 0, 0};
    scene.samples = {0, 1, 0};
    scene.recommendations = {1};
    scene.targets = {2};
    view.setScene(scene);
    EXPECT_EQ(view.keyRows(QSize(1200, 500), 12), 1);
    const int narrow = view.keyRows(QSize(320, 500), 12);
    EXPECT_GE(narrow, 2);
    EXPECT_LE(narrow, 5);  // one entry a row at worst
}

TEST(SphereView, RendersTheFrontItemInItsCategoryColour) {
    qtTestApp();
    SphereView view;
    view.resize(500, 400);
    SphereScene scene = threeItems();
    scene.items = {0, 0, 1};
    scene.itemCategory = {0};
    view.setScene(scene);
    QImage image(view.size(), QImage::Format_ARGB32);
    QPainter painter(&image);
    view.render(painter, view.size(), QFontInfo(view.font()).pixelSize());
    painter.end();
    // The dot at the centre (radius ≥ 1 px) is Action's colour over the globe's shading.
    const QColor centre = image.pixelColor(view.globeCentre().toPoint());
    const QColor action = view.categoryColor(0);
    EXPECT_LT(std::abs(centre.red() - action.red()) + std::abs(centre.blue() - action.blue()), 80);
}

}  // namespace
}  // namespace dimerec

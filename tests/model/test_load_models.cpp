// Every model in ../shared/opensim-reference loads and compiles; counts agree with the XML itself.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "io/osim_reader.hpp"
#include "model/model.hpp"
#include "support/reference.hpp"

namespace fs = std::filesystem;
using namespace weaklink;

namespace {
int count_elements(const pugi::xml_node& n, const char* tag) {
  int k = 0;
  for (auto c : n.children()) {
    if (std::string(c.name()) == tag) ++k;
    k += count_elements(c, tag);
  }
  return k;
}
}  // namespace

TEST(LoadModels, EveryReferenceModelLoadsAndCompiles) {
  WEAKLINK_REQUIRE_REFERENCE();
  int models = 0;
  for (const auto& e : fs::recursive_directory_iterator(test::reference_dir())) {
    if (e.path().extension() != ".osim") continue;
    SCOPED_TRACE(e.path().string());
    Model m;
    ASSERT_NO_THROW(m = compile_model(io::read_osim(e.path())));
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_file(e.path().c_str()));
    const auto model_node = doc.child("OpenSimDocument").child("Model");
    // Old formats list Ground as a Body; 4.0 has a separate <Ground>.
    const int bodies = count_elements(model_node.child("BodySet"), "Body");
    const bool old_format = !model_node.child("JointSet");
    EXPECT_EQ(static_cast<int>(m.bodies.size()), old_format ? bodies : bodies + 1);
    EXPECT_EQ(static_cast<int>(m.coordinates.size()), count_elements(model_node, "Coordinate"));
    int muscles = 0;
    for (const char* t : {"Thelen2003Muscle", "Millard2012EquilibriumMuscle", "DeGrooteFregly2016Muscle"})
      muscles += count_elements(model_node.child("ForceSet"), t);
    EXPECT_EQ(static_cast<int>(m.muscles.size()), muscles);
    EXPECT_EQ(static_cast<int>(m.markers.size()), count_elements(model_node.child("MarkerSet"), "Marker"));
    EXPECT_EQ(static_cast<int>(m.couplers.size()), count_elements(model_node, "CoordinateCouplerConstraint"));
    // Every joint's child is reached from Ground; q indices are a permutation in tree order.
    EXPECT_EQ(m.tree_coordinate_order.size(), m.coordinates.size());
    ++models;
  }
  EXPECT_GE(models, 12);
}

TEST(LoadModels, TreeOrderMatchesOpenSimForGait2392) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Model m = compile_model(io::read_osim(test::reference_dir() / "models/gait2392_thelen2003muscle.osim"));
  // Tree order (docs/opensim-semantics.md#tree-order): pelvis(6), hip_r(3), hip_l(3), back(3), knees, ankles,
  // subtalars, mtps.
  const std::vector<std::string> joints{"ground_pelvis", "hip_r", "hip_l", "back", "knee_r", "knee_l",
                                        "ankle_r", "ankle_l", "subtalar_r", "subtalar_l", "mtp_r", "mtp_l"};
  ASSERT_EQ(m.joints.size(), joints.size());
  for (std::size_t i = 0; i < joints.size(); ++i) EXPECT_EQ(m.joints[i].name, joints[i]);
  EXPECT_EQ(m.coordinates[m.find_coordinate("knee_angle_r")].motion_type, MotionType::Rotational);
  EXPECT_EQ(m.coordinates[m.find_coordinate("pelvis_tx")].motion_type, MotionType::Translational);
}

TEST(LoadModels, MotionTypesFollowOpenSimRules) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Model raj = compile_model(io::read_osim(test::reference_dir() / "models/RajagopalLaiUhlrich2023.osim"));
  EXPECT_EQ(raj.coordinates[raj.find_coordinate("knee_angle_r_beta")].motion_type, MotionType::Coupled);
  EXPECT_GE(raj.coordinates[raj.find_coordinate("knee_angle_r_beta")].coupler, 0);
  // Scale-tool output wraps translation axes in MultiplierFunction: Coupled
  // (docs/opensim-semantics.md#bodies-and-joints).
  const Model scaled = compile_model(io::read_osim(test::reference_dir() / "gait2392-ik-id/OutputReference/subject01_simbody.osim"));
  EXPECT_EQ(scaled.coordinates[scaled.find_coordinate("pelvis_tx")].motion_type, MotionType::Coupled);
}

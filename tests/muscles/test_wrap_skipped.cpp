// A path point inside a wrap object: OpenSim skips the object; weaklink does the same and flags
// the muscle (Data::muscle_wrap_skipped), and static optimization counts it per frame.
#include <gtest/gtest.h>

#include "io/osim_reader.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "model/model.hpp"
#include "muscles/path_geometry.hpp"
#include "solvers/static_optimization.hpp"
#include "support/reference.hpp"

namespace weaklink {
namespace {

TEST(WrapSkipped, APointInsideTheCylinderIsFlaggedAndReported) {
  ModelSpec spec = io::read_osim(test::source_dir() / "data/models/weaklink_demo_leg.osim");
  const Model normal = compile_model(spec);
  // Move the vastus' origin (on the femur) into the condylar cylinder (femur frame, radius 3 cm).
  for (auto& m : spec.muscles)
    if (m.name == "vas_med_demo_r") m.path.points.front().location = Vec3(0.0, -0.41, 0.0);
  const Model inside = compile_model(spec);
  const int vm = inside.find_muscle("vas_med_demo_r");
  for (const Model* model : {&normal, &inside}) {
    Data d(*model);
    Eigen::VectorXd q = model->default_q();
    q[model->find_coordinate("knee_angle_r")] = -1.0;  // flexed: the path would wrap
    calc_forward_kinematics(*model, d, q);
    calc_path_geometry(*model, d, q);
    EXPECT_EQ(d.muscle_wrap_skipped[vm], model == &inside ? 1 : 0);
    EXPECT_EQ(d.muscle_wrapped[vm], model == &inside ? 0 : 1) << "skipped means not wrapped";
  }
  std::vector<StaticOptimizationFrame> frames(4);
  frames[1].wrap_skipped_muscles = 1;
  frames[1].wrap_skipped_muscle = vm;
  const std::string w = wrap_skipped_warning(inside, frames);
  EXPECT_NE(w.find("in 1 of 4 frames"), std::string::npos) << w;
  EXPECT_NE(w.find("vas_med_demo_r"), std::string::npos) << w;
  EXPECT_TRUE(wrap_skipped_warning(inside, std::vector<StaticOptimizationFrame>(3)).empty());
}

}  // namespace
}  // namespace weaklink

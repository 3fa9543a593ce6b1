// The number of frames samples an activity's motion; it does not change it. Poses are solved on
// the activity's own grid and the frames sample the splines through them, so peak loads agree
// between 31 and 2000 frames (the whole documented range) and equilibrium holds at both.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "chain/activities/activity.hpp"
#include "chain/motion/activity_motion.hpp"
#include "chain/activities/contact_sites.hpp"
#include "chain/simulation/simulate_activity.hpp"
#include "core/error.hpp"
#include "generic_model/generic_model.hpp"

namespace weaklink {
namespace {

struct Peaks {
  double compression = 0, hip = 0, knee = 0;
};

ActivityResult run(const Model& model, const std::string& name, const std::vector<std::string>& params) {
  const Activity& a = find_activity(name);
  const ActivityPlan plan = a.plan(activity_parameters(a, params));
  return simulate_activity(model, name, build_activity_motion(model, plan, name), SimulationOptions{});
}

Peaks peaks(const ActivityResult& r) {
  Peaks p;
  for (const auto& j : r.joints) {
    p.compression = std::max(p.compression, j.lumbar_compression);
    p.hip = std::max({p.hip, j.hip_r, j.hip_l});
    p.knee = std::max({p.knee, j.knee_r, j.knee_l});
  }
  return p;
}

// 2000 frames of the squat take ~1.5 s in a Release build: the test runs the documented extremes,
// because the defect it guards against (accelerations from pose noise, growing as 1/dt²) only
// shows at the fine end (at 2000 frames the squat's peak L5/S1 load was 3.1 times larger).
TEST(ActivityFrames, SquatPeakLoadsAgreeWithin2PercentFrom31To2000Frames) {
  const Model model = compile_model(with_contact_sites(build_generic_model(Person{1.75, 72, Sex::Female, 40})));
  const ActivityResult coarse = run(model, "squat", {"frames=31"}), fine = run(model, "squat", {"frames=2000"});
  ASSERT_EQ(coarse.motion.motion.time.size(), 31u);
  ASSERT_EQ(fine.motion.motion.time.size(), 2000u);
  EXPECT_TRUE(coarse.validity.valid()) << coarse.validity.reason();
  EXPECT_TRUE(fine.validity.valid()) << fine.validity.reason();
  const Peaks a = peaks(coarse), b = peaks(fine);
  EXPECT_NEAR(a.compression / b.compression, 1.0, 0.02) << a.compression << " N vs " << b.compression << " N";
  EXPECT_NEAR(a.hip / b.hip, 1.0, 0.02) << a.hip << " N vs " << b.hip << " N";
  EXPECT_NEAR(a.knee / b.knee, 1.0, 0.02) << a.knee << " N vs " << b.knee << " N";
  EXPECT_LT(max_residual_force(fine), 1e-3 * fine.body_weight);
}

// The hip bridge's shoulders slide on the floor; solved frame by frame, that sliding depended on
// the frame spacing and 2000 frames left 10 kN of residual. Now both ends are in equilibrium.
TEST(ActivityFrames, HipBridgeHoldsEquilibriumAt2000Frames) {
  const Model model = compile_model(with_contact_sites(build_generic_model(Person{1.75, 72, Sex::Female, 40})));
  const ActivityResult fine = run(model, "hip_bridge", {"frames=2000"});
  EXPECT_TRUE(fine.validity.valid()) << fine.validity.reason();
  const ActivityResult dflt = run(model, "hip_bridge", {});
  EXPECT_NEAR(peaks(dflt).compression / peaks(fine).compression, 1.0, 0.02);
}

TEST(ActivityFrames, FramesAreAWholeNumberAndDurationsStopWhereEquilibriumFails) {
  const Activity& squat = find_activity("squat");
  EXPECT_THROW((void)activity_parameters(squat, {"frames=31.5"}), InputError);
  EXPECT_THROW((void)activity_parameters(squat, {"duration=0.75"}), InputError);  // 310 N of residual there
  EXPECT_THROW((void)activity_parameters(find_activity("hip_bridge"), {"duration=0.2"}), InputError);
  EXPECT_THROW((void)activity_parameters(find_activity("step_up"), {"height=0.45"}), InputError);
  EXPECT_NO_THROW((void)activity_parameters(squat, {"duration=1", "frames=2000"}));
}

}  // namespace
}  // namespace weaklink

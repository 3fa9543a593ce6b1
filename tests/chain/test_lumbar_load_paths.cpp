// One L5/S1 load for every command: the same gait2392 walking frame through `weaklink analyze`
// (tools/analysis_pipeline) and through the activity path that `weakness` and `assess` use
// (load_trial, then simulate_activity) gives the same compression and shears, with one sign
// convention (dynamics/lumbar_load.hpp). Before they shared it, analyze's shears had the opposite
// sign of the activity path's.
#include <gtest/gtest.h>

#include "chain/simulation/simulate_activity.hpp"
#include "chain/trial/trial_weakness.hpp"
#include "dynamics/lumbar_load.hpp"
#include "io/storage.hpp"
#include "support/reference.hpp"
#include "support/scratch.hpp"
#include "tools/analysis_pipeline.hpp"

using namespace weaklink;

TEST(LumbarLoadPaths, AnalyzeAndTheActivityPathAgreeOnAGait2392Frame) {
  WEAKLINK_REQUIRE_REFERENCE();
  const auto dir = test::reference_dir() / "gait2392-so-jra";
  const double t = 1.2;  // mid-stance of the right leg: the trunk leans and the shears are not small

  AnalysisPipelineOptions a;
  a.model = dir / "subject01_simbody_adjusted_StaticOp.osim";
  a.motion = dir / "subject01_walk1_Kinematics.sto";
  a.external_loads = dir / "foot_floor_loads.xml";
  a.reserves = dir / "gait2392_SO_weak_Residual_Actuators.xml";
  a.start = a.end = t;
  a.threads.threads = 1;
  test::ScratchDir scratch;
  a.output_dir = scratch.path();
  ASSERT_EQ(run_analysis_pipeline(a).frames, 1);
  const io::Table lumbar = io::read_storage(scratch.path() / "subject01_lumbar_loads.sto");
  ASSERT_EQ(lumbar.time.size(), 1u);
  const double compression = lumbar.data(0, lumbar.find_column("L5S1_compression"));
  const double anterior = lumbar.data(0, lumbar.find_column("L5S1_shear_anterior"));
  const double right = lumbar.data(0, lumbar.find_column("L5S1_shear_right"));

  TrialInputs in;
  in.model = a.model;
  in.coordinates = a.motion;
  in.external_loads = a.external_loads;
  in.force_sets = {a.reserves};
  in.start = in.end = t;
  const LoadedTrial trial = load_trial(in);
  ASSERT_EQ(trial.motion.motion.time.size(), 1u);
  EXPECT_EQ(trial.motion.motion.time[0], lumbar.time[0]);  // the same row of the motion
  SimulationOptions s;
  s.static_optimization = a.static_optimization;  // the same static optimization: no reserves beyond the file's residual actuators
  const ActivityResult r = simulate_activity(trial.model, trial.name, trial.motion, s);
  ASSERT_EQ(find_lumbar_joint(trial.model), trial.model.find_joint("back"));
  const JointLoads& j = r.joints[0];

  // The measured ground reactions reach the bodies as ExternalForces in analyze and as known loads
  // (their totals at Ground's origin) in the activity path: the sums round differently, so the two
  // agree to rounding (1e-6 N on loads of hundreds of newtons), not bit for bit.
  EXPECT_GT(compression, 300.0);
  EXPECT_GT(std::abs(anterior), 10.0);
  EXPECT_NEAR(j.lumbar_compression, compression, 1e-6);
  EXPECT_NEAR(j.lumbar_shear_ap, anterior, 1e-6);
  EXPECT_NEAR(j.lumbar_shear_lateral, right, 1e-6);
}

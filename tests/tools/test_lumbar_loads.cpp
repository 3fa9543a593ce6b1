// `weaklink analyze` on gait2392 walking: the lumbar output is the back joint's load along the
// torso's axes (dynamics/lumbar_load.hpp), and whole-body equilibrium closes at the back joint: the torso's
// Newton equation (inertia from finite differences of its mass centre, gravity, muscle pulls)
// and the lower body's (inertia, gravity, ground reactions, pelvis residuals) both reproduce it.
#include <gtest/gtest.h>

#include "dynamics/external_forces.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "io/external_loads.hpp"
#include "io/osim_reader.hpp"
#include "io/storage.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "muscles/path_forces.hpp"
#include "support/reference.hpp"
#include "support/scratch.hpp"
#include "tools/analysis_pipeline.hpp"
#include "tools/coordinate_states.hpp"

namespace fs = std::filesystem;
using namespace weaklink;

TEST(LumbarLoads, Gait2392CompressionIsTheTorsoAxisComponentAndEquilibriumCloses) {
  WEAKLINK_REQUIRE_REFERENCE();
  test::ScratchDir scratch;
  const fs::path dir = test::reference_dir() / "gait2392-so-jra";
  AnalysisPipelineOptions o;
  o.model = dir / "subject01_simbody_adjusted_StaticOp.osim";
  o.motion = dir / "subject01_walk1_Kinematics.sto";
  o.external_loads = dir / "foot_floor_loads.xml";
  o.reserves = dir / "gait2392_SO_weak_Residual_Actuators.xml";
  o.output_dir = scratch.path();
  o.step = 50;
  o.threads.threads = 2;
  const RunToolReport r = run_analysis_pipeline(o);
  ASSERT_GT(r.frames, 10);
  const io::Table lumbar = io::read_storage(scratch.path() / "subject01_lumbar_loads.sto");
  const io::Table jr = io::read_storage(scratch.path() / "subject01_JointReaction_ReactionLoads.sto");
  const io::Table forces = io::read_storage(scratch.path() / "subject01_StaticOptimization_force.sto");
  const int comp = lumbar.find_column("L5S1_compression");
  const int ap = lumbar.find_column("L5S1_shear_anterior");
  const int fx = jr.find_column("back_on_torso_in_torso_fx"), fy = jr.find_column("back_on_torso_in_torso_fy");
  ASSERT_GE(comp, 0);
  ASSERT_GE(fy, 0);

  ModelSpec spec = io::read_osim(o.model);
  io::append_force_set_file(o.reserves, spec);
  const Model model = compile_model(spec);
  const ExternalForces ext =
      io::bind_external_loads(model, io::read_external_loads(o.external_loads), o.external_loads.string());
  const StatesTable states = states_from_coordinates(model, io::read_storage(o.motion), o.motion.string());
  const int torso = model.find_body("torso"), pelvis = model.find_body("pelvis");
  Data data(model);
  Eigen::VectorXd mobility(model.nq());
  auto com = [&](int row, int body) {
    calc_forward_kinematics(model, data, states.q.row(row).transpose());
    return Vec3(data.X_GB[body].apply(model.bodies[body].mass_center));
  };
  double worst_top = 0, worst_bottom = 0;
  for (std::size_t k = 0; k < lumbar.time.size(); ++k) {
    // Compression is the reaction's component along the torso's y axis; the anterior shear is the
    // torso's load on the pelvis along x, the opposite of the reaction's x component.
    EXPECT_EQ(lumbar.data(k, comp), jr.data(k, fy));
    EXPECT_EQ(lumbar.data(k, ap), -jr.data(k, fx));
    int row = 0;
    while (states.time[row] < lumbar.time[k] - 1e-9) ++row;
    if (row == 0 || row + 1 >= static_cast<int>(states.time.size())) continue;
    const double h = states.time[row + 1] - states.time[row];
    // Reaction on the torso in Ground.
    const Eigen::VectorXd q = states.q.row(row).transpose();
    calc_forward_kinematics(model, data, q);
    const Vec3 F_back = data.X_GB[torso].R * Vec3(jr.data(k, fx), jr.data(k, fy), jr.data(k, jr.find_column("back_on_torso_in_torso_fz")));
    // Muscle pulls and residual forces at this frame, applied as the engine applies them.
    clear_applied_loads(data);
    mobility.setZero();
    for (int m = 0; m < static_cast<int>(model.muscles.size()); ++m)
      apply_path_tension(model, data, q, m, forces.data(k, forces.find_column(model.muscles[m].name)), mobility);
    const Vec3 muscles_on_torso = data.applied_force[torso];
    Vec3 lower_applied = Vec3::Zero();  // everything applied below the back joint
    for (int b = 1; b < static_cast<int>(model.bodies.size()); ++b)
      if (b != torso) lower_applied += data.applied_force[b];
    clear_applied_loads(data);
    ext.apply(model, data, states.time[row]);
    for (int b = 1; b < static_cast<int>(model.bodies.size()); ++b) lower_applied += data.applied_force[b];
    for (const char* name : {"FX", "FY", "FZ"}) {
      const Actuator& a = model.actuators[static_cast<std::size_t>(std::find_if(model.actuators.begin(), model.actuators.end(), [&](const Actuator& x) { return x.name == name; }) - model.actuators.begin())];
      EXPECT_EQ(a.body, pelvis);
      lower_applied += forces.data(k, forces.find_column(name)) * a.direction;  // force_is_global
    }
    // Top: m_t (a_t − g) = F_back + muscles on torso. Bottom: Σ m (a − g) = applied − F_back.
    Vec3 top = Vec3::Zero(), bottom = Vec3::Zero();
    for (int b = 1; b < static_cast<int>(model.bodies.size()); ++b) {
      const Vec3 a = (com(row + 1, b) - 2.0 * com(row, b) + com(row - 1, b)) / (h * h);
      const Vec3 inertial = model.bodies[b].mass * (a - model.gravity);
      (b == torso ? top : bottom) += inertial;
    }
    worst_top = std::max(worst_top, (top - F_back - muscles_on_torso).norm());
    worst_bottom = std::max(worst_bottom, (bottom - lower_applied + F_back).norm());
  }
  // The bound: within 1 N (finite-difference accelerations over 1 ms carry ~0.01 N of error here).
  EXPECT_LT(worst_top, 1.0);
  EXPECT_LT(worst_bottom, 1.0);
  std::printf("equilibrium at the back joint: torso side %.3g N, lower-body side %.3g N\n", worst_top, worst_bottom);
}

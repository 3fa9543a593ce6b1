// The per-frame dynamics pipeline (external loads, static optimization, path and actuator loads,
// forward dynamics, reactions) allocates nothing once warm, and trajectory results do not depend
// on the number of threads.
#include <gtest/gtest.h>

#include "dynamics/external_forces.hpp"
#include "dynamics/forward_dynamics.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "dynamics/joint_reactions.hpp"
#include "io/external_loads.hpp"
#include "io/osim_reader.hpp"
#include "io/storage.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "muscles/path_forces.hpp"
#include "support/allocation_counter.hpp"
#include "support/reference.hpp"
#include "tools/analyze_dynamics.hpp"
#include "tools/coordinate_states.hpp"
#include "tools/trajectory_analyses.hpp"

namespace fs = std::filesystem;
using namespace weaklink;

namespace {

struct Gait {
  Model model;
  ExternalForces ext;
  MotionFrames motion;
};

Gait load_gait(int step) {
  const fs::path dir = test::reference_dir() / "gait2392-so-jra";
  ModelSpec spec = io::read_osim(dir / "subject01_simbody_adjusted_StaticOp.osim");
  io::append_force_set_file(dir / "gait2392_SO_weak_Residual_Actuators.xml", spec);
  Gait g{compile_model(spec), {}, {}};
  g.ext = io::bind_external_loads(g.model, io::read_external_loads(dir / "foot_floor_loads.xml"), "grf");
  const StatesTable s = states_from_coordinates(g.model, io::read_storage(dir / "subject01_walk1_Kinematics.sto"), "q");
  const Eigen::MatrixXd acc = spline_accelerations(s);
  std::vector<int> rows;
  for (int i = 0; i < static_cast<int>(s.time.size()); i += step) rows.push_back(i);
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size());
  g.motion.q.resize(n, g.model.nq());
  g.motion.u.resize(n, g.model.nq());
  g.motion.qddot.resize(n, g.model.nq());
  for (Eigen::Index k = 0; k < n; ++k) {
    g.motion.time.push_back(s.time[rows[k]]);
    g.motion.q.row(k) = s.q.row(rows[k]);
    g.motion.u.row(k) = s.qdot.row(rows[k]);
    g.motion.qddot.row(k) = acc.row(rows[k]);
  }
  return g;
}

}  // namespace

TEST(NoAllocation, StaticOptimizationAndJointReactionFrames) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Gait g = load_gait(25);
  const Model& model = g.model;
  Data data(model);
  StaticOptimization so(model, StaticOptimizationOptions{});
  ForwardDynamics fd(model);
  const int nq = model.nq(), na = static_cast<int>(so.actuators().size());
  Eigen::VectorXd q(nq), u(nq), a(nq), x(na), f(na), mobility(nq), qdd(nq), tau(nq);
  std::vector<ExternalForceSample> samples(static_cast<std::size_t>(g.ext.size()));
  auto frame = [&](Eigen::Index k) {
    q = g.motion.q.row(k).transpose();
    u = g.motion.u.row(k).transpose();
    a = g.motion.qddot.row(k).transpose();
    calc_forward_kinematics(model, data, q);
    clear_applied_loads(data);
    g.ext.apply(model, data, g.motion.time[static_cast<std::size_t>(k)], samples.data());
    const StaticOptimizationFrame r = so.solve(model, data, {.q = q, .u = u, .qddot_target = a}, x, f);
    EXPECT_TRUE(r.feasible);
    clear_applied_loads(data);
    mobility.setZero();
    g.ext.apply(model, data, g.motion.time[static_cast<std::size_t>(k)]);
    apply_actuator_forces(model, data, q, so.actuators(), f.transpose(), mobility);
    calc_joint_reactions(model, data, fd, q, u, mobility, qdd, tau);
    // SO's forces reproduce the target accelerations of the free coordinates in forward dynamics.
    for (int c : fd.free()) EXPECT_NEAR(qdd[c], a[c], 1e-6 * (1 + std::abs(a[c])));
  };
  frame(0);  // warm: first touches of lazily sized workspaces
  const std::size_t before = test::allocations_on_this_thread();
  for (Eigen::Index k = 1; k < static_cast<Eigen::Index>(g.motion.time.size()); ++k) frame(k);
  EXPECT_EQ(test::allocations_on_this_thread() - before, 0u);
}

TEST(Threads, TrajectoryResultsDoNotDependOnThreadCount) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Gait g = load_gait(7);
  const auto requests = reaction_requests(g.model, {"back", "hip_r", "knee_r"}, {"child"}, {"child"}, "test", "test");
  Eigen::MatrixXd forces[3], loads[3];
  for (int t : {1, 2, 3}) {
    ThreadOptions opt;
    opt.threads = t;
    opt.chunk_frames = 8;
    const auto so = run_static_optimization(g.model, g.motion, &g.ext, StaticOptimizationOptions{}, opt);
    forces[t - 1] = so.forces;
    loads[t - 1] = run_joint_reactions(g.model, g.motion, &g.ext, so.actuators, so.forces, requests, opt);
  }
  // Chunks are fixed and start cold, so the arithmetic is the same whatever thread runs them.
  for (int t = 1; t < 3; ++t) {
    EXPECT_EQ((forces[t] - forces[0]).cwiseAbs().maxCoeff(), 0.0);
    EXPECT_EQ((loads[t] - loads[0]).cwiseAbs().maxCoeff(), 0.0);
  }
}

TEST(StaticOptimizationGuards, UnbalancedFramesAreReportedWithTheirCoordinate) {
  WEAKLINK_REQUIRE_REFERENCE();
  // Without the residual actuators nothing can produce the pelvis' six residual loads that the
  // measured ground reactions leave: every frame is infeasible, and must say so.
  const fs::path dir = test::reference_dir() / "gait2392-so-jra";
  const Model model = compile_model(io::read_osim(dir / "subject01_simbody_adjusted_StaticOp.osim"));
  const Gait g = load_gait(150);
  const ExternalForces ext =
      io::bind_external_loads(model, io::read_external_loads(dir / "foot_floor_loads.xml"), "grf");
  ThreadOptions one;
  one.threads = 1;
  const auto so = run_static_optimization(model, g.motion, &ext, StaticOptimizationOptions{}, one);
  ASSERT_FALSE(so.frames.empty());
  for (std::size_t k = 0; k < so.frames.size(); ++k) {
    const auto& f = so.frames[k];
    EXPECT_FALSE(f.feasible) << "t=" << g.motion.time[k];
    EXPECT_EQ(f.status, QpStatus::Infeasible);
    EXPECT_GT(f.max_residual, 1.0);
    ASSERT_GE(f.worst_coordinate, 0);
    EXPECT_EQ(model.coordinates[f.worst_coordinate].name.rfind("pelvis_", 0), 0u) << model.coordinates[f.worst_coordinate].name;
    // The compromise stays within the bounds and finite.
    for (Eigen::Index j = 0; j < so.controls.cols(); ++j) {
      EXPECT_TRUE(std::isfinite(so.controls(static_cast<Eigen::Index>(k), j)));
      EXPECT_GE(so.controls(static_cast<Eigen::Index>(k), j), 0.01 - 1e-12);
      EXPECT_LE(so.controls(static_cast<Eigen::Index>(k), j), 1.0 + 1e-12);
    }
  }
  // With the residuals, the same frames balance (reported feasible, no reserve above its bound).
  const auto ok = run_static_optimization(g.model, g.motion, &g.ext, StaticOptimizationOptions{}, one);
  for (const auto& f : ok.frames) EXPECT_TRUE(f.feasible);
}

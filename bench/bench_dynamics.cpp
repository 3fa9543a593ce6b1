// Inverse dynamics of the gait2392 walking trial (73 frames, OpenSim's ID setup inputs) and static
// optimization + joint reactions over the 151 recorded frames of the gait2392-so-jra tutorial
// (docs/performance.md). Inputs read in place from ../shared/opensim-reference; set-up (file
// reading, splines) is outside the timed loop, as OpenSim's per-frame figures are.
#include <filesystem>

#include <benchmark/benchmark.h>

#include "dynamics/external_forces.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "io/external_loads.hpp"
#include "io/osim_reader.hpp"
#include "io/storage.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "tools/analyze_dynamics.hpp"
#include "tools/coordinate_filter.hpp"
#include "tools/coordinate_splines.hpp"
#include "tools/coordinate_states.hpp"
#include "tools/trajectory_analyses.hpp"

namespace fs = std::filesystem;
using namespace weaklink;

namespace {

fs::path reference() { return fs::path(WEAKLINK_SOURCE_DIR).parent_path() / "shared" / "opensim-reference"; }

void BM_InverseDynamicsGait2392Walking(benchmark::State& state) {
  const fs::path dir = reference() / "gait2392-ik-id";
  if (!fs::exists(dir)) {
    state.SkipWithError("reference data not found");
    return;
  }
  const Model model = compile_model(io::read_osim(dir / "OutputReference/subject01_simbody.osim"));
  const ExternalForces ext =
      io::bind_external_loads(model, io::read_external_loads(dir / "subject01_walk1_grf.xml"), "grf");
  const io::Table coords = lowpass_coordinates(io::read_storage(dir / "subject01_walk1_ik.mot"), 6.0, "ik");
  const CoordinateSplines splines(model, coords, "ik");
  std::vector<double> times;  // the 73 output rows of OpenSim's run (0.4–1.6 s)
  for (double t : splines.time())
    if (t >= 0.4 - 1e-3 && t <= 1.6) times.push_back(t);
  Data data(model);
  const int nq = model.nq();
  Eigen::VectorXd q(nq), qd(nq), qdd(nq), tau(nq);
  for (auto _ : state) {
    for (double t : times) {
      splines.eval(t, q, qd, qdd);
      calc_forward_kinematics(model, data, q);
      clear_applied_loads(data);
      ext.apply(model, data, t);
      calc_inverse_dynamics(model, data, q, qd, qdd, tau);
    }
    benchmark::DoNotOptimize(tau.data());
  }
  state.counters["frames"] = static_cast<double>(times.size());
  state.counters["us_per_frame"] = benchmark::Counter(static_cast<double>(times.size()),
                                                      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert,
                                                      benchmark::Counter::kIs1000);
}
BENCHMARK(BM_InverseDynamicsGait2392Walking)->Unit(benchmark::kMicrosecond);

struct SoJrInputs {
  Model model;
  ExternalForces ext;
  MotionFrames motion;
  std::vector<ReactionRequest> requests;
};

std::unique_ptr<SoJrInputs> so_jr_inputs() {
  const fs::path dir = reference() / "gait2392-so-jra";
  if (!fs::exists(dir)) return nullptr;
  ModelSpec spec = io::read_osim(dir / "subject01_simbody_adjusted_StaticOp.osim");
  io::append_force_set_file(dir / "gait2392_SO_weak_Residual_Actuators.xml", spec);
  auto in = std::make_unique<SoJrInputs>(SoJrInputs{compile_model(spec), {}, {}, {}});
  in->ext = io::bind_external_loads(in->model, io::read_external_loads(dir / "foot_floor_loads.xml"), "grf");
  const StatesTable states = states_from_coordinates(in->model, io::read_storage(dir / "subject01_walk1_Kinematics.sto"), "q");
  const Eigen::MatrixXd acc = spline_accelerations(states);
  std::vector<int> rows;  // the tutorial's step_interval 10 over 0.5–1.999 s: 151 frames
  const int n = static_cast<int>(states.time.size());
  for (int i = 0; i < n; ++i)
    if (i == 0 || i == n - 1 || i % 10 == 0) rows.push_back(i);
  const Eigen::Index nr = static_cast<Eigen::Index>(rows.size()), nq = in->model.nq();
  in->motion.q.resize(nr, nq);
  in->motion.u.resize(nr, nq);
  in->motion.qddot.resize(nr, nq);
  for (Eigen::Index k = 0; k < nr; ++k) {
    in->motion.time.push_back(states.time[rows[k]]);
    in->motion.q.row(k) = states.q.row(rows[k]);
    in->motion.u.row(k) = states.qdot.row(rows[k]);
    in->motion.qddot.row(k) = acc.row(rows[k]);
  }
  in->requests = reaction_requests(in->model, {"ground_pelvis", "hip_r", "hip_r"}, {"child", "child", "parent"},
                                   {"ground", "child", "child"}, "bench", "JointReaction");
  return in;
}

void BM_StaticOptimizationAndJointReactionGait2392(benchmark::State& state) {
  static const std::unique_ptr<SoJrInputs> in = so_jr_inputs();
  if (!in) {
    state.SkipWithError("reference data not found");
    return;
  }
  ThreadOptions threads;
  threads.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    const StaticOptimizationTrajectory so = run_static_optimization(in->model, in->motion, &in->ext, StaticOptimizationOptions{}, threads);
    const Eigen::MatrixXd jr = run_joint_reactions(in->model, in->motion, &in->ext, so.actuators, so.forces, in->requests, threads);
    benchmark::DoNotOptimize(jr.data());
  }
  state.counters["frames"] = static_cast<double>(in->motion.time.size());
  state.counters["threads"] = static_cast<double>(threads.threads);
}
BENCHMARK(BM_StaticOptimizationAndJointReactionGait2392)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The two halves separately (one core).
void BM_StaticOptimizationGait2392(benchmark::State& state) {
  static const std::unique_ptr<SoJrInputs> in = so_jr_inputs();
  if (!in) {
    state.SkipWithError("reference data not found");
    return;
  }
  ThreadOptions threads;
  threads.threads = 1;
  for (auto _ : state) {
    const StaticOptimizationTrajectory so = run_static_optimization(in->model, in->motion, &in->ext, StaticOptimizationOptions{}, threads);
    benchmark::DoNotOptimize(so.forces.data());
  }
}
BENCHMARK(BM_StaticOptimizationGait2392)->Unit(benchmark::kMillisecond);

void BM_JointReactionGait2392(benchmark::State& state) {
  static const std::unique_ptr<SoJrInputs> in = so_jr_inputs();
  if (!in) {
    state.SkipWithError("reference data not found");
    return;
  }
  ThreadOptions threads;
  threads.threads = 1;
  const StaticOptimizationTrajectory so = run_static_optimization(in->model, in->motion, &in->ext, StaticOptimizationOptions{}, threads);
  for (auto _ : state) {
    const Eigen::MatrixXd jr = run_joint_reactions(in->model, in->motion, &in->ext, so.actuators, so.forces, in->requests, threads);
    benchmark::DoNotOptimize(jr.data());
  }
}
BENCHMARK(BM_JointReactionGait2392)->Unit(benchmark::kMillisecond);

}  // namespace

// Inverse kinematics per frame (docs/performance.md; goal ≤ 40 µs per frame for gait2392 on one
// core, OpenSim 4.5 ≈ 3.9 ms). The frame loop is run_inverse_kinematics()'s: the first frame of the
// trial from the default pose, then warm starts extrapolated from the two previous solutions;
// each benchmark iteration solves one frame, cycling through the trial. Set-up (reading files,
// building the problem) is outside the timed loop, as in OpenSim's per-frame figure.
//  - Gait2392: OpenSim's gait2392 walking trial with the tutorial's IK setup (opensim45/g2392_ik:
//    31 weighted markers, 4 coordinate tasks, 121 frames).
//  - Rajagopal2023: no marker trial ships with the reference data, so a synthetic one: a smooth
//    motion through the coordinate ranges, every model marker observed with ±5 mm deterministic
//    noise, 200 frames at 100 Hz (couplers, locked and clamped coordinates all active).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <vector>

#include <benchmark/benchmark.h>

#include "io/osim_reader.hpp"
#include "io/trc.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "kinematics/inverse_kinematics.hpp"
#include "tools/inverse_kinematics_tool.hpp"

namespace fs = std::filesystem;
using namespace weaklink;

namespace {

fs::path reference() { return fs::path(WEAKLINK_SOURCE_DIR).parent_path() / "shared" / "opensim-reference"; }

struct Trial {
  std::vector<IKMarkerGoal> markers;
  std::vector<IKCoordinateGoal> coordinates;
  std::vector<double> targets;   // per coordinate goal (constant)
  std::vector<double> observed;  // frames × 3 per marker goal, metres
  int frames = 0;
};

void run_frames(benchmark::State& state, const Model& model, const Trial& trial) {
  const IKProblem problem(model, trial.markers, trial.coordinates);
  IKWorkspace ws(problem);
  const int nq = model.nq();
  const std::size_t stride = 3 * trial.markers.size();
  Eigen::VectorXd q = model.default_q(), q1 = q, q2 = q;
  int i = 0, iterations = 0, solved = 0;
  for (auto _ : state) {
    if (i == 0) q = model.default_q();
    else if (i >= 2) q = 2.0 * q1 - q2;
    const IKFrameStatus s = solve_ik_frame(ws, trial.observed.data() + i * stride,
                                           trial.targets.empty() ? nullptr : trial.targets.data(), q);
    benchmark::DoNotOptimize(q.data());
    iterations += s.iterations;
    ++solved;
    q2 = q1;
    q1 = q;
    i = (i + 1) % trial.frames;
  }
  state.counters["coordinates"] = nq;
  state.counters["markers"] = static_cast<double>(trial.markers.size());
  state.counters["iterations"] = solved ? static_cast<double>(iterations) / solved : 0.0;
}

void BM_InverseKinematicsPerFrame_Gait2392Walking(benchmark::State& state) {
  const fs::path setup_file = reference() / "opensim45/g2392_ik/subject01_Setup_IK.xml";
  if (!fs::exists(setup_file)) {
    state.SkipWithError("reference data not found");
    return;
  }
  const InverseKinematicsSetup setup = read_inverse_kinematics_setup(setup_file);
  const Model model = compile_model(io::read_osim(reference() / "gait2392-ik-id/OutputReference/subject01_simbody.osim"));
  const io::MarkerTable table = io::read_trc(reference() / "gait2392-ik-id/subject01_walk1.trc");
  Trial trial;
  std::vector<int> column;
  for (const auto& t : setup.tasks.markers) {
    if (!t.apply || !(t.weight > 0)) continue;
    const int m = model.find_marker(t.name);
    const auto it = std::find(table.names.begin(), table.names.end(), t.name);
    if (m < 0 || it == table.names.end()) continue;
    trial.markers.push_back({m, t.weight});
    column.push_back(static_cast<int>(it - table.names.begin()));
  }
  for (const auto& t : setup.tasks.coordinates) {
    if (!t.apply || !(t.weight > 0)) continue;
    const int c = model.find_coordinate(t.name);
    trial.coordinates.push_back({c, t.weight});
    trial.targets.push_back(t.value_type == IKValueType::ManualValue ? t.value : model.coordinates[c].default_value);
  }
  for (std::size_t r = 0; r < table.time.size(); ++r) {
    if (table.time[r] < setup.time_start - 1e-9 || table.time[r] > setup.time_end + 1e-9) continue;
    for (int k : column)
      for (int a = 0; a < 3; ++a) trial.observed.push_back(table.xyz(static_cast<Eigen::Index>(r), 3 * k + a) * table.to_meters);
    ++trial.frames;
  }
  run_frames(state, model, trial);
}

void BM_InverseKinematicsPerFrame_Rajagopal2023Synthetic(benchmark::State& state) {
  const fs::path model_file = reference() / "models/RajagopalLaiUhlrich2023.osim";
  if (!fs::exists(model_file)) {
    state.SkipWithError("reference model not found");
    return;
  }
  const Model model = compile_model(io::read_osim(model_file));
  Trial trial;
  for (int m = 0; m < static_cast<int>(model.markers.size()); ++m) trial.markers.push_back({m, 1.0});
  trial.frames = 200;
  Data data(model);
  for (int i = 0; i < trial.frames; ++i) {
    Eigen::VectorXd q = model.default_q();
    const double t = i / 100.0;
    for (int c = 0; c < model.nq(); ++c) {
      const Coordinate& co = model.coordinates[c];
      if (co.locked || co.coupler >= 0) continue;
      const double lo = std::max(co.range_min, -1.5), hi = std::min(co.range_max, 1.5);
      q[c] = lo + (hi - lo) * (0.5 + 0.3 * std::sin(2 * std::numbers::pi * 0.8 * t + 0.7 * c));
    }
    apply_couplers(model, q);
    calc_forward_kinematics(model, data, q);
    calc_marker_positions(model, data);
    for (std::size_t m = 0; m < model.markers.size(); ++m)
      for (int a = 0; a < 3; ++a)
        trial.observed.push_back(data.marker_G[m][a] + 0.005 * std::sin(12.9898 * (i + 1) + 78.233 * (3 * m + a)));
  }
  run_frames(state, model, trial);
}

}  // namespace

BENCHMARK(BM_InverseKinematicsPerFrame_Gait2392Walking)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InverseKinematicsPerFrame_Rajagopal2023Synthetic)->Unit(benchmark::kMicrosecond);

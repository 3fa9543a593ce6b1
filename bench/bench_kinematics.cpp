// Per-frame cost of forward kinematics + every muscle's length and moment arms (one core).
// Reads OpenSim's models in place from ../shared/opensim-reference; skips a model that is absent.
#include <filesystem>

#include <benchmark/benchmark.h>

#include "io/osim_reader.hpp"
#include "io/storage.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "model/data.hpp"
#include "muscles/path_geometry.hpp"
#include "tools/coordinate_states.hpp"

namespace fs = std::filesystem;
using namespace weaklink;

namespace {

fs::path reference() { return fs::path(WEAKLINK_SOURCE_DIR).parent_path() / "shared" / "opensim-reference"; }

// Frames: the gait2392 walking trial where the model has it, else a sweep of valid poses.
Eigen::MatrixXd frames_for(const Model& model, const fs::path& motion) {
  if (!motion.empty() && fs::exists(motion))
    return states_from_coordinates(model, io::read_storage(motion), motion.string()).q;
  Eigen::MatrixXd q(200, model.nq());
  for (int i = 0; i < 200; ++i) {
    Eigen::VectorXd row = model.default_q();
    for (int c = 0; c < model.nq(); ++c) {
      const auto& co = model.coordinates[c];
      if (co.coupler < 0 && co.range_max - co.range_min < 7)
        row[c] = co.range_min + (co.range_max - co.range_min) * (0.5 + 0.3 * std::sin(0.05 * i + c));
    }
    apply_couplers(model, row);
    q.row(i) = row.transpose();
  }
  return q;
}

void run(benchmark::State& state, const fs::path& model_file, const fs::path& motion) {
  if (!fs::exists(model_file)) {
    state.SkipWithError("reference model not found");
    return;
  }
  const Model model = compile_model(io::read_osim(model_file));
  Data data(model);
  const Eigen::MatrixXd frames = frames_for(model, motion);
  Eigen::VectorXd q(model.nq());
  Eigen::Index i = 0;
  for (auto _ : state) {
    q = frames.row(i).transpose();
    calc_forward_kinematics(model, data, q);
    calc_path_geometry(model, data, q);
    benchmark::DoNotOptimize(data.moment_arm.data());
    i = (i + 1) % frames.rows();
  }
  state.counters["muscles"] = static_cast<double>(model.muscles.size());
  state.counters["coordinates"] = model.nq();
}

void BM_KinematicsAndMuscleGeometry_Gait2392(benchmark::State& s) {
  run(s, reference() / "gait2392-so-jra/subject01_simbody_adjusted_StaticOp.osim",
      reference() / "gait2392-so-jra/subject01_walk1_Kinematics.sto");
}
void BM_KinematicsAndMuscleGeometry_Rajagopal2023(benchmark::State& s) {
  run(s, reference() / "models/RajagopalLaiUhlrich2023.osim", {});
}
void BM_KinematicsAndMuscleGeometry_DemoLeg(benchmark::State& s) {
  run(s, fs::path(WEAKLINK_SOURCE_DIR) / "data/models/weaklink_demo_leg.osim", {});
}

}  // namespace

BENCHMARK(BM_KinematicsAndMuscleGeometry_Gait2392)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_KinematicsAndMuscleGeometry_Rajagopal2023)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_KinematicsAndMuscleGeometry_DemoLeg)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();

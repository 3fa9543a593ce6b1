// Building the generic model for a person (tables parsed once, then segments, muscles, wraps,
// the tendon-slack sweep over the ranges of motion) and compiling it; fitting one strength test on
// the compiled model (isometric-torque evaluations, no recompile). The assessment builds one model
// per client, so this is per-client setup cost, not a per-frame cost.
#include <benchmark/benchmark.h>

#include "chain/client/strength_profile.hpp"
#include "generic_model/generic_model.hpp"
#include <cmath>
#include <vector>

#include "kinematics/forward_kinematics.hpp"
#include "model/model.hpp"
#include "muscles/path_geometry.hpp"

namespace {

weaklink::Person person() {
  weaklink::Person p;
  p.height_m = 1.72;
  p.mass_kg = 70;
  p.sex = weaklink::Sex::Female;
  p.age_years = 40;
  return p;
}

void BM_BuildGenericModel(benchmark::State& state) {
  (void)weaklink::GenericTables::builtin();  // parsed once per process
  for (auto _ : state) {
    const weaklink::ModelSpec spec = weaklink::build_generic_model(person());
    benchmark::DoNotOptimize(spec.muscles.data());
  }
}
BENCHMARK(BM_BuildGenericModel)->Unit(benchmark::kMillisecond);

void BM_CompileGenericModel(benchmark::State& state) {
  const weaklink::ModelSpec spec = weaklink::build_generic_model(person());
  for (auto _ : state) {
    const weaklink::Model m = weaklink::compile_model(spec);
    benchmark::DoNotOptimize(m.muscles.data());
  }
}
BENCHMARK(BM_CompileGenericModel)->Unit(benchmark::kMillisecond);

// One strength test fitted on a compiled model (the model is compiled once, outside the loop).
void BM_FitStrengthTest(benchmark::State& state) {
  const weaklink::Model model = weaklink::compile_model(weaklink::build_generic_model(person()));
  const auto profile = weaklink::parse_strength_profile(
      R"({"tests": [{"measure": "hip_external_rotation", "side": "right", "torque_Nm": 25}]})", "bench.json");
  for (auto _ : state) {
    const auto fitted = weaklink::fit_strength_profile(model, person(), profile, weaklink::GenericTables::builtin());
    benchmark::DoNotOptimize(fitted.strength.max_isometric_force.data());
  }
}
BENCHMARK(BM_FitStrengthTest)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// Per frame on the generic model: forward kinematics + every muscle's length and moment arms
// (124 muscles, 2 wrap cylinders per side), over 200 poses across the coordinate ranges.
void BM_GenericModelKinematicsAndGeometry(benchmark::State& state) {
  const weaklink::Model m = weaklink::compile_model(weaklink::build_generic_model(person()));
  weaklink::Data d(m);
  std::vector<Eigen::VectorXd> poses;
  for (int k = 0; k < 200; ++k) {
    Eigen::VectorXd q(m.coordinates.size());
    for (std::size_t c = 0; c < m.coordinates.size(); ++c) {
      const auto& co = m.coordinates[c];
      const double u = 0.5 + 0.45 * std::sin(1.7 * k + 0.9 * static_cast<double>(c));  // deterministic spread
      q[static_cast<Eigen::Index>(c)] = co.motion_type == weaklink::MotionType::Rotational ? co.range_min + u * (co.range_max - co.range_min)
                                                                                           : co.default_value;
    }
    poses.push_back(q);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& q = poses[i++ % poses.size()];
    weaklink::calc_forward_kinematics(m, d, q);
    weaklink::calc_path_geometry(m, d, q);
    benchmark::DoNotOptimize(d.moment_arm.data());
  }
}
BENCHMARK(BM_GenericModelKinematicsAndGeometry)->Unit(benchmark::kMicrosecond);

}  // namespace

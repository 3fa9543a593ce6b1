// Per-frame cost of the static-optimization QP (QpActiveSet) on synthetic, slowly varying problems
// shaped like gait2392 (23 coordinates × 98 actuators) and a large model (40 × 400): warm-started
// from the previous frame, cold-started, and with b out of reach (least-squares compromise).
// (main() is in bench_kinematics.cpp: all bench sources build one executable.)
#include <cmath>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "solvers/qp_active_set.hpp"

using namespace weaklink;

namespace {

struct Frame {
  Eigen::MatrixXd A;
  Eigen::VectorXd b;
};

struct Sequence {
  std::vector<Frame> frames;
  Eigen::VectorXd lb, ub, w;
};

// Each actuator spans a few neighbouring coordinates; moment arms and demanded torques drift
// smoothly over 200 frames; demand 1.1× a within-bounds activation pattern (some saturate).
Sequence make_sequence(int m, int n, double demand) {
  std::mt19937 rng(7);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  Eigen::MatrixXd A0 = Eigen::MatrixXd::Zero(m, n), dA = Eigen::MatrixXd::Zero(m, n);
  for (int j = 0; j < n; ++j) {
    const int first = static_cast<int>(uni(rng) * m) % m, span = 1 + static_cast<int>(uni(rng) * 4);
    for (int k = 0; k < span; ++k) {
      A0((first + k) % m, j) = normal(rng) * (0.2 + uni(rng));
      dA((first + k) % m, j) = normal(rng);
    }
  }
  Sequence s;
  s.lb = Eigen::VectorXd::Zero(n);
  s.ub = Eigen::VectorXd::Ones(n);
  s.w = Eigen::VectorXd::NullaryExpr(n, [&] { return 0.5 + 1.5 * uni(rng); });
  const Eigen::VectorXd phase = Eigen::VectorXd::NullaryExpr(n, [&] { return 6.28 * uni(rng); });
  for (int f = 0; f < 200; ++f) {
    Frame fr;
    fr.A = A0 + 0.05 * std::sin(0.05 * f) * dA;
    const Eigen::VectorXd x = (0.5 + 0.5 * (0.04 * f + phase.array()).sin()).matrix();
    fr.b = demand * (fr.A * x);
    s.frames.push_back(std::move(fr));
  }
  return s;
}

void run(benchmark::State& state, int m, int n, double demand, bool warm) {
  const Sequence s = make_sequence(m, n, demand);
  QpActiveSet solver(m, n);
  Eigen::VectorXd x(n);
  std::size_t i = 0;
  long iterations = 0, solves = 0, optimal = 0;
  for (auto _ : state) {
    const Frame& f = s.frames[i];
    if (!warm) solver.reset_active_set();
    const QpResult r = solver.solve(f.A, f.b, s.lb, s.ub, s.w, x);
    benchmark::DoNotOptimize(x.data());
    iterations += r.iterations;
    optimal += r.status == QpStatus::Optimal;
    ++solves;
    i = (i + 1) % s.frames.size();
  }
  state.counters["newton_steps"] = static_cast<double>(iterations) / static_cast<double>(solves);
  state.counters["optimal_share"] = static_cast<double>(optimal) / static_cast<double>(solves);
}

void BM_Qp_23x98_Warm(benchmark::State& s) { run(s, 23, 98, 1.1, true); }
void BM_Qp_23x98_Cold(benchmark::State& s) { run(s, 23, 98, 1.1, false); }
void BM_Qp_23x98_Infeasible(benchmark::State& s) { run(s, 23, 98, 2.5, true); }
void BM_Qp_40x400_Warm(benchmark::State& s) { run(s, 40, 400, 1.1, true); }

}  // namespace

BENCHMARK(BM_Qp_23x98_Warm)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Qp_23x98_Cold)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Qp_23x98_Infeasible)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Qp_40x400_Warm)->Unit(benchmark::kMicrosecond);

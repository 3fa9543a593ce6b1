// QpActiveSet: KKT conditions on random static-optimization-sized problems, a brute-force
// reference on small ones, warm = cold starts, the least-squares compromise when infeasible,
// rank-deficient A, infinite bounds and no allocation on a warm call.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include <Eigen/Dense>

#include "solvers/qp_active_set.hpp"
#include "support/allocation_counter.hpp"

using namespace weaklink;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Qp {
  MatrixXd A;
  VectorXd b, lb, ub, w;
};

// Static-optimization-like data: each actuator (column) spans a few coordinates (rows), activation
// bounds [0, 1], a few reserve-like actuators with looser or infinite bounds, weights near 1.
// b = A x_true with x_true inside the bounds (feasible), many x_true near an upper bound so that
// some bounds are active at the optimum.
Qp random_qp(int m, int n, unsigned seed, double demand = 0.8) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  Qp q;
  q.A = MatrixXd::Zero(m, n);
  for (int j = 0; j < n; ++j) {
    const int first = static_cast<int>(uni(rng) * m) % m;
    const int span = 1 + static_cast<int>(uni(rng) * 4);
    for (int k = 0; k < span; ++k) q.A((first + k) % m, j) = normal(rng) * (0.2 + uni(rng));
  }
  q.lb = VectorXd::Zero(n);
  q.ub = VectorXd::Ones(n);
  q.w = VectorXd::NullaryExpr(n, [&] { return 0.5 + 1.5 * uni(rng); });
  VectorXd x_true(n);
  for (int j = 0; j < n; ++j) x_true[j] = uni(rng) < 0.3 ? 1.0 : demand * uni(rng);
  q.b = q.A * x_true;
  return q;
}

double scale_of(const Qp& q, const VectorXd& x) {
  return std::max(q.b.lpNorm<Eigen::Infinity>(), (q.A.cwiseAbs() * x.cwiseAbs()).maxCoeff());
}

// KKT of min ½Σwx² s.t. Ax = b, lb ≤ x ≤ ub, checked directly from x and λ:
// z = w∘x − Aᵀλ must be 0 on free variables, ≥ 0 at a lower bound, ≤ 0 at an upper bound.
void expect_kkt(const Qp& q, const VectorXd& x, const VectorXd& lambda, double tol, const std::string& what) {
  const double scale = scale_of(q, x);
  EXPECT_LE((q.A * x - q.b).lpNorm<Eigen::Infinity>(), tol * scale) << what << ": primal feasibility";
  const VectorXd z = q.w.cwiseProduct(x) - q.A.transpose() * lambda;
  const VectorXd zscale = q.w.cwiseProduct(x.cwiseAbs()) + q.A.cwiseAbs().transpose() * lambda.cwiseAbs();
  for (int j = 0; j < x.size(); ++j) {
    ASSERT_TRUE(x[j] >= q.lb[j] && x[j] <= q.ub[j]) << what << ": x[" << j << "] outside its bounds";
    const double zt = tol * std::max(zscale[j], 1e-300);
    if (x[j] > q.lb[j] && x[j] < q.ub[j]) {
      EXPECT_LE(std::abs(z[j]), zt) << what << ": stationarity at free " << j;
    } else if (x[j] == q.lb[j] && q.lb[j] < q.ub[j]) {
      EXPECT_GE(z[j], -zt) << what << ": sign at lower bound " << j;
    } else if (x[j] == q.ub[j] && q.lb[j] < q.ub[j]) {
      EXPECT_LE(z[j], zt) << what << ": sign at upper bound " << j;
    }
  }
}

// Independent reference for small n: every assignment of each variable to {lower, free, upper}
// gives x_F = W_F^-1/2 (A_F W_F^-1/2)⁺ (b − A_N x_N) (minimum-norm least squares by complete
// orthogonal decomposition). Among those inside the bounds, the lexicographic minimum of
// (|Ax − b|², ½Σwx²) is the answer: the QP solution when feasible, the least-squares compromise
// otherwise (the compromise is one of these candidates, and every candidate is within the box).
VectorXd brute_force(const Qp& q) {
  const int m = static_cast<int>(q.A.rows()), n = static_cast<int>(q.A.cols());
  int total = 1;
  for (int j = 0; j < n; ++j) total *= 3;
  VectorXd best;
  double best_r2 = kInf, best_obj = kInf;
  for (int code = 0; code < total; ++code) {
    VectorXd x = VectorXd::Zero(n);
    std::vector<int> free;
    bool ok = true;
    for (int j = 0, c = code; j < n; ++j, c /= 3) {
      const int s = c % 3;
      if (s == 0) free.push_back(j);
      else if (s == 1) ok = ok && q.lb[j] > -kInf, x[j] = q.lb[j];
      else ok = ok && q.ub[j] < kInf && q.ub[j] > q.lb[j], x[j] = q.ub[j];
    }
    if (!ok) continue;
    VectorXd rhs = q.b - q.A * x;
    if (!free.empty()) {
      MatrixXd B(m, free.size());
      for (std::size_t k = 0; k < free.size(); ++k) B.col(k) = q.A.col(free[k]) / std::sqrt(q.w[free[k]]);
      Eigen::CompleteOrthogonalDecomposition<MatrixXd> cod(B);
      cod.setThreshold(1e-12);
      const VectorXd xh = cod.solve(rhs);
      for (std::size_t k = 0; k < free.size(); ++k) x[free[k]] = xh[k] / std::sqrt(q.w[free[k]]);
    }
    const double xtol = 1e-10 * (1 + x.lpNorm<Eigen::Infinity>());
    for (int j = 0; j < n; ++j) ok = ok && x[j] >= q.lb[j] - xtol && x[j] <= q.ub[j] + xtol;
    if (!ok) continue;
    x = x.cwiseMax(q.lb).cwiseMin(q.ub);
    const double r2 = (q.A * x - q.b).squaredNorm(), obj = 0.5 * x.cwiseAbs2().dot(q.w);
    const double tie = 1e-9 * best_r2 + 1e-24 * std::pow(scale_of(q, x), 2);
    if (r2 < best_r2 - tie || (r2 <= best_r2 + tie && obj < best_obj)) {
      best = x;
      best_r2 = r2;
      best_obj = obj;
    }
  }
  return best;
}

QpResult solve(QpActiveSet& solver, const Qp& q, VectorXd& x) {
  x.resize(q.A.cols());
  return solver.solve(q.A, q.b, q.lb, q.ub, q.w, x);
}

}  // namespace

TEST(QpActiveSet, RandomFeasibleProblemsSatisfyKkt) {
  int active_total = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    const int m = seed % 2 ? 23 : 40, n = seed % 2 ? 98 : 400;
    const Qp q = random_qp(m, n, seed);
    QpActiveSet solver(m, n);
    VectorXd x;
    const QpResult res = solve(solver, q, x);
    const std::string what = "seed " + std::to_string(seed);
    ASSERT_EQ(res.status, QpStatus::Optimal) << what;
    EXPECT_GE(res.iterations, 1);
    expect_kkt(q, x, solver.equality_multipliers(), 1e-9, what);
    EXPECT_LE(res.max_equality_residual, 1e-10 * scale_of(q, x)) << what;
    for (int j = 0; j < n; ++j) active_total += x[j] == q.lb[j] || x[j] == q.ub[j];
    // The reported bound multipliers are those of the KKT conditions.
    const VectorXd z = q.w.cwiseProduct(x) - q.A.transpose() * solver.equality_multipliers();
    EXPECT_LE((z - solver.bound_multipliers()).lpNorm<Eigen::Infinity>(), 1e-12 * (1 + z.lpNorm<Eigen::Infinity>()));
  }
  EXPECT_GT(active_total, 100) << "the test problems should exercise the bounds";
}

TEST(QpActiveSet, MatchesBruteForceOnSmallProblems) {
  int compared = 0;
  for (unsigned seed = 100; seed < 160; ++seed) {
    const int m = 2 + seed % 3, n = 5 + seed % 4;
    Qp q = random_qp(m, n, seed, 1.0);
    if (seed % 5 == 0) q.lb[0] = -kInf;  // a reserve actuator
    if (seed % 7 == 0) q.ub[1] = kInf;
    const VectorXd ref = brute_force(q);
    ASSERT_GT(ref.size(), 0);
    QpActiveSet solver(m, n);
    VectorXd x;
    const QpResult res = solve(solver, q, x);
    ASSERT_EQ(res.status, QpStatus::Optimal) << "seed " << seed;
    EXPECT_LE((x - ref).lpNorm<Eigen::Infinity>(), 1e-9 * (1 + ref.lpNorm<Eigen::Infinity>())) << "seed " << seed;
    ++compared;
  }
  EXPECT_EQ(compared, 60);
}

TEST(QpActiveSet, InfeasibleSmallProblemsMatchBruteForceCompromise) {
  for (unsigned seed = 200; seed < 240; ++seed) {
    const int m = 2 + seed % 3, n = 4 + seed % 4;
    Qp q = random_qp(m, n, seed);
    q.b *= 3.0 + seed % 5;  // beyond what the bounds allow
    if (seed % 4 == 0) q.lb[n - 1] = -kInf;
    const VectorXd ref = brute_force(q);
    QpActiveSet solver(m, n);
    VectorXd x;
    const QpResult res = solve(solver, q, x);
    const double ref_r2 = (q.A * ref - q.b).squaredNorm();
    if (ref_r2 > 1e-12 * q.b.squaredNorm()) {
      EXPECT_EQ(res.status, QpStatus::Infeasible) << "seed " << seed;
    }
    EXPECT_LE((x - ref).lpNorm<Eigen::Infinity>(), 1e-8 * (1 + ref.lpNorm<Eigen::Infinity>())) << "seed " << seed;
    EXPECT_NEAR((q.A * x - q.b).squaredNorm(), ref_r2, 1e-9 * (1 + ref_r2)) << "seed " << seed;
  }
}

TEST(QpActiveSet, WarmStartMatchesColdStartWithFewerIterations) {
  const int m = 23, n = 98;
  const Qp base = random_qp(m, n, 7);
  std::mt19937 rng(3);
  std::normal_distribution<double> normal;
  const MatrixXd dA = MatrixXd::NullaryExpr(m, n, [&] { return normal(rng); }).cwiseProduct(
      base.A.cwiseAbs().cwiseSign());  // moment arms change, the muscle-coordinate pattern does not
  const VectorXd phase = VectorXd::NullaryExpr(n, [&] { return 6.28 * std::abs(normal(rng)); });
  QpActiveSet warm(m, n), cold(m, n);
  long warm_iterations = 0, cold_iterations = 0;
  double max_diff = 0;
  const int frames = 200;
  for (int f = 0; f < frames; ++f) {
    Qp q = base;
    q.A += 0.05 * std::sin(0.05 * f) * dA;
    VectorXd x_true(n);
    for (int j = 0; j < n; ++j) x_true[j] = 0.5 + 0.5 * std::sin(0.04 * f + phase[j]);
    q.b = q.A * x_true * 1.1;  // demanding enough that some activations saturate
    VectorXd xw, xc;
    const QpResult rw = solve(warm, q, xw);
    cold.reset_active_set();
    const QpResult rc = solve(cold, q, xc);
    ASSERT_EQ(rw.status, QpStatus::Optimal) << "frame " << f;
    ASSERT_EQ(rc.status, QpStatus::Optimal) << "frame " << f;
    expect_kkt(q, xw, warm.equality_multipliers(), 1e-9, "frame " + std::to_string(f));
    max_diff = std::max(max_diff, (xw - xc).lpNorm<Eigen::Infinity>());
    warm_iterations += rw.iterations;
    cold_iterations += rc.iterations;
  }
  EXPECT_LE(max_diff, 1e-12);
  EXPECT_LE(warm_iterations, cold_iterations);
  std::printf("[ QpActiveSet ] %dx%d, %d frames: iterations per solve warm %.2f, cold %.2f; max |x_warm - x_cold| %.1e\n",
              m, n, frames, double(warm_iterations) / frames, double(cold_iterations) / frames, max_diff);
}

TEST(QpActiveSet, InfeasibleReturnsLeastSquaresCompromise) {
  // Row 3 is driven only by actuators 0 and 1 (and nothing else touches them); it asks for far
  // more than they can give at full activation. The other rows stay reachable.
  const int m = 6, n = 20;
  Qp q = random_qp(m, n, 11);
  q.A.row(3).setZero();
  q.A.col(0).setZero();
  q.A.col(1).setZero();
  q.A(3, 0) = 2.0;
  q.A(3, 1) = 1.0;
  VectorXd x_true = VectorXd::Constant(n, 0.3);
  q.b = q.A * x_true;
  q.b[3] = 10.0;  // at most 3 reachable
  QpActiveSet solver(m, n);
  VectorXd x;
  const QpResult res = solve(solver, q, x);
  EXPECT_EQ(res.status, QpStatus::Infeasible);
  ASSERT_TRUE(x.allFinite());
  EXPECT_TRUE((x.array() >= q.lb.array()).all() && (x.array() <= q.ub.array()).all());
  EXPECT_EQ(res.worst_row, 3);
  EXPECT_NEAR(res.max_equality_residual, 7.0, 1e-12);
  const VectorXd r = solver.equality_residual();
  EXPECT_NEAR(r[3], -7.0, 1e-12);  // r = A x − b: short by 7
  EXPECT_LE((r - (q.A * x - q.b)).lpNorm<Eigen::Infinity>(), 1e-12);
  EXPECT_EQ(x[0], 1.0);
  EXPECT_EQ(x[1], 1.0);
  // The other rows are met exactly, by the minimum-effort split.
  for (int i = 0; i < m; ++i) {
    if (i != 3) {
      EXPECT_LE(std::abs(r[i]), 1e-10 * scale_of(q, x)) << "row " << i;
    }
  }
}

TEST(QpActiveSet, InfeasibleLargeProblemIsLeastSquaresOptimalAndConsistent) {
  int tie_checked = 0;
  for (unsigned seed = 300; seed < 310; ++seed) {
    const int m = 23, n = 98;
    Qp q = random_qp(m, n, seed);
    q.b *= 2.5;  // beyond what the activations can produce
    QpActiveSet solver(m, n);
    VectorXd x;
    const QpResult res = solve(solver, q, x);
    ASSERT_EQ(res.status, QpStatus::Infeasible) << "seed " << seed;
    ASSERT_TRUE(x.allFinite());
    EXPECT_TRUE((x.array() >= q.lb.array()).all() && (x.array() <= q.ub.array()).all());
    const VectorXd r = q.A * x - q.b;
    Eigen::Index worst;
    EXPECT_NEAR(res.max_equality_residual, r.cwiseAbs().maxCoeff(&worst), 1e-12 * q.b.norm());
    EXPECT_EQ(res.worst_row, worst);
    // x minimizes |Ax − b|² within the bounds: the gradient Aᵀr is 0 on free variables and does
    // not point into the box at a bound.
    const VectorXd grad = q.A.transpose() * r;
    const double gtol = 1e-9 * q.A.cwiseAbs().maxCoeff() * r.cwiseAbs().sum();
    for (int j = 0; j < n; ++j) {
      if (x[j] > q.lb[j] && x[j] < q.ub[j]) {
        EXPECT_LE(std::abs(grad[j]), gtol) << "seed " << seed << " j " << j;
      } else if (x[j] == q.lb[j]) {
        EXPECT_GE(grad[j], -gtol) << "seed " << seed << " j " << j;
      } else {
        EXPECT_LE(grad[j], gtol) << "seed " << seed << " j " << j;
      }
    }
    // Ties are broken by the objective: x solves the problem with b* = A x, whose KKT multiplier is
    // λ − t r for large t (λ = the reported multipliers). So μ = w∘x − Aᵀλ vanishes on free
    // variables and has the KKT sign at every bound where ν = Aᵀr vanishes (elsewhere t·ν wins).
    const VectorXd lambda = solver.equality_multipliers();
    const VectorXd mu = q.w.cwiseProduct(x) - q.A.transpose() * lambda;
    const double mu_tol = 1e-9 * (q.w.cwiseProduct(x.cwiseAbs()) + q.A.cwiseAbs().transpose() * lambda.cwiseAbs()).maxCoeff();
    for (int j = 0; j < n; ++j) {
      const bool free = x[j] > q.lb[j] && x[j] < q.ub[j];
      if (free) {
        EXPECT_LE(std::abs(mu[j]), mu_tol) << "seed " << seed << " j " << j;
      } else if (std::abs(grad[j]) <= 1e-13 * q.b.lpNorm<Eigen::Infinity>()) {
        ++tie_checked;
        EXPECT_GE(x[j] == q.lb[j] ? mu[j] : -mu[j], -mu_tol) << "seed " << seed << " j " << j;
      }
    }
    // Warm-started from another frame's active set, the compromise is the same.
    QpActiveSet warm(m, n);
    VectorXd xw;
    solve(warm, random_qp(m, n, seed + 1000), xw);
    EXPECT_EQ(solve(warm, q, xw).status, QpStatus::Infeasible);
    EXPECT_LE((xw - x).lpNorm<Eigen::Infinity>(), 1e-10) << "seed " << seed;
    // The same point solves the (feasible, but degenerate: b* lies on the boundary of what the
    // bounds allow) problem with b* = A x, up to that problem's conditioning.
    Qp star = q;
    star.b = q.A * x;
    QpActiveSet again(m, n);
    VectorXd x2;
    const QpResult res2 = solve(again, star, x2);
    EXPECT_LE(res2.max_equality_residual, 1e-9 * scale_of(star, x2)) << "seed " << seed;
    EXPECT_LE((x2 - x).lpNorm<Eigen::Infinity>(), 1e-6) << "seed " << seed;
  }
  EXPECT_GT(tie_checked, 0) << "some bounds should be decided by the tie-break";
}

TEST(QpActiveSet, RankDeficientConsistentIsOptimal) {
  const int m = 23, n = 98;
  Qp q = random_qp(m, n, 21);
  q.A.row(7) = q.A.row(2);  // duplicate coordinate equation
  q.A.row(12) = 0.5 * q.A.row(3) - 2.0 * q.A.row(4);
  VectorXd x_true = VectorXd::Constant(n, 0.4);
  q.b = q.A * x_true;
  QpActiveSet solver(m, n);
  VectorXd x;
  const QpResult res = solve(solver, q, x);
  ASSERT_EQ(res.status, QpStatus::Optimal);
  expect_kkt(q, x, solver.equality_multipliers(), 1e-9, "rank deficient");
  // Also a small one against the reference.
  Qp s = random_qp(3, 7, 22, 1.0);
  s.A.row(2) = s.A.row(0);
  s.b[2] = s.b[0];
  QpActiveSet small(3, 7);
  VectorXd xs;
  ASSERT_EQ(solve(small, s, xs).status, QpStatus::Optimal);
  EXPECT_LE((xs - brute_force(s)).lpNorm<Eigen::Infinity>(), 1e-9);
  // A coordinate no actuator reaches, with nothing asked of it, is fine too; asked something it
  // is infeasible and that row is reported.
  Qp z = random_qp(m, n, 23);
  z.A.row(5).setZero();
  z.b[5] = 0.0;
  ASSERT_EQ(solve(solver, z, x).status, QpStatus::Optimal);
  z.b[5] = 1.5;
  const QpResult rz = solve(solver, z, x);
  EXPECT_EQ(rz.status, QpStatus::Infeasible);
  EXPECT_EQ(rz.worst_row, 5);
  EXPECT_NEAR(rz.max_equality_residual, 1.5, 1e-12);
}

TEST(QpActiveSet, InfiniteBoundsAreHandled) {
  for (unsigned seed = 400; seed < 420; ++seed) {
    const int m = 23, n = 98;
    Qp q = random_qp(m, n, seed, 1.0);
    VectorXd x_true = VectorXd::Constant(n, 0.9);
    for (int j = 0; j < n; j += 7) q.lb[j] = -kInf, x_true[j] = -2.0;  // one-sided
    for (int j = 3; j < n; j += 11) q.ub[j] = kInf, x_true[j] = 3.0;   // one-sided the other way
    for (int j = 5; j < n; j += 13) q.lb[j] = -kInf, q.ub[j] = kInf, x_true[j] = 5.0;  // reserves
    q.b = q.A * x_true;  // feasible, and demanding: many activations saturate
    QpActiveSet solver(m, n);
    VectorXd x;
    const QpResult res = solve(solver, q, x);
    ASSERT_EQ(res.status, QpStatus::Optimal) << "seed " << seed;
    expect_kkt(q, x, solver.equality_multipliers(), 1e-9, "seed " + std::to_string(seed));
  }
  // Unconstrained: the minimum-norm solution x = W⁻¹Aᵀ(AW⁻¹Aᵀ)⁻¹b.
  Qp q = random_qp(5, 12, 430);
  q.lb.setConstant(-kInf);
  q.ub.setConstant(kInf);
  QpActiveSet solver(5, 12);
  VectorXd x;
  ASSERT_EQ(solve(solver, q, x).status, QpStatus::Optimal);
  const MatrixXd AWi = q.A * q.w.cwiseInverse().asDiagonal();
  const VectorXd expected = AWi.transpose() * (AWi * q.A.transpose()).ldlt().solve(q.b);
  EXPECT_LE((x - expected).lpNorm<Eigen::Infinity>(), 1e-10 * (1 + expected.lpNorm<Eigen::Infinity>()));
}

// The counter sees operator new only; Eigen's heap goes through malloc and is not counted. The
// solver's Eigen use was checked separately with EIGEN_RUNTIME_NO_MALLOC (no allocation either).
TEST(QpActiveSet, WarmCallDoesNotAllocate) {
  for (const auto& [m, n] : {std::pair{23, 98}, std::pair{40, 400}}) {
    const Qp q = random_qp(m, n, 31);
    Qp q2 = q;
    q2.b *= 1.02;
    Qp bad = q;
    bad.b *= 3.0;  // infeasible: the least-squares path must not allocate either
    QpActiveSet solver(m, n);
    VectorXd x(n);
    solver.solve(q.A, q.b, q.lb, q.ub, q.w, x);
    const std::size_t before = test::allocations_on_this_thread();
    const QpResult r1 = solver.solve(q2.A, q2.b, q2.lb, q2.ub, q2.w, x);
    const QpResult r2 = solver.solve(bad.A, bad.b, bad.lb, bad.ub, bad.w, x);
    solver.reset_active_set();
    const QpResult r3 = solver.solve(q.A, q.b, q.lb, q.ub, q.w, x);
    EXPECT_EQ(test::allocations_on_this_thread() - before, 0u) << m << "x" << n;
    EXPECT_EQ(r1.status, QpStatus::Optimal);
    EXPECT_EQ(r2.status, QpStatus::Infeasible);
    EXPECT_EQ(r3.status, QpStatus::Optimal);
  }
}

TEST(QpActiveSet, EdgeCases) {
  QpActiveSet solver(4, 6);
  VectorXd x(3);
  // No equality rows: the box minimizer of ½Σwx².
  MatrixXd A0(0, 3);
  VectorXd b0(0), lb(3), ub(3), w = VectorXd::Ones(3);
  lb << 0.5, -kInf, -2.0;
  ub << 1.0, kInf, -1.0;
  EXPECT_EQ(solver.solve(A0, b0, lb, ub, w, x).status, QpStatus::Optimal);
  EXPECT_EQ(x, (VectorXd(3) << 0.5, 0.0, -1.0).finished());
  // Invalid inputs are reported, not thrown, and x stays finite.
  MatrixXd A = MatrixXd::Ones(2, 3);
  VectorXd b = VectorXd::Ones(2);
  VectorXd wbad = w;
  wbad[1] = 0.0;
  EXPECT_EQ(solver.solve(A, b, lb, ub, wbad, x).status, QpStatus::InvalidInput);
  EXPECT_TRUE(x.allFinite());
  VectorXd lbad = lb;
  lbad[0] = 2.0;  // lb > ub
  EXPECT_EQ(solver.solve(A, b, lbad, ub, w, x).status, QpStatus::InvalidInput);
  MatrixXd Anan = A;
  Anan(1, 1) = std::nan("");
  EXPECT_EQ(solver.solve(Anan, b, lb, ub, w, x).status, QpStatus::InvalidInput);
  // Fixed variables (lb == ub) and a problem larger than the capacity (grows).
  const Qp q = random_qp(10, 30, 50);
  Qp f = q;
  f.lb[4] = f.ub[4] = 0.25;
  VectorXd xf(30);
  ASSERT_EQ(solver.solve(f.A, f.b, f.lb, f.ub, f.w, xf).status, QpStatus::Optimal);
  EXPECT_EQ(xf[4], 0.25);
  expect_kkt(f, xf, solver.equality_multipliers(), 1e-9, "fixed variable");
  EXPECT_GE(solver.max_rows(), 10);
  EXPECT_GE(solver.max_cols(), 30);
  // The iteration limit is honoured and reported.
  QpOptions one;
  one.max_iterations = 1;
  QpActiveSet limited(23, 98, one);
  const Qp hard = random_qp(23, 98, 51);
  VectorXd xh(98);
  const QpResult rh = limited.solve(hard.A, hard.b, hard.lb, hard.ub, hard.w, xh);
  EXPECT_EQ(rh.status, QpStatus::MaxIterations);
  EXPECT_TRUE(xh.allFinite());
  EXPECT_TRUE((xh.array() >= hard.lb.array()).all() && (xh.array() <= hard.ub.array()).all());
}

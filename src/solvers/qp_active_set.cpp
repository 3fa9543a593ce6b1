// Dense QP for static optimization (semismooth Newton on the dual); the method is described in
// qp_active_set.hpp. Every workspace is sized in resize(), so solve() does not allocate.
#include "solvers/qp_active_set.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace weaklink {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps = std::numeric_limits<double>::epsilon();
// A Schur-complement pivot below this fraction of its row's original diagonal means that row of
// A_F W_F^-1/2 is (numerically) a combination of the rows already factored: rank lost there.
// Relative to the row, so scaling a row of A x = b (its units) does not change the decision.
constexpr double kRankTolerance = 1e-13;
// Part of the gradient outside range(A_F) above which the step follows the dual's flat directions
// (relative to |g|, and to the problem's scale: below 100 eps it is rounding of b − A x).
constexpr double kInconsistent = 1e-8;
// Penalty weights δ / ref of the least-squares mode, each warm-started from the previous one.
// The last levels matter when b is barely outside reach: the penalty solution's residual is then
// about δ|λ| rather than the least one until δ is tiny. (|λ| ~ |r|/δ, so they are cheap then.)
constexpr double kPenaltyLevels[] = {1e-4, 1e-7, 1e-10, 1e-12};
}  // namespace

struct QpActiveSet::Problem {
  const Eigen::Ref<const Eigen::MatrixXd>& A;
  const Eigen::Ref<const Eigen::VectorXd>& b;
  const Eigen::Ref<const Eigen::VectorXd>& lb;
  const Eigen::Ref<const Eigen::VectorXd>& ub;
  const Eigen::Ref<const Eigen::VectorXd>& w;
};

const char* to_string(QpStatus status) {
  switch (status) {
    case QpStatus::Optimal: return "optimal";
    case QpStatus::Infeasible: return "infeasible";
    case QpStatus::MaxIterations: return "max iterations";
    case QpStatus::InvalidInput: return "invalid input";
  }
  return "?";
}

QpActiveSet::QpActiveSet(int max_rows, int max_cols, QpOptions options) : options_(options) {
  resize(max_rows, max_cols);
}

void QpActiveSet::resize(int max_rows, int max_cols) {
  cap_m_ = std::max(max_rows, 0);
  cap_n_ = std::max(max_cols, 0);
  B_.setZero(cap_m_, cap_n_);
  M_.setZero(cap_m_, cap_m_);
  L_.setZero(cap_m_, cap_m_);
  G_.setZero(cap_m_, cap_m_);
  for (Eigen::VectorXd* v : {&D_, &diag_, &orig_, &lambda_, &target_, &d_, &g_, &rhs_, &r_, &tmp_, &tmp2_, &e2_,
                             &best_lambda_})
    v->setZero(cap_m_);
  for (Eigen::VectorXd* v :
       {&s_, &v_, &x_, &z_, &xfix_, &inv_w_, &sqrt_inv_w_, &col_abs_, &col_max_, &best_x_})
    v->setZero(cap_n_);
  perm_.assign(cap_m_, 0);
  state_.assign(cap_n_, 0);
  factored_state_.assign(cap_n_, 0);
  warm_.assign(cap_n_, 0);
  saved_state_.assign(cap_n_, 0);
  events_.assign(2 * static_cast<std::size_t>(cap_n_), Event{0.0, 0, 0});
  m_ = n_ = 0;
  have_factor_ = false;
}

void QpActiveSet::reset_active_set() {
  std::fill(warm_.begin(), warm_.end(), std::int8_t{0});
  have_factor_ = false;
}

// x(λ) = clamp(Aᵀλ / w, lb, ub), compared in s = Aᵀλ units so that state and x always agree.
void QpActiveSet::set_state_from_lambda(const Problem& p) {
  const int m = m_, n = n_;
  s_.head(n).noalias() = p.A.transpose() * lambda_.head(m);
  for (int j = 0; j < n; ++j) {
    const double l = p.lb[j], u = p.ub[j], sj = s_[j];
    if (sj <= p.w[j] * l) {
      state_[j] = -1;
      x_[j] = l;
    } else if (sj >= p.w[j] * u) {
      state_[j] = l == u ? -1 : 1;
      x_[j] = u;
    } else {
      state_[j] = 0;
      x_[j] = sj * inv_w_[j];
    }
  }
}

void QpActiveSet::set_fixed_values(const Problem& p) {
  for (int j = 0; j < n_; ++j) xfix_[j] = state_[j] < 0 ? p.lb[j] : state_[j] > 0 ? p.ub[j] : 0.0;
}

// M = A_F W_F⁻¹ A_Fᵀ + δ I and its pivoted LDLᵀ: P M Pᵀ = L D Lᵀ, truncated at rank_. Written by
// hand rather than with Eigen::LDLT because the rank decision (and the factor's null space, used
// by null_direction) must be explicit: Eigen's LDLT has no truncation threshold.
void QpActiveSet::factor_free_set(const Problem& p, double delta) {
  const int m = m_, n = n_;
  int k = 0;
  for (int j = 0; j < n; ++j)
    if (state_[j] == 0) B_.col(k++).head(m) = p.A.col(j) * sqrt_inv_w_[j];
  auto M = M_.topLeftCorner(m, m);
  M.setZero();
  if (k > 0) M.selfadjointView<Eigen::Lower>().rankUpdate(B_.topLeftCorner(m, k));
  if (delta > 0) M.diagonal().array() += delta;

  for (int i = 0; i < m; ++i) {
    perm_[i] = i;
    diag_[i] = orig_[i] = M(i, i);
  }
  rank_ = m;
  for (int c = 0; c < m; ++c) {
    // Pivot on the largest remaining diagonal relative to its original value.
    int piv = -1;
    double best = kRankTolerance;
    for (int i = c; i < m; ++i) {
      const double rel = orig_[i] > 0 ? diag_[i] / orig_[i] : 0.0;
      if (rel > best) {
        best = rel;
        piv = i;
      }
    }
    if (piv < 0) {
      rank_ = c;
      break;
    }
    if (piv != c) {
      std::swap(perm_[c], perm_[piv]);
      std::swap(diag_[c], diag_[piv]);
      std::swap(orig_[c], orig_[piv]);
      L_.row(c).head(c).swap(L_.row(piv).head(c));
    }
    const double dc = diag_[c];
    D_[c] = dc;
    L_.col(c).head(c).setZero();
    L_(c, c) = 1.0;
    const int rest = m - c - 1;
    if (rest == 0) continue;
    auto col = L_.col(c).segment(c + 1, rest);
    const int pc = perm_[c];
    for (int i = 0; i < rest; ++i) {
      const int pi = perm_[c + 1 + i];
      col[i] = pi >= pc ? M(pi, pc) : M(pc, pi);
    }
    if (c > 0) {
      tmp_.head(c) = D_.head(c).cwiseProduct(L_.row(c).head(c).transpose());
      col.noalias() -= L_.block(c + 1, 0, rest, c) * tmp_.head(c);
    }
    col /= dc;
    diag_.segment(c + 1, rest) -= dc * col.cwiseAbs2();
  }
  std::copy(state_.begin(), state_.begin() + n, factored_state_.begin());
  factored_delta_ = delta;
  have_factor_ = true;
}

// Basic solution of M out = rhs with the truncated factor (exact when rhs ∈ range(M)). Returns
// |e2|∞, e2 = the part of rhs the leading rank_ rows cannot explain (0 when consistent).
double QpActiveSet::basic_solve(const Eigen::VectorXd& rhs, Eigen::VectorXd& out) {
  const int m = m_, r = rank_;
  for (int i = 0; i < m; ++i) tmp_[i] = rhs[perm_[i]];
  const auto L11 = L_.topLeftCorner(r, r);
  if (r > 0) L11.triangularView<Eigen::UnitLower>().solveInPlace(tmp_.head(r));
  double e2 = 0.0;
  if (r < m) {
    e2_.head(m - r) = tmp_.segment(r, m - r);
    if (r > 0) e2_.head(m - r).noalias() -= L_.block(r, 0, m - r, r) * tmp_.head(r);
    e2 = e2_.head(m - r).lpNorm<Eigen::Infinity>();
  }
  if (r > 0) {
    tmp_.head(r).array() /= D_.head(r).array();
    L11.transpose().triangularView<Eigen::UnitUpper>().solveInPlace(tmp_.head(r));
  }
  out.head(m).setZero();
  for (int i = 0; i < r; ++i) out[perm_[i]] = tmp_[i];
  return e2;
}

// d ∈ null(M) with dᵀg = |e2|² > 0 (e2 from basic_solve(g)): the dual is linear along null(M),
// so it rises along d until some bound is released (or forever: infeasible).
void QpActiveSet::null_direction() {
  const int m = m_, r = rank_;
  if (r > 0) {
    tmp_.head(r).noalias() = L_.block(r, 0, m - r, r).transpose() * e2_.head(m - r);
    L_.topLeftCorner(r, r).transpose().triangularView<Eigen::UnitUpper>().solveInPlace(tmp_.head(r));
  }
  for (int i = 0; i < r; ++i) d_[perm_[i]] = -tmp_[i];
  for (int i = r; i < m; ++i) d_[perm_[i]] = e2_[i - r];
}

// out = M⁺ rhs, the minimum-norm least-squares solution of M out = rhs (M = C D1 Cᵀ, C = the
// factor's first rank_ columns, so M⁺ = C G⁻¹ D1⁻¹ G⁻¹ Cᵀ with G = CᵀC). W_F⁻¹ A_Fᵀ out is then the
// minimum-norm least-squares solution of A_F x_F = rhs, and out is the limit δ → 0 of the penalty
// multipliers' finite part (the one whose signs decide the tie-break's bounds).
void QpActiveSet::range_solve(const Eigen::VectorXd& rhs, Eigen::VectorXd& out) {
  const int m = m_, r = rank_;
  out.head(m).setZero();
  if (r == 0) return;
  for (int i = 0; i < m; ++i) tmp_[i] = rhs[perm_[i]];
  const auto C = L_.topLeftCorner(m, r);  // unit lower trapezoidal (zero above the diagonal)
  auto G = G_.topLeftCorner(r, r);
  G.noalias() = C.transpose() * C;
  for (int k = 0; k < r; ++k) {  // Cholesky of CᵀC (its diagonal is ≥ 1: well posed)
    const double dk = G(k, k) - G.row(k).head(k).squaredNorm();
    G(k, k) = std::sqrt(std::max(dk, kEps));
    for (int i = k + 1; i < r; ++i) G(i, k) = (G(i, k) - G.row(i).head(k).dot(G.row(k).head(k))) / G(k, k);
  }
  const auto Gl = G.triangularView<Eigen::Lower>();
  tmp2_.head(r).noalias() = C.transpose() * tmp_.head(m);
  Gl.solveInPlace(tmp2_.head(r));
  Gl.transpose().solveInPlace(tmp2_.head(r));
  tmp2_.head(r).array() /= D_.head(r).array();
  Gl.solveInPlace(tmp2_.head(r));
  Gl.transpose().solveInPlace(tmp2_.head(r));
  tmp_.head(m).noalias() = C * tmp2_.head(r);
  for (int i = 0; i < m; ++i) out[perm_[i]] = tmp_[i];
}

double QpActiveSet::scale_of(const Problem& p, const Eigen::VectorXd& x) const {
  double s = 0.0;
  for (int j = 0; j < n_; ++j) s += col_max_[j] * std::abs(x[j]);
  return std::max(s, p.b.lpNorm<Eigen::Infinity>());
}

// Step along λ + α d. A Newton direction's full step is taken when it raises the dual enough
// (Armijo): it updates many bounds at once, like a primal-dual active-set step. Otherwise the dual
// is maximized exactly along the ray: φ'(α) = dᵀ(b − A x(λ + α d)) − δ dᵀ(λ + α d) is piecewise
// linear and non-increasing, with kinks where some (Aᵀλ)_j + α v_j crosses w_j lb_j or w_j ub_j,
// visited in order with a heap (typically only a few before the zero).
QpActiveSet::Step QpActiveSet::line_search(const Problem& p, double delta, bool newton_step, bool to_target,
                                           double& alpha) {
  const int m = m_, n = n_;
  v_.head(n).noalias() = p.A.transpose() * d_.head(m);
  const double dinf = d_.head(m).lpNorm<Eigen::Infinity>(), d2 = d_.head(m).squaredNorm();
  double val = d_.head(m).dot(g_.head(m));  // φ'(0)
  if (!(val > 0) || !(dinf > 0)) return Step::NoProgress;
  if (newton_step) {
    // g(λ + d) − g(λ) with g(λ) = bᵀλ + Σ_j min_{x∈[lb,ub]} (½ w_j x² − (Aᵀλ)_j x) − δ|λ|²/2.
    double rise = d_.head(m).dot(p.b) - delta * (lambda_.head(m).dot(d_.head(m)) + 0.5 * d2);
    for (int j = 0; j < n; ++j) {
      const double x0 = x_[j], t1 = s_[j] + v_[j];
      const double x1 = std::clamp(t1 * inv_w_[j], p.lb[j], p.ub[j]);
      rise += (0.5 * p.w[j] * x1 - t1) * x1 - (0.5 * p.w[j] * x0 - s_[j]) * x0;
    }
    if (rise >= 1e-4 * val) {
      alpha = 1.0;
      return Step::Taken;
    }
  }
  const double noise = 8.0 * m * kEps * dinf;  // |v_j| below noise · Σ_i|A_ij| is rounding of a zero
  double slope = delta * d2;                   // −φ'' on the current segment
  int nfree = 0, ne = 0;
  for (int j = 0; j < n; ++j) {
    const double vj = v_[j];
    // Along null(M_F) the free variables do not move (up to the rank tolerance: their curvature
    // Σ v_j²/w_j is below kRankTolerance · ref |d|²); kinks from their residue would be spurious.
    if (std::abs(vj) <= noise * col_abs_[j] || (!newton_step && state_[j] == 0)) {
      v_[j] = 0.0;
      continue;
    }
    const double lo = p.w[j] * p.lb[j], hi = p.w[j] * p.ub[j], sj = s_[j];
    const double a_in = ((vj > 0 ? lo : hi) - sj) / vj, a_out = ((vj > 0 ? hi : lo) - sj) / vj;
    if (!(a_in < a_out) || a_out <= 0) continue;  // fixed variable, or moving away from its range
    if (a_in <= 0) {
      slope += vj * vj * inv_w_[j];
      ++nfree;
    } else if (a_in < kInf) {
      events_[ne++] = {a_in, j, +1};
    } else {
      continue;
    }
    if (a_out < kInf) events_[ne++] = {a_out, j, -1};
  }
  const auto later = [](const Event& a, const Event& b) { return a.alpha > b.alpha; };
  std::make_heap(events_.begin(), events_.begin() + ne, later);
  double at = 0.0;
  int processed = 0;
  for (;;) {
    const double next = ne > 0 ? events_.front().alpha : kInf;
    if (slope > 0) {
      const double zero = at + val / slope;
      if (zero <= next) {
        alpha = zero;
        // On the factored piece the zero is exactly α = 1; land on the target exactly so the
        // result depends only on the final active set (warm and cold starts agree bit for bit).
        if (to_target && processed == 0 && next > 1 && std::abs(zero - 1) <= 1e-3) alpha = 1.0;
        break;
      }
    }
    if (next == kInf) {
      // No curvature left and φ' > 0. Unless that slope is rounding, the dual rises forever along
      // d: dᵀb > max over the box of dᵀA x, so no x within the bounds meets A x = b.
      double rise = d_.head(m).dot(p.b), size = d_.head(m).cwiseAbs().dot(p.b.cwiseAbs());
      for (int j = 0; j < n; ++j) {
        if (v_[j] == 0.0) continue;
        const double xe = v_[j] > 0 ? p.ub[j] : p.lb[j];
        rise -= v_[j] * xe;
        size += std::abs(v_[j] * xe);
      }
      if (rise > 1e-11 * size) return Step::Unbounded;
      alpha = at;  // flat from here on: any α ≥ at is a maximizer
      break;
    }
    val -= slope * (next - at);
    at = next;
    std::pop_heap(events_.begin(), events_.begin() + ne, later);
    const Event e = events_[--ne];
    const double c = v_[e.j] * v_[e.j] * inv_w_[e.j];
    if (e.sign > 0) {
      slope += c;
      ++nfree;
    } else if (--nfree == 0) {
      slope = delta * d2;  // exactly, not an accumulation of rounding
    } else {
      slope -= c;
    }
    ++processed;
    if (val <= 0) {
      alpha = at;
      break;
    }
  }
  if (!std::isfinite(alpha)) return Step::Unbounded;
  if (!(alpha * dinf > 4 * kEps * lambda_.head(m).lpNorm<Eigen::Infinity>())) return Step::NoProgress;
  return Step::Taken;
}

// Semismooth Newton on g(λ) − δ|λ|²/2 (δ = 0: the problem itself; δ > 0: the penalty problem
// min ½Σwx² + |Ax − b|²/(2δ)), starting from lambda_. Each step: factor the active set's system
// (or reuse it when the active set is unchanged: then the step refines rounding), step towards its
// solution, or along the dual's flat directions when the gradient has a part outside range(A_F).
QpActiveSet::Run QpActiveSet::newton(const Problem& p, double delta, int max_iterations, int& iterations) {
  const int m = m_, n = n_;
  int steps = 0, refinements = 0, visits = 0;
  for (;;) {
    set_state_from_lambda(p);
    g_.head(m) = p.b;
    g_.head(m).noalias() -= p.A * x_.head(n);
    if (delta > 0) g_.head(m) -= delta * lambda_.head(m);
    const double gnorm = g_.head(m).lpNorm<Eigen::Infinity>(), scale = scale_of(p, x_);
    if (gnorm <= options_.tolerance * scale) return Run::Converged;
    if (!(gnorm < kInf)) return Run::Stalled;  // overflow (|λ| beyond double range): give up here
    const bool floor_ok = gnorm <= options_.feasibility_tolerance * scale;
    // Cycling guard. Exact line searches make the dual increase strictly, so an active set seen
    // again without a higher dual value means rounding has taken over: stop.
    std::uint64_t hash = 1469598103934665603ull;  // FNV-1a of the active set
    for (int j = 0; j < n; ++j) hash = (hash ^ static_cast<std::uint8_t>(state_[j] + 1)) * 1099511628211ull;
    double dual = p.b.dot(lambda_.head(m)) - 0.5 * delta * lambda_.head(m).squaredNorm(), size = 0.0;
    for (int j = 0; j < n; ++j) {
      dual += (0.5 * p.w[j] * x_[j] - s_[j]) * x_[j];
      size += std::abs(s_[j] * x_[j]);
    }
    size += p.b.cwiseAbs().dot(lambda_.head(m).cwiseAbs());
    const int memory = static_cast<int>(seen_.size());
    for (int k = 0; k < std::min(visits, memory); ++k)
      if (seen_[k].hash == hash && dual <= seen_[k].dual + 1e-13 * size)
        return floor_ok ? Run::Converged : Run::Stalled;
    seen_[visits++ % memory] = {hash, dual};
    if (steps++ >= max_iterations) return floor_ok ? Run::Converged : Run::MaxIterations;
    ++iterations;

    const bool same_piece = have_factor_ && factored_delta_ == delta &&
                            std::equal(state_.begin(), state_.begin() + n, factored_state_.begin());
    if (!same_piece) {
      factor_free_set(p, delta);
      set_fixed_values(p);
      rhs_.head(m) = p.b;
      rhs_.head(m).noalias() -= p.A * xfix_.head(n);
      basic_solve(rhs_, target_);  // λ solving the equality-constrained problem on this active set
      refinements = 0;
    }
    bool to_target = false, newton_step = true;
    const double e2 = basic_solve(g_, d_);  // d = M⁻¹ g: the Newton step (used as a refinement)
    if (rank_ < m && e2 > kInconsistent * gnorm && e2 > 100 * kEps * scale) {
      null_direction();
      newton_step = false;
    } else if (!same_piece) {
      d_.head(m) = target_.head(m) - lambda_.head(m);
      to_target = true;
    } else if (++refinements > 2) {
      // Full Newton steps on this active set no longer reduce A x − b: rounding floor.
      return floor_ok ? Run::Converged : Run::Stalled;
    }
    double alpha = 0.0;
    const Step step = line_search(p, delta, newton_step, to_target, alpha);
    if (step == Step::Unbounded) return Run::Unbounded;
    if (step == Step::NoProgress) return floor_ok ? Run::Converged : Run::Stalled;
    if (to_target && alpha == 1.0)
      lambda_.head(m) = target_.head(m);
    else
      lambda_.head(m) += alpha * d_.head(m);
  }
}

// Infeasible (or numerically stuck). Penalty problems min ½Σwx² + |Ax − b|²/(2δ) with shrinking δ
// (semismooth Newton, globally convergent) supply active sets for lex_active_set to certify.
// Without a certificate the best point seen is kept: the smallest residual, then objective.
void QpActiveSet::least_squares(const Problem& p, int max_iterations, int& iterations) {
  const int m = m_, n = n_;
  const double tol = options_.feasibility_tolerance;
  double best_r2 = kInf, best_obj = kInf;
  const auto consider = [&] {  // x_, lambda_ as a candidate
    r_.head(m) = p.b;
    r_.head(m).noalias() -= p.A * x_.head(n);
    const double scale = scale_of(p, x_), floor2 = tol * tol * scale * scale;
    const double r2 = std::max(r_.head(m).squaredNorm(), floor2), obj = 0.5 * x_.head(n).cwiseAbs2().dot(p.w);
    if (r2 < best_r2 * (1 - 1e-9) || (r2 <= best_r2 * (1 + 1e-9) && obj < best_obj)) {
      best_r2 = r2;
      best_obj = obj;
      best_x_.head(n) = x_.head(n);
      best_lambda_.head(m) = lambda_.head(m);
    }
  };
  consider();  // where the exact Newton iteration stopped
  for (int level = 0; level < 4; ++level) {
    // Each level starts from the previous one's active set (its equality-constrained solution).
    const double delta = kPenaltyLevels[level] * ref_;
    start_from_state(p, delta);
    ++iterations;
    newton(p, delta, max_iterations, iterations);
    consider();
    std::copy(state_.begin(), state_.begin() + n, saved_state_.begin());
    if (lex_active_set(p, 1, iterations)) return;  // certifies when the penalty found the active set
    std::copy(saved_state_.begin(), saved_state_.begin() + n, state_.begin());
  }
  // Not certified (typically b barely outside reach, where the multipliers are ill-determined):
  // a few primal active-set steps from the best point, then the best point seen.
  x_.head(n) = best_x_.head(n);
  if (lex_active_set(p, std::min(max_iterations, 2 * m + 10), iterations)) return;
  consider();
  x_.head(n) = best_x_.head(n);
  lambda_.head(m) = best_lambda_.head(m);
}

// Primal active-set method for the least-squares compromise, from x_ within the bounds (variables
// at a bound start fixed there). On the current face, x_F* = W_F⁻¹ A_Fᵀ λ with λ = M⁺(b − A_N x_N)
// is the face's lexicographic minimizer (minimum-norm least squares); x moves towards it until a
// bound blocks (that variable joins the fixed set). At x_F*, with r = A x − b, ν = Aᵀr (gradient of
// ½|Ax − b|²) and μ = w∘x − Aᵀλ, the bound whose ν points into the box most is released, or else
// (where ν ≈ 0) the one whose μ does. None: x is certified, since ν has the KKT signs (x minimizes
// the residual) and λ − t r for large enough t is a KKT multiplier of the problem with b* = A x
// (x breaks the tie); lambda_ is set to it. The lexicographic objective never increases. True when
// certified within max_steps.
bool QpActiveSet::lex_active_set(const Problem& p, int max_steps, int& iterations) {
  const int m = m_, n = n_;
  for (int j = 0; j < n; ++j) state_[j] = x_[j] == p.lb[j] ? -1 : x_[j] == p.ub[j] ? 1 : 0;
  for (int step = 0; step < max_steps; ++step) {
    set_fixed_values(p);
    factor_free_set(p, 0.0);
    ++iterations;
    rhs_.head(m) = p.b;
    rhs_.head(m).noalias() -= p.A * xfix_.head(n);
    range_solve(rhs_, target_);
    s_.head(n).noalias() = p.A.transpose() * target_.head(m);
    // Step towards x_F*: whole if it is within the bounds up to rounding, else to the first bound.
    double alpha = 1.0, overshoot = 0.0, size = 0.0;
    int block = -1;
    for (int j = 0; j < n; ++j) {
      if (state_[j] != 0) continue;
      const double xs = s_[j] * inv_w_[j], pj = xs - x_[j];
      overshoot = std::max({overshoot, p.lb[j] - xs, xs - p.ub[j]});
      size = std::max(size, std::abs(xs));
      const double t = pj < 0 ? (p.lb[j] - x_[j]) / pj : pj > 0 ? (p.ub[j] - x_[j]) / pj : kInf;
      if (t < alpha) {
        alpha = std::max(t, 0.0);
        block = j;
      }
    }
    if (overshoot <= 1e-9 * size) {
      alpha = 1.0;
      block = -1;
    }
    for (int j = 0; j < n; ++j)
      if (state_[j] == 0) x_[j] = std::clamp(x_[j] + alpha * (s_[j] * inv_w_[j] - x_[j]), p.lb[j], p.ub[j]);
    if (block >= 0) {
      const bool lower = s_[block] * inv_w_[block] < x_[block] || x_[block] == p.lb[block];
      state_[block] = lower ? -1 : 1;
      x_[block] = lower ? p.lb[block] : p.ub[block];
      continue;
    }
    // At the face's minimizer: the most wrong multiplier, if any.
    r_.head(m).noalias() = p.A * x_.head(n);
    r_.head(m) -= p.b;
    z_.head(n).noalias() = p.A.transpose() * r_.head(m);  // ν
    const double rinf = r_.head(m).lpNorm<Eigen::Infinity>(), lam = target_.head(m).lpNorm<Eigen::Infinity>();
    const double scale = scale_of(p, x_);
    // ν below this is rounding, or a residual small enough to count as meeting the equality.
    const double nu_floor = 1e-10 * rinf + 1e-2 * options_.feasibility_tolerance * scale;
    int worst = -1;
    double worst_score = 0.0, t = 0.0;
    bool by_residual = false;
    for (int j = 0; j < n; ++j) {
      if (state_[j] == 0 || p.lb[j] == p.ub[j]) continue;
      const double nu = state_[j] < 0 ? z_[j] : -z_[j];  // ≥ 0 wanted
      const double mu = state_[j] < 0 ? p.w[j] * x_[j] - s_[j] : s_[j] - p.w[j] * x_[j];
      const double nu_tol = col_abs_[j] * nu_floor, mu_scale = p.w[j] * std::abs(x_[j]) + col_abs_[j] * lam;
      if (nu < -nu_tol) {
        const double score = -nu / col_abs_[j];
        if (!by_residual || score > worst_score) worst = j, worst_score = score, by_residual = true;
      } else if (nu > nu_tol) {
        if (mu < 0) t = std::max(t, -mu / nu);  // λ − t r makes this multiplier's sign right
      } else if (!by_residual && mu < -1e-10 * mu_scale && -mu / mu_scale > worst_score) {
        worst = j;
        worst_score = -mu / mu_scale;
      }
    }
    if (worst < 0) {
      lambda_.head(m) = target_.head(m) - t * r_.head(m);
      return true;
    }
    state_[worst] = 0;
  }
  return false;
}

// lambda_ = the solution of the (penalty) problem with the active set state_ held fixed.
void QpActiveSet::start_from_state(const Problem& p, double delta) {
  const int m = m_, n = n_;
  set_fixed_values(p);
  factor_free_set(p, delta);
  rhs_.head(m) = p.b;
  rhs_.head(m).noalias() -= p.A * xfix_.head(n);
  basic_solve(rhs_, lambda_);
}

QpResult QpActiveSet::solve(const Eigen::Ref<const Eigen::MatrixXd>& A, const Eigen::Ref<const Eigen::VectorXd>& b,
                            const Eigen::Ref<const Eigen::VectorXd>& lb, const Eigen::Ref<const Eigen::VectorXd>& ub,
                            const Eigen::Ref<const Eigen::VectorXd>& w, Eigen::Ref<Eigen::VectorXd> x) {
  QpResult result;
  const Eigen::Index mi = A.rows(), ni = A.cols();
  if (b.size() != mi || lb.size() != ni || ub.size() != ni || w.size() != ni || x.size() != ni) return result;
  bool valid = b.allFinite();
  for (Eigen::Index j = 0; j < ni; ++j) {
    valid = valid && w[j] > 0 && w[j] < kInf && lb[j] <= ub[j] && lb[j] < kInf && ub[j] > -kInf;
    x[j] = lb[j] > 0 ? lb[j] : ub[j] < 0 ? ub[j] : 0.0;  // the minimizer over the box alone
  }
  if (mi > cap_m_ || ni > cap_n_)
    resize(std::max(static_cast<int>(mi), cap_m_), std::max(static_cast<int>(ni), cap_n_));
  const int m = static_cast<int>(mi), n = static_cast<int>(ni);
  if (n != n_) reset_active_set();
  m_ = m;
  n_ = n;
  have_factor_ = false;
  const Problem p{A, b, lb, ub, w};

  diag_.head(m).setZero();
  for (int j = 0; j < n && valid; ++j) {  // one pass over A: column norms and diag(A W⁻¹ Aᵀ)
    inv_w_[j] = 1.0 / w[j];
    sqrt_inv_w_[j] = std::sqrt(inv_w_[j]);
    const double* a = A.col(j).data();
    double sum = 0.0, max = 0.0;
    for (int i = 0; i < m; ++i) {
      sum += std::abs(a[i]);
      max = std::max(max, std::abs(a[i]));
      diag_[i] += inv_w_[j] * a[i] * a[i];
    }
    col_abs_[j] = sum;
    col_max_[j] = max;
    valid = std::isfinite(sum);  // NaN or ±inf in A
  }
  if (!valid) {
    m_ = n_ = 0;
    reset_active_set();
    return result;
  }
  ref_ = m > 0 ? diag_.head(m).maxCoeff() : 0.0;
  if (!(ref_ > 0)) ref_ = 1.0;

  QpStatus status = QpStatus::Optimal;
  int iterations = 0;
  x_.head(n) = x;
  lambda_.head(m).setZero();
  if (m > 0) {
    const int max_iterations = options_.max_iterations > 0 ? options_.max_iterations : 10 * (n + m);
    // Start on the previous frame's active set: λ0 solves the equality-constrained problem there.
    for (int j = 0; j < n; ++j) {
      std::int8_t st = warm_[j];
      if ((st < 0 && lb[j] == -kInf) || (st > 0 && ub[j] == kInf)) st = 0;
      if (lb[j] == ub[j]) st = -1;
      state_[j] = st;
    }
    start_from_state(p, 0.0);
    iterations = 1;
    const Run run = newton(p, 0.0, max_iterations, iterations);
    if (run == Run::MaxIterations) {
      status = QpStatus::MaxIterations;
    } else if (run != Run::Converged) {
      least_squares(p, max_iterations, iterations);
      status = QpStatus::Infeasible;
    }
  }

  // Outputs: x, r = A x − b, z = w∘x − Aᵀλ, the active set for the next frame.
  x = x_.head(n);
  r_.head(m).noalias() = A * x_.head(n);
  r_.head(m) -= b;
  z_.head(n) = w.cwiseProduct(x_.head(n));
  z_.head(n).noalias() -= A.transpose() * lambda_.head(m);
  for (int j = 0; j < n; ++j) warm_[j] = x_[j] == lb[j] ? -1 : x_[j] == ub[j] ? 1 : 0;
  result.iterations = iterations;
  if (m > 0) {
    Eigen::Index worst = 0;
    result.max_equality_residual = r_.head(m).cwiseAbs().maxCoeff(&worst);
    result.worst_row = static_cast<int>(worst);
  }
  // A least-squares compromise that meets the equality is the solution (b lies on the boundary).
  if (status == QpStatus::Infeasible &&
      result.max_equality_residual <= options_.feasibility_tolerance * scale_of(p, x_))
    status = QpStatus::Optimal;
  result.status = status;
  return result;
}

}  // namespace weaklink

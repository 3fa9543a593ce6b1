#pragma once
// Dense QP for static optimization: minimize ½ Σ w_j x_j² subject to A x = b and lb ≤ x ≤ ub.
// Solved once per motion frame, so it restarts from the previous frame's active set (which x_j sit
// at which bound), gives the exact KKT point, and does not allocate inside solve() once sized.
//
// Method: semismooth Newton on the dual, i.e. an active-set method on the bounds. For multipliers λ
// the box minimizer is x(λ) = clamp(Aᵀλ / w, lb, ub); the dual g(λ) = bᵀλ + Σ_j min_{lb≤x≤ub}
// (½ w_j x² − (Aᵀλ)_j x) is concave, piecewise quadratic, with gradient b − A x(λ). With F the free
// variables, the Newton step solves the m×m system A_F W_F⁻¹ A_Fᵀ λ = b − A_N x_N (the equality-
// constrained solution on that active set; pivoted LDLᵀ, rank-revealing), taken whole when it
// raises g enough, else with an exact line search along the piecewise-linear g'. x(λ) is always
// within the bounds with correctly signed bound multipliers, so the method stops when A x = b.
//
// Infeasible (b outside what the bounds allow, or A rank deficient on what is free): returns
//     x = argmin ½ Σ w x²  over  argmin_{lb≤x≤ub} |A x − b|²,
// the smallest equality residual reachable within the bounds, ties broken by the objective, with
// status Infeasible and the residual r = A x − b. Detected by the line search (g rises forever
// along some d: dᵀb > max over the box of dᵀA x). Computed by penalty problems
// min ½ Σ w x² + |A x − b|²/(2δ), δ → 0 (same Newton method), whose active set is then solved
// exactly (minimum-norm least squares on F) and certified by its multipliers. When b is barely out
// of reach the multipliers are ill-determined and certification can fail; then the best point
// found is returned (smallest residual, then objective; within the bounds), which may differ
// slightly from the exact compromise and between warm and cold starts. A residual within
// feasibility_tolerance counts as Optimal.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

namespace weaklink {

enum class QpStatus {
  Optimal,        // KKT satisfied: |A x − b| ≤ feasibility_tolerance relative, x within bounds
  Infeasible,     // A x = b unreachable within the bounds: x is the least-squares compromise
  MaxIterations,  // iteration limit hit: x is the last iterate (within bounds), residual reported
  InvalidInput,   // sizes differ, lb > ub, w ≤ 0 or a non-finite A, b, w: x = clamp(0, lb, ub)
};

const char* to_string(QpStatus status);

struct QpResult {
  QpStatus status = QpStatus::InvalidInput;
  int iterations = 0;                  // Newton systems solved (1 for a perfect warm start)
  double max_equality_residual = 0.0;  // max_i |(A x − b)_i|, absolute
  int worst_row = -1;                  // row i of that maximum (-1 when m = 0)
};

struct QpOptions {
  double tolerance = 1e-12;              // Newton stops when |A x − b|∞ ≤ tolerance · scale
  double feasibility_tolerance = 1e-9;   // above this (relative) the equality counts as unmet
  int max_iterations = 0;                // per Newton run; 0 means 10 (n + m)
};

class QpActiveSet {
 public:
  // Workspaces for up to max_rows equality rows and max_cols variables (all allocation is here).
  QpActiveSet(int max_rows, int max_cols, QpOptions options = {});

  // Re-sizes the workspaces (allocates) and forgets the active set.
  void resize(int max_rows, int max_cols);

  // Forget the previous active set: the next solve starts with every variable free (cold start).
  void reset_active_set();

  // Solves with A (m×n), b (m), lb, ub, w (n; w > 0; lb may be -inf, ub +inf). x (size n) is
  // output only. A problem larger than the capacity grows the workspaces (allocates once).
  // Relative tolerances use scale = max(|b|∞, Σ_j max_i |A_ij| |x_j|).
  QpResult solve(const Eigen::Ref<const Eigen::MatrixXd>& A, const Eigen::Ref<const Eigen::VectorXd>& b,
                 const Eigen::Ref<const Eigen::VectorXd>& lb, const Eigen::Ref<const Eigen::VectorXd>& ub,
                 const Eigen::Ref<const Eigen::VectorXd>& w, Eigen::Ref<Eigen::VectorXd> x);

  // Of the last solve. λ (m): KKT multipliers, w∘x − Aᵀλ = z (stationarity). For a least-squares
  // compromise they are those of the nearest feasible problem (b replaced by b* = A x).
  Eigen::VectorBlock<const Eigen::VectorXd> equality_multipliers() const { return lambda_.head(m_); }
  // z = w∘x − Aᵀλ (n): ≥ 0 where x_j = lb_j, ≤ 0 where x_j = ub_j, 0 where x_j is free.
  Eigen::VectorBlock<const Eigen::VectorXd> bound_multipliers() const { return z_.head(n_); }
  // r = A x − b (m): which coordinate the solution fails to balance, and by how much.
  Eigen::VectorBlock<const Eigen::VectorXd> equality_residual() const { return r_.head(m_); }
  // Per variable: -1 at its lower bound, +1 at its upper bound, 0 free (the warm-start state).
  std::span<const std::int8_t> active_set() const { return {warm_.data(), static_cast<std::size_t>(n_)}; }

  int max_rows() const { return cap_m_; }
  int max_cols() const { return cap_n_; }

 private:
  struct Problem;  // the current call's A, b, lb, ub, w
  enum class Run { Converged, Unbounded, Stalled, MaxIterations };
  enum class Step { Taken, Unbounded, NoProgress };
  struct Visit {
    std::uint64_t hash;  // of an active set
    double dual;         // dual value when it was seen
  };
  struct Event {
    double alpha;  // step along d at which variable j enters (+1) or leaves (-1) its free range
    int j;
    int sign;
  };

  void set_state_from_lambda(const Problem& p);
  void set_fixed_values(const Problem& p);
  void factor_free_set(const Problem& p, double delta);
  double basic_solve(const Eigen::VectorXd& rhs, Eigen::VectorXd& out);
  void null_direction();
  void range_solve(const Eigen::VectorXd& rhs, Eigen::VectorXd& out);
  double scale_of(const Problem& p, const Eigen::VectorXd& x) const;
  Run newton(const Problem& p, double delta, int max_iterations, int& iterations);
  Step line_search(const Problem& p, double delta, bool newton_step, bool to_target, double& alpha);
  void start_from_state(const Problem& p, double delta);
  bool lex_active_set(const Problem& p, int max_steps, int& iterations);
  void least_squares(const Problem& p, int max_iterations, int& iterations);

  QpOptions options_;
  int cap_m_ = 0, cap_n_ = 0;
  int m_ = 0, n_ = 0;
  double ref_ = 1.0;  // max_i (A W⁻¹ Aᵀ)_ii: the curvature scale of the dual

  Eigen::MatrixXd B_;  // m × |F|: free columns of A scaled by w^-1/2
  Eigen::MatrixXd M_;  // m × m: B Bᵀ (+ δ I), lower triangle
  Eigen::MatrixXd L_;  // m × m: unit lower factor in pivoted order (zero above the diagonal)
  Eigen::MatrixXd G_;  // r × r: Cholesky of L's first r columns' Gram matrix (range projection)
  // m-sized
  Eigen::VectorXd D_, diag_, orig_, lambda_, target_, d_, g_, rhs_, r_, tmp_, tmp2_, e2_, best_lambda_;
  // n-sized
  Eigen::VectorXd s_, v_, x_, z_, xfix_, inv_w_, sqrt_inv_w_, col_abs_, col_max_, best_x_;
  std::vector<int> perm_;
  std::vector<std::int8_t> state_, factored_state_, saved_state_, warm_;
  std::vector<Event> events_;
  std::array<Visit, 8> seen_{};  // the cycling guard's memory: recently visited active sets
  int rank_ = 0;
  double factored_delta_ = 0.0;
  bool have_factor_ = false;
};

}  // namespace weaklink

#include "core/natural_spline.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <Eigen/SparseLU>

namespace weaklink {

namespace {
double falling(int j, int k) {  // j!/(j−k)!
  double r = 1;
  for (int i = 0; i < k; ++i) r *= j - i;
  return r;
}
double factorial(int j) { return falling(j, j); }

// Row vector D with D·a = k-th τ-derivative at τ of the polynomial Σ a_j τ^j (degree 2m−1).
Eigen::RowVectorXd derivative_row(int m, int k, double tau) {
  Eigen::RowVectorXd d = Eigen::RowVectorXd::Zero(2 * m);
  for (int j = k; j < 2 * m; ++j) d[j] = falling(j, k) * std::pow(tau, j - k);
  return d;
}

// Map from Hermite data [z_i(0..m−1); z_{i+1}(0..m−1)] (scaled derivatives) to the 2m coefficients
// of the interval's polynomial in τ ∈ [0, r].
Eigen::MatrixXd hermite_map(int m, double r) {
  const int n = 2 * m;
  Eigen::MatrixXd A(n, n);  // A·a = [z_i; z_{i+1}]
  for (int k = 0; k < m; ++k) {
    A.row(k) = derivative_row(m, k, 0.0);
    A.row(m + k) = derivative_row(m, k, r);
  }
  return A.inverse();
}
}  // namespace

NaturalSpline::NaturalSpline(const std::vector<double>& x, const std::vector<double>& y, int degree) {
  if (degree != 3 && degree != 5) throw std::invalid_argument("natural spline degree must be 3 or 5");
  m_ = (degree + 1) / 2;
  const int n = static_cast<int>(x.size());
  if (static_cast<int>(y.size()) != n) throw std::invalid_argument("natural spline: x and y sizes differ");
  if (n < 2 * m_) throw std::invalid_argument("natural spline: needs at least degree+1 samples");
  for (int i = 1; i < n; ++i)
    if (!(x[i] > x[i - 1])) throw std::invalid_argument("natural spline: x must increase strictly");
  x_ = x;
  h0_ = (x[n - 1] - x[0]) / (n - 1);
  const int m = m_, nz = m - 1;  // unknowns per knot: scaled derivatives 1..m−1
  const int nunk = nz * n;
  std::vector<Eigen::MatrixXd> maps(n - 1);
  for (int i = 0; i + 1 < n; ++i) maps[i] = hermite_map(m, (x[i + 1] - x[i]) / h0_);

  // Equations: continuity of derivatives m..2m−2 at interior knots, zero at both ends.
  std::vector<Eigen::Triplet<double>> trip;
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(nunk);
  int row = 0;
  auto add_row_terms = [&](int interval, const Eigen::RowVectorXd& coeff_on_a, double sign) {
    const Eigen::RowVectorXd w = coeff_on_a * maps[interval];  // on [z_i(0..m−1); z_{i+1}(0..m−1)]
    for (int side = 0; side < 2; ++side) {
      const int knot = interval + side;
      for (int k = 0; k < m; ++k) {
        const double c = sign * w[side * m + k];
        if (k == 0) rhs[row] -= c * y[knot];
        else trip.emplace_back(row, knot * nz + (k - 1), c);
      }
    }
  };
  for (int k = m; k <= 2 * m - 2; ++k) {
    add_row_terms(0, derivative_row(m, k, 0.0), 1.0);
    ++row;
  }
  for (int i = 1; i + 1 < n; ++i)
    for (int k = m; k <= 2 * m - 2; ++k) {
      const double r = (x[i] - x[i - 1]) / h0_;
      add_row_terms(i - 1, derivative_row(m, k, r), 1.0);
      add_row_terms(i, derivative_row(m, k, 0.0), -1.0);
      ++row;
    }
  for (int k = m; k <= 2 * m - 2; ++k) {
    add_row_terms(n - 2, derivative_row(m, k, (x[n - 1] - x[n - 2]) / h0_), 1.0);
    ++row;
  }
  Eigen::SparseMatrix<double> S(nunk, nunk);
  S.setFromTriplets(trip.begin(), trip.end());
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
  lu.compute(S);
  if (lu.info() != Eigen::Success) throw std::invalid_argument("natural spline: singular system");
  const Eigen::VectorXd z = lu.solve(rhs);

  auto knot_data = [&](int i) {
    Eigen::VectorXd d(m);
    d[0] = y[i];
    for (int k = 1; k < m; ++k) d[k] = z[i * nz + (k - 1)];
    return d;
  };
  coef_.resize(static_cast<std::size_t>(n - 1) * 2 * m);
  for (int i = 0; i + 1 < n; ++i) {
    Eigen::VectorXd h(2 * m);
    h << knot_data(i), knot_data(i + 1);
    const Eigen::VectorXd a = maps[i] * h;
    std::copy(a.data(), a.data() + 2 * m, coef_.begin() + static_cast<std::ptrdiff_t>(i) * 2 * m);
  }
  const Eigen::VectorXd l = knot_data(0), rr = knot_data(n - 1);
  left_.assign(l.data(), l.data() + m);
  right_.assign(rr.data(), rr.data() + m);
}

FunctionValue NaturalSpline::eval(double t) const {
  const int n = static_cast<int>(x_.size());
  const int m = m_;
  double p = 0, dp = 0, ddp = 0;  // in τ units
  auto taylor = [&](const std::vector<double>& d, double tau) {
    // Degree m−1 continuation with the end's value and scaled derivatives 1..m−1.
    for (int k = 0; k < m; ++k) {
      p += d[k] * std::pow(tau, k) / factorial(k);
      if (k >= 1) dp += d[k] * std::pow(tau, k - 1) / factorial(k - 1);
      if (k >= 2) ddp += d[k] * std::pow(tau, k - 2) / factorial(k - 2);
    }
  };
  if (t < x_[0]) {
    taylor(left_, (t - x_[0]) / h0_);
  } else if (t > x_[n - 1]) {
    taylor(right_, (t - x_[n - 1]) / h0_);
  } else {
    auto it = std::upper_bound(x_.begin(), x_.end(), t);
    int i = static_cast<int>(it - x_.begin()) - 1;
    i = std::clamp(i, 0, n - 2);
    const double tau = (t - x_[i]) / h0_;
    const double* a = coef_.data() + static_cast<std::ptrdiff_t>(i) * 2 * m;
    for (int j = 2 * m - 1; j >= 0; --j) {  // Horner for value and two derivatives
      ddp = ddp * tau + 2.0 * dp;
      dp = dp * tau + p;
      p = p * tau + a[j];
    }
  }
  return {p, dp / h0_, ddp / (h0_ * h0_)};
}

}  // namespace weaklink

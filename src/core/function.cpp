#include "core/function.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <fmt/format.h>

namespace weaklink {
namespace {
// SimmSpline / PiecewiseLinearFunction constants (docs/opensim-semantics.md#functions): knot-spacing floor and
// end-point snapping distance, as in OpenSim so that values agree to the last bits.
constexpr double kTiny = 1e-7;
constexpr double kRoundoff = 2e-13;

// Index k with x[k] <= t <= x[k+1] for t inside [x0, xn-1].
std::size_t find_interval(const std::vector<double>& x, double t) {
  auto it = std::upper_bound(x.begin(), x.end(), t);
  std::size_t k = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, (it - x.begin()) - 1));
  return std::min(k, x.size() - 2);
}
}  // namespace

Function Function::constant(double value) {
  Function f;
  f.kind_ = FunctionKind::Constant;
  f.constant_ = value;
  return f;
}

Function Function::linear(double slope, double intercept) {
  Function f;
  f.kind_ = FunctionKind::Linear;
  f.slope_ = slope;
  f.intercept_ = intercept;
  return f;
}

Function Function::polynomial(std::vector<double> coefficients) {
  if (coefficients.empty()) throw std::invalid_argument("PolynomialFunction needs at least one coefficient");
  Function f;
  f.kind_ = FunctionKind::Polynomial;
  f.y_ = std::move(coefficients);
  return f;
}

Function Function::simm_spline(std::vector<double> x, std::vector<double> y) {
  const std::size_t n = x.size();
  if (n < 2 || y.size() != n) throw std::invalid_argument("spline needs >= 2 knots and as many x as y values");
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) throw std::invalid_argument("spline knot is not a finite number");
  for (std::size_t i = 1; i < n; ++i)
    if (!(x[i] > x[i - 1])) throw std::invalid_argument("spline x values must increase");
  Function f;
  f.kind_ = FunctionKind::SimmSpline;
  f.x_ = std::move(x);
  f.y_ = std::move(y);
  f.b_.assign(n, 0.0);
  f.c_.assign(n, 0.0);
  f.d_.assign(n, 0.0);
  const auto& X = f.x_;
  const auto& Y = f.y_;
  auto dx = [&](std::size_t a, std::size_t b) { return std::max(kTiny, X[b] - X[a]); };
  if (n == 2) {
    const double s = (Y[1] - Y[0]) / dx(0, 1);
    f.b_[0] = f.b_[1] = s;
    return f;
  }
  // Forsythe, Malcolm & Moler (1977) "Computer Methods for Mathematical Computations", spline():
  // end conditions match the third derivative of the cubic through the end four points.
  std::vector<double> h(n - 1), delta(n - 1), diag(n), rhs(n), sigma(n);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    h[i] = dx(i, i + 1);
    delta[i] = (Y[i + 1] - Y[i]) / h[i];
  }
  diag[0] = -h[0];
  diag[n - 1] = -h[n - 2];
  rhs[0] = rhs[n - 1] = 0.0;
  for (std::size_t i = 1; i + 1 < n; ++i) {
    diag[i] = 2.0 * (h[i - 1] + h[i]);
    rhs[i] = delta[i] - delta[i - 1];
  }
  if (n > 3) {
    auto d2 = [&](std::size_t a) { return (delta[a + 1] - delta[a]) / dx(a, a + 2); };
    auto d3 = [&](std::size_t a) { return (d2(a + 1) - d2(a)) / dx(a, a + 3); };
    rhs[0] = h[0] * h[0] * d3(0);
    rhs[n - 1] = -h[n - 2] * h[n - 2] * d3(n - 4);
  }
  // Tridiagonal system with off-diagonals h[i-1]; forward elimination then back substitution.
  for (std::size_t i = 1; i < n; ++i) {
    const double t = h[i - 1] / diag[i - 1];
    diag[i] -= t * h[i - 1];
    rhs[i] -= t * rhs[i - 1];
  }
  sigma[n - 1] = rhs[n - 1] / diag[n - 1];
  for (std::size_t i = n - 1; i-- > 0;) sigma[i] = (rhs[i] - h[i] * sigma[i + 1]) / diag[i];
  for (std::size_t i = 0; i + 1 < n; ++i) {
    f.b_[i] = delta[i] - h[i] * (sigma[i + 1] + 2.0 * sigma[i]);
    f.c_[i] = 3.0 * sigma[i];
    f.d_[i] = (sigma[i + 1] - sigma[i]) / h[i];
  }
  f.b_[n - 1] = delta[n - 2] + h[n - 2] * (sigma[n - 2] + 2.0 * sigma[n - 1]);
  f.c_[n - 1] = 3.0 * sigma[n - 1];
  f.d_[n - 1] = f.d_[n - 2];
  return f;
}

Function Function::piecewise_linear(std::vector<double> x, std::vector<double> y) {
  const std::size_t n = x.size();
  if (n < 1 || y.size() != n) throw std::invalid_argument("piecewise linear function needs as many x as y values");
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) throw std::invalid_argument("knot is not a finite number");
  for (std::size_t i = 1; i < n; ++i)
    if (!(x[i] > x[i - 1])) throw std::invalid_argument("x values must increase");
  Function f;
  f.kind_ = FunctionKind::PiecewiseLinear;
  f.x_ = std::move(x);
  f.y_ = std::move(y);
  f.b_.assign(n, 0.0);
  for (std::size_t i = 0; i + 1 < n; ++i) f.b_[i] = (f.y_[i + 1] - f.y_[i]) / std::max(kTiny, f.x_[i + 1] - f.x_[i]);
  if (n >= 2) f.b_[n - 1] = f.b_[n - 2];
  return f;
}

bool Function::is_unit_linear() const {
  return kind_ == FunctionKind::Linear && !wrapped_in_multiplier_ && std::abs(slope_) == 1.0;
}

FunctionValue Function::eval(double t) const {
  FunctionValue v;
  switch (kind_) {
    case FunctionKind::Constant:
      v.f = constant_;
      break;
    case FunctionKind::Linear:
      v.f = slope_ * t + intercept_;
      v.df = slope_;
      break;
    case FunctionKind::Polynomial: {
      // Horner's rule for value and both derivatives.
      double p = 0, dp = 0, ddp = 0;
      for (double c : y_) {
        ddp = ddp * t + 2.0 * dp;
        dp = dp * t + p;
        p = p * t + c;
      }
      v = {p, dp, ddp};
      break;
    }
    case FunctionKind::SimmSpline:
    case FunctionKind::PiecewiseLinear: {
      const std::size_t n = x_.size();
      const bool cubic = kind_ == FunctionKind::SimmSpline;
      if (n == 1) {
        v.f = y_[0];
        break;
      }
      // Linear extrapolation with the end slopes (docs/opensim-semantics.md#functions).
      if (t < x_[0] && std::abs(t - x_[0]) > kRoundoff) {
        v = {y_[0] + (t - x_[0]) * b_[0], b_[0], 0.0};
        break;
      }
      if (t > x_[n - 1] && std::abs(t - x_[n - 1]) > kRoundoff) {
        v = {y_[n - 1] + (t - x_[n - 1]) * b_[n - 1], b_[n - 1], 0.0};
        break;
      }
      if (std::abs(t - x_[0]) <= kRoundoff) {
        v = {y_[0], b_[0], cubic ? 2.0 * c_[0] : 0.0};
        break;
      }
      if (std::abs(t - x_[n - 1]) <= kRoundoff) {
        v = {y_[n - 1], b_[n - 1], cubic ? 2.0 * c_[n - 1] : 0.0};
        break;
      }
      const std::size_t k = find_interval(x_, t);
      const double h = t - x_[k];
      if (cubic) {
        v.f = y_[k] + h * (b_[k] + h * (c_[k] + h * d_[k]));
        v.df = b_[k] + h * (2.0 * c_[k] + 3.0 * h * d_[k]);
        v.ddf = 2.0 * c_[k] + 6.0 * h * d_[k];
      } else {
        v = {y_[k] + h * b_[k], b_[k], 0.0};
      }
      break;
    }
  }
  v.f *= scale_;
  v.df *= scale_;
  v.ddf *= scale_;
  return v;
}

std::string Function::describe() const {
  switch (kind_) {
    case FunctionKind::Constant: return fmt::format("Constant({})", constant_ * scale_);
    case FunctionKind::Linear: return fmt::format("Linear({}, {})", slope_, intercept_);
    case FunctionKind::Polynomial: return fmt::format("Polynomial(degree {})", y_.size() - 1);
    case FunctionKind::SimmSpline: return fmt::format("SimmSpline({} knots)", x_.size());
    case FunctionKind::PiecewiseLinear: return fmt::format("PiecewiseLinear({} knots)", x_.size());
  }
  return "?";
}

}  // namespace weaklink

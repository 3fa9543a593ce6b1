#pragma once
// Scalar functions of one variable used by joints, path points and couplers (docs/opensim-semantics.md#functions).
// A closed set dispatched by a switch: evaluation never allocates and never calls virtuals.
// MultiplierFunction is folded into `scale` (f = scale * g), so nesting costs nothing at run time.
#include <string>
#include <vector>

namespace weaklink {

enum class FunctionKind { Constant, Linear, Polynomial, SimmSpline, PiecewiseLinear };

struct FunctionValue {
  double f = 0, df = 0, ddf = 0;  // value, first and second derivative
};

class Function {
 public:
  static Function constant(double value);
  static Function linear(double slope, double intercept);
  // Coefficients in decreasing powers, as OpenSim's PolynomialFunction.
  static Function polynomial(std::vector<double> coefficients);
  // Forsythe–Malcolm–Moler interpolating cubic (OpenSim SimmSpline, also read as NaturalCubicSpline).
  static Function simm_spline(std::vector<double> x, std::vector<double> y);
  static Function piecewise_linear(std::vector<double> x, std::vector<double> y);

  FunctionValue eval(double x) const;
  double value(double x) const { return eval(x).f; }

  FunctionKind kind() const { return kind_; }
  double scale() const { return scale_; }
  // MultiplierFunction wrapping: f = s * g.
  void multiply_by(double s) { scale_ *= s; wrapped_in_multiplier_ = true; }
  bool wrapped_in_multiplier() const { return wrapped_in_multiplier_; }
  // True for a bare LinearFunction with slope exactly +1 or -1 (docs/opensim-semantics.md#bodies-and-joints).
  bool is_unit_linear() const;
  bool is_constant() const { return kind_ == FunctionKind::Constant; }
  double linear_slope() const { return slope_; }
  double linear_intercept() const { return intercept_; }
  const std::vector<double>& knots_x() const { return x_; }
  const std::vector<double>& knots_y() const { return y_; }
  const std::vector<double>& coefficients() const { return y_; }
  std::string describe() const;  // e.g. "SimmSpline(12 knots)"

 private:
  FunctionKind kind_ = FunctionKind::Constant;
  double scale_ = 1.0;
  bool wrapped_in_multiplier_ = false;
  double constant_ = 0.0, slope_ = 1.0, intercept_ = 0.0;
  std::vector<double> x_, y_, b_, c_, d_;  // knots and per-knot cubic coefficients
};

}  // namespace weaklink

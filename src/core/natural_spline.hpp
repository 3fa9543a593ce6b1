#pragma once
// Interpolating natural spline of odd degree 2m−1 (m = 2 cubic, m = 3 quintic) through every
// sample. OpenSim fits Woltring's GCV spline with zero error variance for coordinates (degree 5)
// and ground reaction data (degree 3); that fit degenerates to exactly this interpolating natural
// spline (docs/opensim-semantics.md#functions), so we build it directly: piecewise polynomials, C^(2m−2) at the
// knots, derivatives m..2m−2 zero at both ends; outside the data a degree m−1 continuation.
// Built once per column (set-up), evaluated without allocation.
#include <vector>

#include "core/function.hpp"

namespace weaklink {

class NaturalSpline {
 public:
  NaturalSpline() = default;
  // x strictly increasing, at least `degree + 1` samples; degree 3 or 5. Throws invalid_argument.
  NaturalSpline(const std::vector<double>& x, const std::vector<double>& y, int degree);
  FunctionValue eval(double t) const;
  int degree() const { return 2 * m_ - 1; }

 private:
  int m_ = 3;
  double h0_ = 1.0;                 // derivatives are scaled by h0^k for conditioning
  std::vector<double> x_;
  std::vector<double> coef_;        // per interval, 2m coefficients in τ = (t − x_i)/h0
  std::vector<double> left_, right_;  // scaled derivatives 0..m−1 at the ends (extrapolation)
};

}  // namespace weaklink

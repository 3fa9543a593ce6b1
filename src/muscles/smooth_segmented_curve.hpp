#pragma once
// Smooth segmented curves: a chain of 2-D quintic Bezier segments with linear extrapolation
// outside [x_start, x_end]. This is the curve family of the Millard2012 muscle
// (Millard et al. 2013, J Biomech Eng 135:021005, Appendix; docs/opensim-semantics.md#muscles).
//
// Everything is fixed-size: building happens once at parse time, evaluation never allocates.
#include <array>
#include <span>

namespace weaklink {

// One segment: (x(u), y(u)) = sum_{i=0..5} C(5,i) (1-u)^(5-i) u^i P_i,  u in [0,1].
struct QuinticBezierSegment {
  std::array<double, 6> x{};
  std::array<double, 6> y{};
};

// A corner of the curve: a point the curve passes through and the slope it has there.
struct CurveCorner {
  double x = 0, y = 0, slope = 0;
};

struct CurveValue {
  double value = 0;
  double slope = 0;  // dy/dx
};

struct SmoothSegmentedCurve {
  static constexpr int kMaxSegments = 5;  // the active force-length curve has 5 (the most)
  std::array<QuinticBezierSegment, kMaxSegments> segments{};
  int num_segments = 0;
  // Extrapolation: y = y_start + slope_start (x - x_start) left of the domain, likewise right.
  double x_start = 0, x_end = 0, y_start = 0, y_end = 0, slope_start = 0, slope_end = 0;

  CurveValue evaluate(double x) const;
  double value(double x) const { return evaluate(x).value; }
  double derivative(double x) const { return evaluate(x).slope; }
};

// Curviness parameter kappa in [0,1] -> Bezier control-point fraction c (docs/opensim-semantics.md#muscles).
inline double scale_curviness(double kappa) { return 0.1 + 0.8 * kappa; }

// The quintic segment from corner a to corner b with control-point fraction c: P0 = a,
// P1 = P2 = a + c (C - a), P3 = P4 = b + c (C - b), P5 = b, where C is the intersection of the
// two tangent lines (midpoint in x if they are parallel). Millard et al. 2013, Appendix.
QuinticBezierSegment bezier_corner_segment(const CurveCorner& a, const CurveCorner& b, double c);

// A curve through corners[0..n] (n <= kMaxSegments segments); segment i joins corners i and i+1
// with control fraction c[i]. The end corners' slopes are the extrapolation slopes.
SmoothSegmentedCurve make_smooth_segmented_curve(std::span<const CurveCorner> corners, std::span<const double> c);

// Bezier polynomial and its derivative with respect to u (exposed for tests).
double bezier_value(const std::array<double, 6>& p, double u);
double bezier_derivative(const std::array<double, 6>& p, double u);

}  // namespace weaklink

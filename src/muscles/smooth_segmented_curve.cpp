#include "muscles/smooth_segmented_curve.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace weaklink {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// Solves x(u) = x for u in [0,1]. x(u) is non-decreasing because the corner construction puts
// the x control points in order, so Newton steps are safeguarded by a shrinking bracket.
// (OpenSim uses plain Newton to |x(u) - x| <= 100 eps; any converged root gives the same curve.)
double solve_for_u(const QuinticBezierSegment& s, double x) {
  const double span = s.x[5] - s.x[0];
  double lo = 0.0, hi = 1.0;
  double u = span > 0 ? std::clamp((x - s.x[0]) / span, 0.0, 1.0) : 0.0;
  for (int iter = 0; iter < 100; ++iter) {
    const double f = bezier_value(s.x, u) - x;
    if (std::abs(f) <= 4 * kEps * std::max(1.0, std::abs(x))) break;
    (f > 0 ? hi : lo) = u;
    const double d = bezier_derivative(s.x, u);
    double next = d > 0 ? u - f / d : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next == u || hi - lo <= kEps) break;
    u = next;
  }
  return u;
}

}  // namespace

double bezier_value(const std::array<double, 6>& p, double u) {
  const double v = 1.0 - u;
  const double u2 = u * u, v2 = v * v;
  return p[0] * v2 * v2 * v + 5 * p[1] * u * v2 * v2 + 10 * p[2] * u2 * v2 * v + 10 * p[3] * u2 * u * v2 +
         5 * p[4] * u2 * u2 * v + p[5] * u2 * u2 * u;
}

// d/du of a degree-5 Bezier = 5 * degree-4 Bezier of the control-point differences.
double bezier_derivative(const std::array<double, 6>& p, double u) {
  const double v = 1.0 - u;
  const double u2 = u * u, v2 = v * v;
  return 5 * ((p[1] - p[0]) * v2 * v2 + 4 * (p[2] - p[1]) * u * v2 * v + 6 * (p[3] - p[2]) * u2 * v2 +
              4 * (p[4] - p[3]) * u2 * u * v + (p[5] - p[4]) * u2 * u2);
}

QuinticBezierSegment bezier_corner_segment(const CurveCorner& a, const CurveCorner& b, double c) {
  // Intersection of the tangent lines through a and b (docs/opensim-semantics.md#muscles).
  double xc = 0.5 * (a.x + b.x);
  if (std::abs(a.slope - b.slope) > std::sqrt(kEps))
    xc = (b.y - a.y - b.x * b.slope + a.x * a.slope) / (a.slope - b.slope);
  const double yc = (xc - b.x) * b.slope + b.y;

  QuinticBezierSegment s;
  s.x = {a.x, a.x + c * (xc - a.x), a.x + c * (xc - a.x), b.x + c * (xc - b.x), b.x + c * (xc - b.x), b.x};
  s.y = {a.y, a.y + c * (yc - a.y), a.y + c * (yc - a.y), b.y + c * (yc - b.y), b.y + c * (yc - b.y), b.y};
  return s;
}

SmoothSegmentedCurve make_smooth_segmented_curve(std::span<const CurveCorner> corners, std::span<const double> c) {
  const int n = static_cast<int>(corners.size()) - 1;
  if (n < 1 || n > SmoothSegmentedCurve::kMaxSegments || static_cast<int>(c.size()) != n)
    throw std::logic_error("make_smooth_segmented_curve: bad number of corners or curvinesses");
  SmoothSegmentedCurve curve;
  curve.num_segments = n;
  for (int i = 0; i < n; ++i) curve.segments[i] = bezier_corner_segment(corners[i], corners[i + 1], c[i]);
  curve.x_start = corners.front().x;
  curve.y_start = corners.front().y;
  curve.slope_start = corners.front().slope;
  curve.x_end = corners.back().x;
  curve.y_end = corners.back().y;
  curve.slope_end = corners.back().slope;
  return curve;
}

CurveValue SmoothSegmentedCurve::evaluate(double x) const {
  if (x < x_start) return {y_start + slope_start * (x - x_start), slope_start};
  if (x > x_end) return {y_end + slope_end * (x - x_end), slope_end};
  // Segment with P0.x <= x < P5.x; the last one also owns its end point.
  int i = 0;
  while (i < num_segments - 1 && x >= segments[i].x[5]) ++i;
  const QuinticBezierSegment& s = segments[i];
  const double u = solve_for_u(s, x);
  const double dx = bezier_derivative(s.x, u);
  const double dy = bezier_derivative(s.y, u);
  return {bezier_value(s.y, u), dx != 0 ? dy / dx : 0.0};
}

}  // namespace weaklink

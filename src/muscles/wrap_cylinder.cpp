// WrapCylinder kernel, implemented from docs/opensim-semantics.md#paths-and-wrapping (OpenSim 4.5
// WrapCylinder::wrapLine and _make_spiral_path). The comments number its steps in order.
#include "muscles/wrap_cylinder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace weaklink {
namespace {

using wrap_detail::closest_point_on_line;
using wrap_detail::dsign;
using wrap_detail::normalize_or_zero;
using wrap_detail::unit_or_zero;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// SIMM's ROUNDOFF_ERROR, the parallel-lines test of WrapMath::IntersectLines.
constexpr double kRoundoff = 2e-13;
// WrapMath::IntersectLineSegPlane's LINE_EPSILON.
constexpr double kLineEpsilon = 1e-5;
// Tangency refinement: OpenSim's TANGENCY_THRESHOLD is 0.1 degree (its comment says "1 degree"),
// at most 100 restarts, helix sampled every 2 mm (docs/opensim-semantics.md#paths-and-wrapping).
constexpr double kTangencyThreshold = 0.1 * std::numbers::pi / 180.0;
constexpr int kMaxRefineIterations = 100;
constexpr double kHelixSampleSpacing = 0.002;

const Vec3& axis_dir() {
  static const Vec3 z = Vec3::UnitZ();
  return z;
}

// OpenSim describes the cylinder axis as the line through (0, 0, -1) with direction +z.
Vec3 project_on_axis(const Vec3& p) { return closest_point_on_line(p, Vec3(0.0, 0.0, -1.0), axis_dir()); }

// WrapMath::IntersectLines: closest points of the infinite lines p1p2 and p3p4, with their
// parameters s (0 at p1, 1 at p2) and t (0 at p3, 1 at p4). Parallel lines give NaN throughout.
struct LineClosestPoints {
  Vec3 on_first, on_second;
  double s, t;
};

double det3(const Vec3& row0, const Vec3& row1, const Vec3& row2) { return row0.dot(row1.cross(row2)); }

LineClosestPoints closest_points_of_lines(const Vec3& p1, const Vec3& p2, const Vec3& p3, const Vec3& p4) {
  const auto [u1, mag1] = normalize_or_zero(p2 - p1);
  const auto [u2, mag2] = normalize_or_zero(p4 - p3);
  const Vec3 c = u1.cross(u2);
  const double denom = c.squaredNorm();
  if (std::abs(denom) <= kRoundoff) return {Vec3::Constant(kNaN), Vec3::Constant(kNaN), kNaN, kNaN};
  const Vec3 d = p3 - p1;
  const double t = det3(d, u1, c) / denom;
  const double s = det3(d, u2, c) / denom;
  return {p1 + s * u1, p3 + t * u2, s / mag1, t / mag2};
}

// WrapMath::IntersectLineSegPlane for the plane n·x + d = 0; false if the segment is (nearly)
// parallel to the plane or the crossing lies outside the segment (with LINE_EPSILON slack).
bool intersect_segment_plane(const Vec3& a, const Vec3& b, const Vec3& n, double d, Vec3& out) {
  const Vec3 v = b - a;
  const double dot = v.dot(n);
  if (std::abs(dot) < kLineEpsilon) return false;
  const double t = (-d - n.dot(a)) / dot;
  if (t < -kLineEpsilon || t > 1.0 + kLineEpsilon) return false;
  out = a + t * v;
  return true;
}

// Angle between two vectors exactly as OpenSim computes it (acos without clamping; a rounding
// overshoot gives NaN, which then loses every comparison, as in OpenSim).
double raw_angle(const Vec3& a, const Vec3& b) { return std::acos(a.dot(b) / (a.norm() * b.norm())); }

// Step 4: the two tangent points from p in the plane perpendicular to the axis.
struct TangentCandidates {
  Vec3 axis_pt;  // p11 / p22: projection of p on the axis
  double dist;   // d1 / d2: distance of p from the axis
  Vec3 a, b;     // r1a / r1b (on the +(z × v) / -(z × v) side)
};

TangentCandidates tangent_candidates(const Vec3& p, double radius) {
  const Vec3 axis_pt = project_on_axis(p);
  const auto [v, dist] = normalize_or_zero(p - axis_pt);
  const double along = radius * (radius / dist);  // R²/d along v from the axis
  const Vec3 foot = axis_pt + along * v;
  const double across = std::sqrt(radius * radius - along * along);
  const Vec3 side = axis_dir().cross(v);
  return {axis_pt, dist, foot + across * side, foot - across * side};
}

// Step 10: helix from r1 to r2 around the axis; the angle is signed (atan2 about +z) and the
// "long wrap" takes 2π − θ, which OpenSim applies to the signed angle as is.
struct Helix {
  Vec3 r1;
  double theta, dz, sense, length;
  Vec3 point(double t) const {
    return Eigen::AngleAxisd(sense * t * theta, axis_dir()) * r1 + axis_dir() * (t * dz);
  }
};

Helix make_helix(const Vec3& r1, const Vec3& r2, double radius, bool long_wrap) {
  const Vec3 a1 = project_on_axis(r1);
  const Vec3 a2 = project_on_axis(r2);
  const double dz = (a2 - a1).dot(axis_dir());
  const Vec3 uu = r1 - a1;
  const Vec3 vv = r2 - a2;
  double theta = std::atan2(uu.cross(vv).dot(axis_dir()), uu.dot(vv));
  if (long_wrap) theta = 2.0 * std::numbers::pi - theta;
  const double x = radius * theta;
  return {r1, theta, dz, long_wrap ? -1.0 : 1.0, std::sqrt(x * x + dz * dz)};
}

// Step 11 (WrapCylinder::_adjust_tangent_point): if the line p→r and the helix chord r→w make
// different angles with the axis, slide r along the axis-parallel line through it, overshooting
// by 1.5 × the distance to where the line p→w crosses that line.
bool adjust_tangent_point(const Vec3& p, const Vec3& w, Vec3& r) {
  const double alpha = std::acos(unit_or_zero(r - p).dot(axis_dir()));
  const double omega = std::acos(unit_or_zero(w - r).dot(axis_dir()));
  if (!(std::abs(alpha - omega) > kTangencyThreshold)) return false;
  const Vec3 pa = closest_point_on_line(p, r, axis_dir());
  const Vec3 wa = closest_point_on_line(w, r, axis_dir());
  const LineClosestPoints c = closest_points_of_lines(p, w, pa, wa);
  // Guard (not in OpenSim, which reads an uninitialized point here): p and w at the same height
  // make the axis-parallel line degenerate; leave r where it is.
  if (std::isnan(c.t)) return false;
  r += 1.5 * (c.on_second - r);
  return true;
}

// Steps 10-11: surface length, optionally after OpenSim's tangency refinement. The refinement
// compares against the second helix sample (t = 1/n) and the second-to-last (t = 1 − 1/n), so it
// needs n >= 2 samples. As in OpenSim 4.5 (whose helix-point lambda reads the current r1), the
// second-to-last sample is taken from the already adjusted r1 with the old θ and Δz.
double spiral_length(const Vec3& p1, const Vec3& p2, double radius, bool long_wrap, bool refine,
                     Vec3& r1, Vec3& r2) {
  for (int iterations = 0;; ++iterations) {
    const Helix helix = make_helix(r1, r2, radius, long_wrap);
    if (!refine || iterations >= kMaxRefineIterations) return helix.length;
    const int samples = std::max(1, static_cast<int>(helix.length / kHelixSampleSpacing));
    if (samples < 2) return helix.length;
    const double t = 1.0 / samples;
    const bool moved1 = adjust_tangent_point(p1, helix.point(t), r1);
    Helix shifted = helix;
    shifted.r1 = r1;
    const bool moved2 = adjust_tangent_point(p2, shifted.point(1.0 - t), r2);
    if (!moved1 && !moved2) return helix.length;
  }
}

}  // namespace

WrapResult wrap_cylinder(const Vec3& p1, const Vec3& p2, double radius, double length, WrapQuadrant q,
                         bool refine_tangency, CylinderTangency mode) {
  const double r_squared = radius * radius;

  // Step 1: an end point inside the (infinite) cylinder disables wrapping.
  if ((p1 - project_on_axis(p1)).squaredNorm() < r_squared || (p2 - project_on_axis(p2)).squaredNorm() < r_squared)
    return {WrapStatus::InsideRadius};

  // Step 2: closest approach of line P1P2 to the axis line (given by the cylinder's end points).
  const LineClosestPoints near =
      closest_points_of_lines(p1, p2, Vec3(0.0, 0.0, -0.5 * length), Vec3(0.0, 0.0, 0.5 * length));
  const Vec3& near12 = near.on_first;
  const bool line_hits =
      (near12 - near.on_second).squaredNorm() < r_squared && near.s > 0.0 && near.s < 1.0;

  // Step 3: unconstrained wraps happen only when the segment itself crosses the cylinder.
  WrapStatus status = WrapStatus::Wrapped;
  if (!q.constrained()) {
    if (!line_hits) return {WrapStatus::NoWrap};
    status = WrapStatus::MandatoryWrap;
  }

  // Step 4.
  const TangentCandidates c1 = tangent_candidates(p1, radius);
  const TangentCandidates c2 = tangent_candidates(p2, radius);
  const Vec3& p11 = c1.axis_pt;
  const Vec3& p22 = c2.axis_pt;

  Vec3 r1, r2;
  bool far_side = false;
  bool long_wrap = false;
  if (q.constrained()) {
    // Step 5.
    const int k = q.axis;
    const int sign = q.sign;
    if (dsign(p1[k]) == sign || dsign(p2[k]) == sign) {
      if (line_hits)
        status = WrapStatus::MandatoryWrap;
      else if (dsign(p1[k]) != dsign(p2[k]) && dsign(near12[k]) != sign)
        status = WrapStatus::Wrapped;
      else
        return {WrapStatus::NoWrap};
    }
    const double alpha = raw_angle(c1.a - p11, c2.b - p22);
    const double beta = raw_angle(c1.b - p11, c2.a - p22);
    const auto active = [&](const Vec3& r) { return dsign(r[k]) == sign; };
    // The choice is always one of the crossed pairs (r1a, r2b) or (r1b, r2a); "far side" means the
    // chosen pair is the one spanning the larger angle, except when no candidate is active.
    bool use_ab;
    if (active(c1.a) && active(c1.b))
      use_ab = !active(c2.a);
    else if (active(c1.a) != active(c1.b))
      use_ab = active(c1.a);
    else if (active(c2.a))
      use_ab = false;
    else if (active(c2.b))
      use_ab = true;
    else
      use_ab = alpha > beta;
    const bool none_active = !active(c1.a) && !active(c1.b) && !active(c2.a) && !active(c2.b);
    far_side = none_active || (use_ab ? alpha > beta : !(alpha > beta));
    r1 = use_ab ? c1.a : c1.b;
    r2 = use_ab ? c2.b : c2.a;
    long_wrap = ((r1 - p11) + (r2 - p22)).dot((r1 - p1) + (r2 - p2)) < 0.0;
  } else {
    // Step 6: the pair whose radial directions are most nearly parallel (strict comparisons,
    // so exact ties fall through to the later pair as in OpenSim).
    const Vec3 a1 = unit_or_zero(c1.a - p11), b1 = unit_or_zero(c1.b - p11);
    const Vec3 a2 = unit_or_zero(c2.a - p22), b2 = unit_or_zero(c2.b - p22);
    const double aa = a1.dot(a2), ab = a1.dot(b2), ba = b1.dot(a2), bb = b1.dot(b2);
    const bool aa_best = aa > ab && aa > ba && aa > bb;
    const bool ab_best = !aa_best && ab > ba && ab > bb;
    const bool ba_best = !aa_best && !ab_best && ba > bb;
    r1 = aa_best || ab_best ? c1.a : c1.b;
    r2 = aa_best || ba_best ? c2.a : c2.b;
  }

  const double half_length = 0.5 * length;
  const auto beyond_end = [&](const Vec3& r) { return r.z() < -half_length || r.z() > half_length; };
  if (mode == CylinderTangency::Geodesic) {
    // r1, r2 are exact tangent points in the cross-section; only their heights are free. Developed
    // onto a plane, the shortest path P1–r1–helix–r2–P2 is straight, so height grows linearly with
    // the cross-section path length s = s1 + R·θ + s2 (Clairaut: a helix is a cylinder geodesic).
    const Helix turn = make_helix(r1, r2, radius, long_wrap);
    const double arc = std::abs(radius * turn.theta);
    const double s1 = (p1 - r1).head<2>().norm();
    const double s2 = (p2 - r2).head<2>().norm();
    const double total = s1 + arc + s2;
    const double rise = p2.z() - p1.z();
    r1.z() = p1.z() + rise * (s1 / total);
    r2.z() = p1.z() + rise * ((s1 + arc) / total);
    if (beyond_end(r1) && beyond_end(r2)) return {WrapStatus::NoWrap};
    const double surface_rise = r2.z() - r1.z();
    return {status, r1, r2, std::sqrt(arc * arc + surface_rise * surface_rise)};
  }

  // Step 7: apex on the cylinder below the point of P1P2 that splits it in the ratio d1 : d2.
  const Vec3 mpt = p1 + (c1.dist / (c1.dist + c2.dist)) * (p2 - p1);
  const Vec3 axispt = project_on_axis(mpt);
  const Vec3 l = unit_or_zero(p1 - axispt).cross(unit_or_zero(p2 - axispt));
  const Vec3 normal = l / l.norm();
  const Vec3 apex1 = axispt + radius * unit_or_zero(axis_dir().cross(normal));
  const Vec3 apex2 = axispt + radius * unit_or_zero(normal.cross(axis_dir()));
  const bool apex1_nearer = (mpt - apex1).squaredNorm() < (mpt - apex2).squaredNorm();
  const Vec3& apex = (apex1_nearer != far_side) ? apex1 : apex2;

  // Step 8: slide r1, r2 along the axis direction onto the plane through P1, P2 and the apex.
  const Vec3 m = unit_or_zero(p1 - apex).cross(unit_or_zero(p2 - apex));
  const Vec3 plane_normal = m / m.norm();
  const double plane_d = -p1.dot(plane_normal);
  const Vec3 slide = 10.0 * axis_dir();
  Vec3 r1p, r2p;
  // Literal OpenSim detail: "projection on the axis" is the projection onto the line through p11
  // whose direction vector is the *point* p22 (degenerates to p11 itself when p22 is the origin).
  if (intersect_segment_plane(r1 - slide, r1 + slide, plane_normal, plane_d, r1p) &&
      (closest_point_on_line(r1p, p11, p22) - p22).squaredNorm() < (p11 - p22).squaredNorm())
    r1 = r1p;
  if (intersect_segment_plane(r2 - slide, r2 + slide, plane_normal, plane_d, r2p) &&
      (closest_point_on_line(r2p, p11, p22) - p11).squaredNorm() < (p22 - p11).squaredNorm())
    r2 = r2p;

  // Step 9: both tangent points beyond the cylinder's ends -> no wrap.
  if (beyond_end(r1) && beyond_end(r2)) return {WrapStatus::NoWrap};

  // Steps 10-11.
  const double surface_length = spiral_length(p1, p2, radius, long_wrap, refine_tangency, r1, r2);
  return {status, r1, r2, surface_length};
}

}  // namespace weaklink

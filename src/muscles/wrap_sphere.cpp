// WrapSphere kernel, implemented from docs/opensim-semantics.md#paths-and-wrapping (OpenSim 4.5 WrapSphere::wrapLine).
// The comments number its steps in order.
#include "muscles/wrap_sphere.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace weaklink {
namespace {

using wrap_detail::closest_point_on_line;
using wrap_detail::dsign;
using wrap_detail::unit_or_zero;

// OpenSim gives up on the wrap plane when |unit(P1−P2) × unit(P2)| is below this.
constexpr double kCollinearTolerance = 1e-5;

// Step 3: the two tangent points from p on the great circle in the plane with unit normal n,
// p + |p|cos(a)·(cos(a)·y ∓ sin(a)·(n × y)) with y = unit(−p), a = asin(R/|p|).
struct TangentPair {
  Vec3 a, b;
};

TangentPair tangent_points(const Vec3& p, const Vec3& n, double radius) {
  const double dist = p.norm();
  const Vec3 y = unit_or_zero(-p);
  const Vec3 z = n.cross(y);
  const double angle = std::asin(radius / dist);
  const double c = std::cos(angle), s = std::sin(angle);
  const double reach = dist * c;  // tangent length sqrt(|p|² − R²)
  return {p + (c * y - s * z) * reach, p + (c * y + s * z) * reach};
}

// Deviation from OpenSim: when P1P2 passes (within 1e-5 rad) through the centre OpenSim skips to the
// arc with the *previous call's* tangent points; a pure function has none, so it uses the plane
// containing P1P2 and the quadrant axis (unconstrained, or if that axis is nearly parallel to P1P2:
// the coordinate axis least aligned with P1P2) and proceeds normally.
Vec3 fallback_plane_normal(const Vec3& dir12, WrapQuadrant q) {
  int k = 0;
  dir12.cwiseAbs().minCoeff(&k);
  if (q.constrained() && std::abs(dir12[q.axis]) < 0.9) k = q.axis;
  return unit_or_zero(dir12.cross(Vec3::Unit(k)));
}

}  // namespace

WrapResult wrap_sphere(const Vec3& p1, const Vec3& p2, double radius, WrapQuadrant q) {
  // Step 1.
  if (p1.norm() < radius || p2.norm() < radius) return {WrapStatus::InsideRadius};

  // Step 2: P(λ) = P2 + λ(P1 − P2) must enter and leave the sphere strictly between P2 and P1.
  const Vec3 ri = p1 - p2;
  const Vec3 mp = -p2;
  const double a = ri.dot(ri);
  const double b = -2.0 * mp.dot(ri);
  const double c = mp.dot(mp) - radius * radius;
  const double disc = b * b - 4.0 * a * c;
  if (disc < 0.0) return {WrapStatus::NoWrap};
  const double l1 = (-b + std::sqrt(disc)) / (2.0 * a);
  const double l2 = (-b - std::sqrt(disc)) / (2.0 * a);
  if (!(0.0 < l1 && l1 < 1.0) || !(0.0 < l2 && l2 < 1.0) || l1 < l2) return {WrapStatus::NoWrap};

  // Step 3: tangent points in the plane of P1, P2 and the centre.
  const Vec3 dir12 = unit_or_zero(p1 - p2);  // note: from P2 towards P1
  const Vec3 h = dir12.cross(unit_or_zero(p2));
  const bool through_centre = h.norm() < kCollinearTolerance;
  const Vec3 n = through_centre ? fallback_plane_normal(dir12, q) : unit_or_zero(h);
  const TangentPair t1 = tangent_points(p1, n, radius);
  const TangentPair t2 = tangent_points(p2, n, radius);
  const Vec3 r1a = unit_or_zero(t1.a), r1b = unit_or_zero(t1.b);
  const Vec3 r2a = unit_or_zero(t2.a), r2b = unit_or_zero(t2.b);

  // Largest dot of the unit radial vectors (strict comparisons: exact ties go to the later pair).
  const double j1 = r1a.dot(r2a), j2 = r1a.dot(r2b), j3 = r1b.dot(r2a), j4 = r1b.dot(r2b);
  const bool j1_best = j1 > j2 && j1 > j3 && j1 > j4;
  const bool j2_best = !j1_best && j2 > j3 && j2 > j4;
  const bool j3_best = !j1_best && !j2_best && j3 > j4;
  bool use_1a = j1_best || j2_best;  // r1 = t1.a (else t1.b)
  bool use_2a = j1_best || j3_best;  // r2 = t2.a (else t2.b)
  const auto r1 = [&] { return use_1a ? t1.a : t1.b; };
  const auto r2 = [&] { return use_2a ? t2.a : t2.b; };

  // Step 4: quadrant constraint.
  WrapStatus status = WrapStatus::Wrapped;
  bool far_side = false;
  if (q.constrained()) {
    const int k = q.axis;
    const int sign = q.sign;
    if (dsign(p1[k]) == sign || dsign(p2[k]) == sign) {
      // OpenSim quirk: the direction is a unit vector, so `along` is a distance (model units)
      // from P1 towards P2, yet it is tested against (0, 1) like a segment parameter.
      const Vec3 mm = closest_point_on_line(Vec3::Zero(), p1, dir12);
      const double along = -(mm - p1).dot(dir12);
      if (mm.squaredNorm() < radius * radius && along > 0.0 && along < 1.0)
        status = WrapStatus::MandatoryWrap;
      else if (dsign(p1[k]) != dsign(p2[k]) && dsign(mm[k]) != sign)
        status = WrapStatus::Wrapped;
      else
        return {WrapStatus::NoWrap};
    }
    if (dsign(p1[k]) != sign || dsign(p2[k]) != sign) {
      // Re-pick each tangent point towards the mean direction from the end points to the centre,
      // then flip both if the pull is against the active side. (For the fallback plane both
      // candidates are mirror images about the line, so pick towards the active side directly.)
      const Vec3 toward_center = through_centre ? Vec3(sign * Vec3::Unit(k)) : unit_or_zero(-p1 - p2);
      use_1a = r1a.dot(toward_center) > r1b.dot(toward_center);
      use_2a = r2a.dot(toward_center) > r2b.dot(toward_center);
      if (sign * unit_or_zero((r1() - p1) + (r2() - p2))[k] < 0.0) {
        use_1a = !use_1a;
        use_2a = !use_2a;
      }
      far_side = (r1() + r2()).dot((r1() - p1) + (r2() - p2)) < 0.0;
    }
  }

  // Step 5: great-circle arc (the clamp only turns a rounding NaN of OpenSim's acos into 0 or π).
  // OpenSim bug, reproduced (docs/opensim-semantics.md#paths-and-wrapping): the far-side angle is −(2π − angle), so a
  // far-side wrap reports a negative length.
  double angle = std::acos(std::clamp(unit_or_zero(r1()).dot(unit_or_zero(r2())), -1.0, 1.0));
  if (far_side) angle = -(2.0 * std::numbers::pi - angle);
  return {status, r1(), r2(), radius * angle};
}

}  // namespace weaklink

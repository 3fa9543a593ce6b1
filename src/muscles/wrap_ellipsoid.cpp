// WrapEllipsoid kernel, implemented from docs/opensim-semantics.md#paths-and-wrapping (OpenSim 4.5 WrapEllipsoid, which
// is SIMM's algorithm). The comments number its steps in order. All work happens in coordinates
// scaled by f = 3/(a+b+c) (OpenSim: "works best if the coordinates are close to 1"); the ellipsoid
// centre is W's origin, which OpenSim's formulas carry as m = 0 and which is dropped here.
#include "muscles/wrap_ellipsoid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <Eigen/LU>

namespace weaklink {
namespace {

using wrap_detail::dsign;
using wrap_detail::unit_or_zero;
using Vec4 = Eigen::Vector4d;
using Mat4 = Eigen::Matrix4d;

// Constants of OpenSim's WrapEllipsoid.cpp (docs/opensim-semantics.md#paths-and-wrapping).
constexpr double kInsideTolerance = 1e-4;     // step 1: p·e < −1e-4 means inside
constexpr double kCollinearTolerance = 1e-4;  // step 2
constexpr double kMuBlendMin = 0.7073;        // at or below: 100 % fan (must exceed cos 45°)
constexpr double kMuBlendMax = 0.9;           // at or above: 100 % axial ("Frans") point
constexpr double kSvBoundaryBlend = 0.3;      // hybrid: fade the axial point near the chord ends
constexpr int kFanSamples = 300;              // chord points k/300, k = 1..298
constexpr double kRoundoff = 2e-13;           // SIMM ROUNDOFF_ERROR: "on a coordinate plane"
constexpr int kNewtonIterations = 64;         // Eberly closest point
constexpr double kNewtonTolerance = 1e-9;
constexpr double kTangentTolerance = 1e-8;  // ELLIPSOID_TINY: residual sum of squares
constexpr int kTangentOuterIterations = 50;
constexpr int kTangentInnerIterations = 1000;
constexpr double kSegmentLength = 0.001;  // polyline step in model units (m), at most 499 steps
constexpr int kMaxSegments = 499;

// Eberly (Graphics Gems IV): closest point (x, y) on the ellipse (x/a)² + (y/b)² = 1 to (u, v),
// with SIMM's special handling of points on the coordinate axes.
void closest_point_on_ellipse(double a, double b, double u, double v, double& x, double& y) {
  const double a2 = a * a, b2 = b * b;
  const double a2u2 = a2 * (u * u), b2v2 = b2 * (v * v);
  const bool on_y_axis = std::abs(u) <= kRoundoff;
  const bool on_x_axis = std::abs(v) <= kRoundoff;
  if (on_y_axis && on_x_axis) {
    x = a < b ? (u < 0.0 ? -a : a) : u;
    y = a < b ? v : (v < 0.0 ? -b : b);
    return;
  }
  if (on_y_axis) {
    if (a >= b || std::abs(v) >= b - a2 / b) {
      x = u;
      y = v >= 0 ? b : -b;
    } else {
      y = b2 * v / (b2 - a2);
      const double ydb = y / b;
      x = a * std::sqrt(std::abs(1 - ydb * ydb));
    }
    return;
  }
  if (on_x_axis) {
    if (b >= a || std::abs(u) >= a - b2 / a) {
      x = u >= 0 ? a : -a;
      y = v;
    } else {
      x = a2 * u / (a2 - b2);
      const double xda = x / a;
      y = b * std::sqrt(std::abs(1 - xda * xda));
    }
    return;
  }
  // Newton on the Lagrange parameter; after 64 iterations the last iterate is used regardless.
  double t = (u / a) * (u / a) + (v / b) * (v / b) < 1.0 ? 0.0 : std::max(a, b) * std::sqrt(u * u + v * v);
  double P = 0.0, Q = 0.0;
  for (int i = 0; i < kNewtonIterations; ++i) {
    P = t + a2;
    Q = t + b2;
    const double P2 = P * P, Q2 = Q * Q;
    const double f = P2 * Q2 - a2u2 * Q2 - b2v2 * P2;
    if (std::abs(f) < kNewtonTolerance) break;
    t -= f / (2.0 * (P * Q * (P + Q) - a2u2 * Q - b2v2 * P));
  }
  x = a2 * u / P;
  y = b2 * v / Q;
}

// Closest point on the ellipsoid with semi-axes `a` to `p` (WrapEllipsoid::findClosestPoint).
// A point on a coordinate plane (or any point, if `plane_axis` names one) is solved in that plane's
// elliptical cross-section; if several planes apply, the one with the narrowest cross-section.
// Returns false and leaves `out` untouched when the 3-D Newton iteration does not converge in 64
// steps: OpenSim then keeps whatever the output held, and so do callers here.
bool closest_point_on_ellipsoid(const Vec3& a, const Vec3& p, Vec3& out, int plane_axis = -1) {
  if (plane_axis < 0) {
    double narrowest = std::numeric_limits<double>::infinity();
    for (int i = 0; i < 3; ++i) {
      if (std::abs(p[i]) > kRoundoff) continue;
      const double radii_sum = i == 0 ? a[1] + a[2] : (i == 1 ? a[0] + a[2] : a[0] + a[1]);
      if (narrowest > radii_sum) {
        plane_axis = i;
        narrowest = radii_sum;
      }
    }
  }
  if (plane_axis >= 0) {
    const int j = (plane_axis + 1) % 3, k = (plane_axis + 2) % 3;
    out[plane_axis] = p[plane_axis];
    closest_point_on_ellipse(a[j], a[k], p[j], p[k], out[j], out[k]);
    return true;
  }
  const Vec3 a2 = a.cwiseProduct(a);
  const double a2u2 = a2[0] * (p[0] * p[0]), b2v2 = a2[1] * (p[1] * p[1]), c2w2 = a2[2] * (p[2] * p[2]);
  double t = p.cwiseQuotient(a).squaredNorm() < 1.0 ? 0.0 : a.maxCoeff() * p.norm();
  for (int i = 0; i < kNewtonIterations; ++i) {
    const double P = t + a2[0], Q = t + a2[1], R = t + a2[2];
    const double P2 = P * P, Q2 = Q * Q, R2 = R * R;
    const double f = P2 * Q2 * R2 - a2u2 * Q2 * R2 - b2v2 * P2 * R2 - c2w2 * P2 * Q2;
    if (std::abs(f) < kNewtonTolerance) {
      out = Vec3(a2[0] * p[0] / P, a2[1] * p[1] / Q, a2[2] * p[2] / R);
      return true;
    }
    const double PQ = P * Q, PR = P * R, QR = Q * R, PQR = P * Q * R;
    t -= f / (2.0 * (PQR * (QR + PR + PQ) - a2u2 * QR * (Q + R) - b2v2 * PR * (P + R) - c2w2 * PQ * (P + Q)));
  }
  return false;
}

// Step 6 residuals for surface point r, tangent-plane offset d and end point p:
// r in the wrap plane, r on the surface, d defines r's tangent plane, p lies in that plane.
Vec4 tangent_residuals(const Vec3& r, double d, const Vec3& p, const Vec3& a, const Vec3& vs, double vs4) {
  const Vec3 nr = (2.0 * r).cwiseQuotient(a.cwiseProduct(a));  // surface gradient at r
  return {vs.dot(r) + vs4, r.cwiseQuotient(a).squaredNorm() - 1.0, nr.dot(r) + d, nr.dot(p) + d};
}

// Step 6 (WrapEllipsoid::calcTangentPoint): SIMM's damped Gauss-Newton / Levenberg-Marquardt
// search for the tangent point r from end point p, starting from the given r. Its schedule is kept
// literally, including that rejected inner steps accumulate, because the iterates (not only the
// converged answer) decide which tangent point is reached.
void solve_tangent_point(double pe, const Vec3& p, const Vec3& a, const Vec3& vs, double vs4, Vec3& r) {
  if (std::abs(pe) < kInsideTolerance) {  // end point on the surface: it is its own tangent point
    r = p;
    return;
  }
  const Vec3 a2 = a.cwiseProduct(a);
  double d = -((2.0 * r).cwiseQuotient(a2)).dot(r);
  double ssq = tangent_residuals(r, d, p, a, vs, vs4).squaredNorm();
  double ssqo = ssq;
  double alpha = 0.01;
  const auto take = [&](const Vec4& step) {
    r += step.head<3>();
    d += step[3];
    ssqo = ssq;
    ssq = tangent_residuals(r, d, p, a, vs, vs4).squaredNorm();
  };
  for (int outer = 0; ssq > kTangentTolerance && outer < kTangentOuterIterations; ++outer) {
    const Vec4 e = tangent_residuals(r, d, p, a, vs, vs4);
    Mat4 jt;  // transposed Jacobian: rows = unknowns (r, d), columns = residuals
    for (int i = 0; i < 3; ++i)
      jt.row(i) << vs[i], 2.0 * r[i] / a2[i], 2.0 * (2.0 * r[i]) / a2[i], 2.0 * p[i] / a2[i];
    jt.row(3) << 0.0, 0.0, 1.0, 1.0;
    // Damp steps that would pull r towards the far side as the line p→r nears p→centre.
    const double pcos = unit_or_zero(p - r).dot(unit_or_zero(p));
    const double damping = pcos > 0.1 ? 1.0 - std::pow(pcos, 100) : 1.0;
    const Vec4 v = -jt * e;
    Mat4 jtj = jt * jt.transpose();
    const Vec4 diag = jtj.diagonal();
    Vec4 step = Vec4::Zero();
    for (int inner = 0; ssq >= ssqo && inner < kTangentInnerIterations; ++inner) {
      jtj.diagonal() = diag * (1.0 + alpha);
      step = damping * (jtj.inverse() * v) / 16.0;
      take(step);
      alpha *= 4.0;
    }
    alpha /= 8.0;
    // Then extrapolate with doubling steps while the residual keeps falling; undo the last one.
    double fakt = 0.5;
    for (int inner = 0; ssq <= ssqo && inner < kTangentInnerIterations; ++inner) {
      fakt *= 2.0;
      take(step * fakt);
    }
    r -= step.head<3>() * fakt;
    d -= step[3] * fakt;
    ssq = ssqo = tangent_residuals(r, d, p, a, vs, vs4).squaredNorm();
  }
}

// Step 7 (WrapEllipsoid::CalcDistanceOnEllipsoid): length of the polyline from r1 to r2 on the
// intersection of the ellipsoid with the plane vs·x + vs4 = 0, sampled by rotating a ray about a0
// (where the plane crosses the coordinate axis most normal to it) in ~1 mm steps. The samples are
// streamed, not stored; the first and last interior samples are kept for the far-side test.
struct SurfacePath {
  double length;  // scaled units
  int interior;   // number of interior samples
  Vec3 first_interior, last_interior;
};

SurfacePath surface_path(const Vec3& r1, const Vec3& r2, const Vec3& a, const Vec3& vs, double vs4,
                         double factor, bool far_side) {
  const double chord = (r1 - r2).norm() / factor;  // model units
  if (chord < kSegmentLength) return {chord * factor, 0, r1, r2};
  const int segments = std::min(static_cast<int>(chord / kSegmentLength), kMaxSegments);

  int imax = 0;
  for (int i = 1; i < 3; ++i)
    if (std::abs(vs[i]) > std::abs(vs[imax])) imax = i;
  const Vec3 a0 = (-vs4 / vs[imax]) * Vec3::Unit(imax);
  const Vec3 ar1 = unit_or_zero(r1 - a0);
  const Vec3 ar2 = unit_or_zero(r2 - a0);
  const double phi0 = std::acos(std::clamp(ar1.dot(ar2), -1.0, 1.0));
  const double dphi = far_side ? -(2.0 * std::numbers::pi - phi0) / segments : phi0 / segments;
  const Vec3 vsz = unit_or_zero(ar1.cross(ar2));
  const Vec3 vsy = vsz.cross(ar1);
  const Vec3 f2 = a0.cwiseQuotient(a);
  const double cc = f2.squaredNorm() - 1.0;

  SurfacePath path{0.0, segments - 1, r1, r2};
  Vec3 prev = r1;
  for (int i = 0; i < segments - 1; ++i) {
    const double phi = (i + 1) * dphi;
    const Vec3 ray = std::cos(phi) * ar1 + std::sin(phi) * vsy;
    const Vec3 f1 = ray.cwiseQuotient(a);
    const double aa = f1.squaredNorm(), bb = 2.0 * f1.dot(f2);
    const Vec3 s = a0 + ((-bb + std::sqrt(bb * bb - 4.0 * aa * cc)) / (2.0 * aa)) * ray;
    if (i == 0) path.first_interior = s;
    path.last_interior = s;
    path.length += (s - prev).norm();
    prev = s;
  }
  path.length += (r2 - prev).norm();
  return path;
}

}  // namespace

WrapResult wrap_ellipsoid(const Vec3& point1, const Vec3& point2, const Vec3& semi_axes, WrapQuadrant q,
                          WrapMethod method) {
  const double factor = 3.0 / (semi_axes[0] + semi_axes[1] + semi_axes[2]);
  const Vec3 p1 = point1 * factor;
  const Vec3 p2 = point2 * factor;
  const Vec3 a = semi_axes * factor;

  // Step 1.
  const double p1e = p1.cwiseQuotient(a).squaredNorm() - 1.0;
  const double p2e = p2.cwiseQuotient(a).squaredNorm() - 1.0;
  if (p1e < -kInsideTolerance || p2e < -kInsideTolerance) return {WrapStatus::InsideRadius};

  // Step 2.
  if (std::abs(unit_or_zero(p1).dot(unit_or_zero(p2)) - 1.0) < kCollinearTolerance) return {WrapStatus::NoWrap};

  // Step 3: the line P2 + λ(P1 − P2) must enter and leave the ellipsoid strictly inside the segment.
  const Vec3 p1p2 = p1 - p2;
  const Vec3 f1 = p1p2.cwiseQuotient(a);
  const Vec3 f2 = p2.cwiseQuotient(a);
  const double aa = f1.squaredNorm(), bb = 2.0 * f1.dot(f2), cc = f2.squaredNorm() - 1.0;
  const double disc = bb * bb - 4.0 * aa * cc;
  if (disc < 0.0) return {WrapStatus::NoWrap};
  const double l1 = (-bb + std::sqrt(disc)) / (2.0 * aa);
  const double l2 = (-bb - std::sqrt(disc)) / (2.0 * aa);
  if (!(0.0 < l1 && l1 < 1.0) || !(0.0 < l2 && l2 < 1.0)) return {WrapStatus::NoWrap};
  Vec3 r1 = p2 + l1 * p1p2;  // entry point (P1 side)
  Vec3 r2 = p2 + l2 * p1p2;  // exit point (P2 side)

  // Step 4: constraint point c1. For each axis i: the chord point sv_i where coordinate i is 0 and
  // its closest surface point in that cross-section ("Frans' technique").
  const Vec3 r1r2 = r2 - r1;
  Vec3 mu = unit_or_zero(p1p2).cwiseAbs();
  Vec3 t, t_sv[3], t_c1[3];
  for (int i = 0; i < 3; ++i) {
    t[i] = -r1[i] / r1r2[i];
    t_sv[i] = r1 + t[i] * r1r2;
    closest_point_on_ellipsoid(a, t_sv[i], t_c1[i], i);
  }
  int best = 0;  // the axis most parallel to the muscle line
  for (int i = 1; i < 3; ++i)
    if (mu[i] > mu[best]) best = i;

  // Deviation: OpenSim starts from the previous call's c1, which survives only if every closest-
  // point solve below fails to converge; a pure function starts from the axial point instead.
  Vec3 c1 = t_c1[best];
  double fan_weight = -std::numeric_limits<double>::infinity();
  if (method == WrapMethod::Midpoint) {
    closest_point_on_ellipsoid(a, r1 + 0.5 * (r2 - r1), c1);
  } else {
    if (method == WrapMethod::Hybrid && mu[best] > kMuBlendMin) {
      // An axial point outside (or near the ends of) the chord fights the fan solution; fade it out.
      double s = 1.0;
      if (t[best] < 0.0 || t[best] > 1.0)
        s = 0.0;
      else if (t[best] < kSvBoundaryBlend)
        s = t[best] / kSvBoundaryBlend;
      else if (t[best] > 1.0 - kSvBoundaryBlend)
        s = (1.0 - t[best]) / kSvBoundaryBlend;
      if (s < 1.0) mu[best] = kMuBlendMin + s * (mu[best] - kMuBlendMin);
    }
    if (method == WrapMethod::Axial || mu[best] > kMuBlendMin) c1 = t_c1[best];
    if (method == WrapMethod::Hybrid && mu[best] < kMuBlendMax) {
      // Fan: average the unit "blades" from chord points to their closest surface points and go
      // one (scaled) unit from the chord midpoint along that mean. t_c1[0] is reused as the solver
      // output, so a non-converged sample repeats the previous blade, as in OpenSim.
      const Vec3 midpoint = r1 + 0.5 * r1r2;
      Vec3 v_sum = Vec3::Zero();
      for (int i = 1; i < kFanSamples - 1; ++i) {
        const Vec3 sv = r1 + (static_cast<double>(i) / kFanSamples) * r1r2;
        closest_point_on_ellipsoid(a, sv, t_c1[0]);
        v_sum += unit_or_zero(t_c1[0] - sv);
      }
      t_c1[0] = midpoint + unit_or_zero(v_sum);
      if (mu[best] <= kMuBlendMin) {
        closest_point_on_ellipsoid(a, t_c1[0], c1);
        fan_weight = 1.0;
      } else {  // blend the axial and fan points linearly in mu, then back onto the surface
        const double w = (mu[best] - kMuBlendMin) / (kMuBlendMax - kMuBlendMin);
        closest_point_on_ellipsoid(a, t_c1[0], t_c1[1]);
        t_c1[2] = w * c1 + (1.0 - w) * t_c1[1];
        closest_point_on_ellipsoid(a, t_c1[2], c1);
        fan_weight = 1.0 - w;
      }
    }
  }
  // The tangent-point searches start at c1 (which keeps the path on c1's side); the axial method
  // keeps the chord's entry/exit points when its axial point is not on the chord.
  if (method != WrapMethod::Axial || (t[best] > 0.0 && t[best] < 1.0)) r1 = r2 = c1;

  // Step 5: quadrant. A c1 on the inactive side is mirrored to the active side (the searches start
  // there) and, for fan-based c1, pulled back toward the mirror plane by the fan weight and
  // re-projected. OpenSim also intends a fan weight from mu when the fan was not run, but tests
  // for it with EQUAL_WITHIN_ERROR(fanWeight, -Infinity), which is NaN <= tol, i.e. never true.
  if (q.constrained() && dsign(c1[q.axis]) != q.sign) {
    const int k = q.axis;
    const double original = c1[k];
    c1[k] = -c1[k];
    r1 = r2 = c1;
    fan_weight = std::min(fan_weight, 1.0);
    if (fan_weight > 0.0) {
      const double bisection = (original + c1[k]) / 2.0;
      c1[k] += fan_weight * (bisection - c1[k]);
      const Vec3 target = c1;
      closest_point_on_ellipsoid(a, target, c1);
    }
  }

  // Step 6: wrap plane through c1 containing P1 − P2, and the tangent points in it.
  const Vec3 vs = unit_or_zero(p1p2.cross(p1 - c1));
  const double vs4 = -vs.dot(c1);
  solve_tangent_point(p1e, p1, a, vs, vs4, r1);
  solve_tangent_point(p2e, p2, a, vs, vs4, r2);

  // Step 7: with a quadrant, a first or last surface step folding back along its tangent line
  // means the short arc is the wrong way round: take the far side instead.
  SurfacePath path = surface_path(r1, r2, a, vs, vs4, factor, false);
  if (q.constrained() && path.interior > 0) {
    const bool folds1 = unit_or_zero(p1 - r1).dot(unit_or_zero(path.first_interior - r1)) > 0.0;
    const bool folds2 = unit_or_zero(p2 - r2).dot(unit_or_zero(path.last_interior - r2)) > 0.0;
    if (folds1 || folds2) path = surface_path(r1, r2, a, vs, vs4, factor, true);
  }

  // Step 8.
  return {WrapStatus::MandatoryWrap, r1 / factor, r2 / factor, path.length / factor};
}

}  // namespace weaklink

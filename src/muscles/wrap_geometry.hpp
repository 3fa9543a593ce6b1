#pragma once
// Types shared by the wrap-surface kernels (wrap_cylinder, wrap_sphere, wrap_ellipsoid).
//
// Every kernel is a pure function of the two path points P1, P2 already expressed in the wrap
// object's own frame W; it reports whether the segment P1P2 wraps and, if so, the tangent points
// r1, r2 (in W) and the length over the surface between them. The path-level driver (segment
// choice, wrap-point insertion, multiple passes; docs/opensim-semantics.md#paths-and-wrapping) lives elsewhere.
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "core/ascii_lower.hpp"
#include "core/spatial.hpp"

namespace weaklink {

// OpenSim's WrapObject::WrapAction values (docs/opensim-semantics.md#paths-and-wrapping).
enum class WrapStatus { InsideRadius, NoWrap, Wrapped, MandatoryWrap };

// Active half-space of a wrap object: coordinate `axis` (0..2) of W must have sign `sign` (±1).
// axis = -1 / sign = 0 means unconstrained ("all").
struct WrapQuadrant {
  int axis = -1;
  int sign = 0;
  bool constrained() const { return sign != 0; }
};

// OpenSim's `quadrant` property: "x", "+x", "-x", ... "-z" (case-insensitive); "all",
// "Unassigned" or empty -> unconstrained. Anything else throws std::invalid_argument.
inline WrapQuadrant parse_wrap_quadrant(std::string_view text) {
  const std::string s = ascii_lower(text);
  if (s.empty() || s == "all" || s == "unassigned") return {};
  int sign = 1;
  std::string_view rest = s;
  if (rest.size() == 2 && (rest[0] == '+' || rest[0] == '-')) {
    sign = rest[0] == '-' ? -1 : 1;
    rest.remove_prefix(1);
  }
  if (rest.size() == 1 && rest[0] >= 'x' && rest[0] <= 'z') return {rest[0] - 'x', sign};
  throw std::invalid_argument("invalid wrap quadrant '" + std::string(text) +
                              "' (expected all, x, +x, -x, y, +y, -y, z, +z or -z)");
}

// PathWrap <method>; only the ellipsoid uses it (docs/opensim-semantics.md#paths-and-wrapping).
enum class WrapMethod { Hybrid, Midpoint, Axial };

struct WrapResult {
  WrapStatus status = WrapStatus::NoWrap;
  Vec3 r1 = Vec3::Zero();  // tangent point nearer P1 (meaningful for Wrapped / MandatoryWrap only)
  Vec3 r2 = Vec3::Zero();  // tangent point nearer P2
  double length = 0.0;     // length over the surface between r1 and r2 (may be < 0: sphere quirk)
};

// Small helpers with OpenSim's WrapMath/Mtx semantics, shared by the kernels.
namespace wrap_detail {

// SIMM's DSIGN: +1 for v >= 0 (including +0 and -0), -1 otherwise (and for NaN).
inline int dsign(double v) { return v >= 0.0 ? 1 : -1; }

// Mtx::Normalize: unit vector (multiplying by 1/|v|) and |v|; the zero vector stays zero.
inline std::pair<Vec3, double> normalize_or_zero(const Vec3& v) {
  const double mag = v.norm();
  if (mag == 0.0) return {Vec3::Zero(), 0.0};
  return {v * (1.0 / mag), mag};
}
inline Vec3 unit_or_zero(const Vec3& v) { return normalize_or_zero(v).first; }

// WrapMath::GetClosestPointOnLineToPoint: closest point to `pt` on the line through `line_pt`
// with (not necessarily unit) direction `dir`. A zero direction yields `line_pt` itself.
inline Vec3 closest_point_on_line(const Vec3& pt, const Vec3& line_pt, const Vec3& dir) {
  const auto [v1, mag] = normalize_or_zero(pt - line_pt);
  const Vec3 v2 = unit_or_zero(dir);
  return line_pt + (v1.dot(v2) * mag) * v2;
}

}  // namespace wrap_detail
}  // namespace weaklink

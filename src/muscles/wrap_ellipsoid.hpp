#pragma once
// WrapEllipsoid kernel (docs/opensim-semantics.md#paths-and-wrapping): SIMM's ellipsoid algorithm for an ellipsoid
// with semi-axes (a, b, c) along W's x, y, z, centred at W's origin.
#include "muscles/wrap_geometry.hpp"

namespace weaklink {

// Wraps segment p1p2 (in W) over the ellipsoid. The surface path is the intersection of the
// ellipsoid with a plane containing P1-P2, sampled as a polyline with ~1 mm segments.
WrapResult wrap_ellipsoid(const Vec3& p1, const Vec3& p2, const Vec3& semi_axes, WrapQuadrant q,
                          WrapMethod m);

}  // namespace weaklink

#pragma once
// WrapSphere kernel (docs/opensim-semantics.md#paths-and-wrapping): a sphere of radius R centred at W's origin.
#include "muscles/wrap_geometry.hpp"

namespace weaklink {

// Wraps segment p1p2 (in W) over the sphere along a great circle. Reproduces OpenSim's far-side
// quirk: a quadrant-constrained wrap the long way round reports a *negative* length.
WrapResult wrap_sphere(const Vec3& p1, const Vec3& p2, double radius, WrapQuadrant q);

}  // namespace weaklink

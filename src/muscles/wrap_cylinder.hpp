#pragma once
// WrapCylinder kernel (docs/opensim-semantics.md#paths-and-wrapping): a cylinder of radius R around W's z axis,
// centred at W's origin, of axial length L (only used to decide "no wrap" beyond its ends).
#include "muscles/wrap_geometry.hpp"

namespace weaklink {

// How the tangent points' positions along the axis are found once their side (azimuth) is chosen.
enum class CylinderTangency {
  // The exact shortest path: developed onto a plane, segment–helix–segment is one straight line.
  // Length, virtual-work moment arm and −∂L/∂q then agree exactly. weaklink's default.
  Geodesic,
  // OpenSim 4.5 literally: slide onto the plane through P1, P2 and an apex point
  // (docs/opensim-semantics.md#paths-and-wrapping), optionally refined. Off tangent by up to ~8° on oblique paths; kept
  // for parity studies.
  OpenSim,
};

// Wraps segment p1p2 (in W) over the cylinder. The side of the cylinder (and quadrant logic) is
// always OpenSim's. With CylinderTangency::OpenSim, `refine_tangency` enables OpenSim's iterative
// tangent-point adjustment, which OpenSim runs only when the path has two or more PathWraps
// (docs/opensim-semantics.md#paths-and-wrapping); the geodesic needs no refinement and ignores it.
WrapResult wrap_cylinder(const Vec3& p1, const Vec3& p2, double radius, double length, WrapQuadrant q,
                         bool refine_tangency, CylinderTangency mode = CylinderTangency::Geodesic);

}  // namespace weaklink

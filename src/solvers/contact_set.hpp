#pragma once
// Contacts whose forces static optimization solves for, together with the muscles, when no force
// plate measured them: body points that may press on planar environment surfaces (floor, seat,
// backrest, bench, machine plate). Each contact force is unilateral and inside a linearised
// friction cone: a non-negative combination of the four pyramid edges n ± μ t₁, n ± μ t₂, so
// the normal component is the sum of the edge weights and the tangential one is at most μ times
// it along t₁ and t₂ (the pyramid is inscribed in the cone). This is the formulation of
// "contact actuators" in Fluit et al. (2014) J Biomech 47:2321 and Skals et al. (2017) Multibody
// Syst Dyn 39:175, with the edge weights as unknowns of the same QP as the activations.
#include <array>
#include <string>
#include <vector>

#include "core/spatial.hpp"

namespace weaklink {

// A plane in Ground: points p with (p − point)·normal = 0; the body side is along +normal.
struct ContactSurface {
  std::string name;
  Vec3 point = Vec3::Zero();
  Vec3 normal = Vec3::UnitY();  // unit
  double friction = 0.5;        // static friction coefficient μ of the linearised cone
  double reach = 0.04;          // m: how far above the surface a point may still press on it
};

// A point fixed in a body that may press on one surface.
struct ContactPair {
  std::string name;  // the point's name (e.g. "heel_r")
  int body = 0;      // index into Model::bodies
  Vec3 p_B = Vec3::Zero();
  int surface = 0;   // index into ContactSet::surfaces
};

struct ContactSet {
  std::vector<ContactSurface> surfaces;
  std::vector<ContactPair> pairs;
  bool empty() const { return pairs.empty(); }
};

constexpr int kFrictionEdges = 4;

// The pyramid's edge directions n + μ t (unnormalised: normal component exactly 1).
inline std::array<Vec3, kFrictionEdges> friction_edges(const ContactSurface& s) {
  // Any unit t₁ ⟂ n: cross n with the Ground axis least aligned with it.
  const Vec3& n = s.normal;
  Vec3 a = Vec3::UnitX();
  if (std::abs(n.x()) > std::abs(n.y())) a = Vec3::UnitY();
  if (std::abs(a.dot(n)) > std::abs(n.z())) a = Vec3::UnitZ();
  const Vec3 t1 = n.cross(a).normalized(), t2 = n.cross(t1);
  const double mu = s.friction;
  return {n + mu * t1, n - mu * t1, n + mu * t2, n - mu * t2};
}

}  // namespace weaklink

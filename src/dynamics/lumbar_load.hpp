#pragma once
// The L5/S1 load: one definition for every command and output (analyze, run-tool's lumbar file,
// simulate, assess, weakness). See docs/assessment.md, "Lumbar load: the sign convention".
#include "core/spatial.hpp"
#include "model/model.hpp"

namespace weaklink {

// The lumbar (L5/S1) joint, or -1. Rule: the joint that owns a coordinate named
// `lumbar_extension` (gait2392, Rajagopal, the generic model); failing that, the first joint whose
// parent is the pelvis and whose child's name says torso, lumbar, thorax, trunk, spine, L5, L4,
// abdomen or back (ASCII case-insensitive).
int find_lumbar_joint(const Model& model);

// Frame T: the torso (the joint's child, the superior segment) body frame, x anterior, y superior,
// z to the right, at the joint centre on the torso. Forces are the load the upper body transmits
// to the pelvis through the joint, the convention of the spine literature (anterior shear: the
// superior vertebra pushed forward on the inferior one; positive in a forward-flexed lift):
//   compression_L5S1_T    along -y of T, positive when torso and pelvis are pressed together;
//   anterior_shear_L5S1_T along +x of T;
//   right_shear_L5S1_T    along +z of T.
// The joint's reaction on the torso is the opposite force: compression = +y, shears = -x, -z of it.
// M_pelvis_on_torso_T: the moment of that reaction on the torso about the joint centre, in T (as
// OpenSim's JointReaction reports it on the child).
struct LumbarLoad {
  double compression_L5S1_T = 0, anterior_shear_L5S1_T = 0, right_shear_L5S1_T = 0;
  Vec3 M_pelvis_on_torso_T = Vec3::Zero();
};

// From the joint's reaction on the torso (force and moment about the joint centre), in T.
LumbarLoad lumbar_load_from_reaction_on_torso(const Vec3& F_pelvis_on_torso_T, const Vec3& M_pelvis_on_torso_T);

}  // namespace weaklink

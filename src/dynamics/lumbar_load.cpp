#include "dynamics/lumbar_load.hpp"

#include <initializer_list>
#include <string>

#include "core/ascii_lower.hpp"

namespace weaklink {
namespace {

bool contains_any(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (s.find(w) != std::string::npos) return true;
  return false;
}

// Models without gait2392's coordinate names: the joint from the pelvis to the body above it.
int lumbar_joint_by_body_names(const Model& model) {
  for (int j = 0; j < static_cast<int>(model.joints.size()); ++j) {
    const Joint& jt = model.joints[static_cast<std::size_t>(j)];
    const std::string parent = ascii_lower(model.bodies[static_cast<std::size_t>(jt.parent_body)].name);
    const std::string child = ascii_lower(model.bodies[static_cast<std::size_t>(jt.child_body)].name);
    if (parent.find("pelvis") != std::string::npos &&
        contains_any(child, {"torso", "lumbar", "thorax", "trunk", "spine", "l5", "l4", "abdomen", "back"}))
      return j;
  }
  return -1;
}

}  // namespace

int find_lumbar_joint(const Model& model) {
  const int c = model.find_coordinate("lumbar_extension");
  if (c >= 0) return model.coordinates[static_cast<std::size_t>(c)].joint;
  return lumbar_joint_by_body_names(model);
}

LumbarLoad lumbar_load_from_reaction_on_torso(const Vec3& F_pelvis_on_torso_T, const Vec3& M_pelvis_on_torso_T) {
  return LumbarLoad{F_pelvis_on_torso_T.y(), -F_pelvis_on_torso_T.x(), -F_pelvis_on_torso_T.z(), M_pelvis_on_torso_T};
}

}  // namespace weaklink

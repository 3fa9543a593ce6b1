// The public entry: an activity's motion of one model, built by the steps of MotionBuilder
// (motion_builder.hpp and the files it lists).
#include "chain/motion/activity_motion.hpp"

#include "chain/motion/motion_builder.hpp"

namespace weaklink {

double anatomical_sign(const Model& model, int coordinate) {
  const Coordinate& c = model.coordinates[static_cast<std::size_t>(coordinate)];
  if (c.name.rfind("knee_angle", 0) == 0 && c.range_max < 0.5 && c.range_min < -1.0) return -1.0;
  return 1.0;
}

ActivityMotion build_activity_motion(const Model& model, const ActivityPlan& plan, const std::string& activity) {
  return motion_building::MotionBuilder(model, plan, activity).build();
}

}  // namespace weaklink

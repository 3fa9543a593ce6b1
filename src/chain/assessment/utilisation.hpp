#pragma once
// Utilisation of a muscle group (docs/assessment.md): the task's demand on the group's joint
// action over what the group's muscles could produce at full activation in that pose.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chain/assessment/assessed_groups.hpp"
#include "chain/motion/activity_motion.hpp"
#include "chain/simulation/simulate_activity.hpp"
#include "model/model.hpp"

namespace weaklink {

// One group's joint action on one side: the columns of the utilisation matrices.
struct GroupSlot {
  int group;         // index into the assessed groups
  std::string side;  // "r", "l", "both"
  int coordinate;    // index into Model::coordinates
  double direction;  // the group's action in this model's sign convention
};

// Per group, a slot for each side whose coordinate the model has (one for a bilateral group).
std::vector<GroupSlot> group_slots(const Model& model, const std::vector<AssessedGroup>& groups);

// What one activity's frames offer every group: moment arms about the groups' coordinates and
// each muscle's isometric force at full activation (rigid tendon, at norm strength), from the
// motion's poses (strength does not change them).
struct ActivityGeometry {
  std::vector<int> coordinates;            // model coordinate per slot
  std::vector<Eigen::MatrixXd> arms;       // per frame: muscles × slots
  Eigen::MatrixXd iso_force;               // frames × muscles, N
};

ActivityGeometry activity_geometry(const Model& model, const ActivityMotion& motion, const std::vector<GroupSlot>& slots);

// Per frame and slot: the net joint moment in the group's direction that the solution's muscles
// and reserves produce (the task's demand as `r` performs it), over what the group's muscles
// could produce at full activation with `muscle_strength` (the person's capacity; a scale per
// muscle): the "percent capable" of ergonomics tools, for one muscle group. `actuator_muscle`:
// per actuator of `r`, its muscle (-1: not a muscle).
Eigen::MatrixXd utilisation(const ActivityResult& r, const ActivityGeometry& geo, const std::vector<GroupSlot>& slots,
                            const std::vector<AssessedGroup>& groups, const std::vector<int>& actuator_muscle,
                            const Eigen::VectorXd& muscle_strength);

}  // namespace weaklink

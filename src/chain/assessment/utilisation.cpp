#include "chain/assessment/utilisation.hpp"

#include <algorithm>

#include "kinematics/forward_kinematics.hpp"
#include "muscles/muscle_force.hpp"
#include "muscles/path_geometry.hpp"

namespace weaklink {

std::vector<GroupSlot> group_slots(const Model& model, const std::vector<AssessedGroup>& groups) {
  std::vector<GroupSlot> slots;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& grp = groups[g];
    if (grp.bilateral) {
      const int c = model.find_coordinate(grp.coordinate);
      if (c >= 0) slots.push_back({static_cast<int>(g), "both", c, grp.direction * anatomical_sign(model, c)});
      continue;
    }
    for (const char* side : {"r", "l"}) {
      const int c = model.find_coordinate(grp.coordinate + "_" + side);
      if (c >= 0) slots.push_back({static_cast<int>(g), side, c, grp.direction * anatomical_sign(model, c)});
    }
  }
  return slots;
}

ActivityGeometry activity_geometry(const Model& model, const ActivityMotion& motion, const std::vector<GroupSlot>& slots) {
  ActivityGeometry g;
  const int n = static_cast<int>(motion.motion.time.size()), nm = static_cast<int>(model.muscles.size());
  for (const auto& s : slots) g.coordinates.push_back(s.coordinate);
  g.arms.resize(static_cast<std::size_t>(n));
  g.iso_force.resize(n, nm);
  Data data(model);
  for (int i = 0; i < n; ++i) {
    const Eigen::VectorXd q = motion.motion.q.row(i).transpose();
    calc_forward_kinematics(model, data, q);
    calc_path_geometry(model, data, q);
    Eigen::MatrixXd& a = g.arms[static_cast<std::size_t>(i)];
    a.resize(nm, static_cast<Eigen::Index>(slots.size()));
    for (std::size_t s = 0; s < slots.size(); ++s) a.col(static_cast<Eigen::Index>(s)) = data.moment_arm.col(slots[s].coordinate);
    for (int m = 0; m < nm; ++m)
      g.iso_force(i, m) = rigid_tendon_active_force(model.muscles[static_cast<std::size_t>(m)].params, data.muscle_length[m], 0.0, 1.0);
  }
  return g;
}

Eigen::MatrixXd utilisation(const ActivityResult& r, const ActivityGeometry& geo, const std::vector<GroupSlot>& slots,
                            const std::vector<AssessedGroup>& groups, const std::vector<int>& actuator_muscle,
                            const Eigen::VectorXd& muscle_strength) {
  const int n = static_cast<int>(r.motion.motion.time.size());
  Eigen::MatrixXd u = Eigen::MatrixXd::Zero(n, static_cast<Eigen::Index>(slots.size()));
  for (int i = 0; i < n; ++i) {
    const Eigen::MatrixXd& arms = geo.arms[static_cast<std::size_t>(i)];
    for (std::size_t s = 0; s < slots.size(); ++s) {
      const AssessedGroup& grp = groups[static_cast<std::size_t>(slots[s].group)];
      const Eigen::Index col = static_cast<Eigen::Index>(s);
      double net = 0;
      for (std::size_t k = 0; k < actuator_muscle.size(); ++k)
        if (actuator_muscle[k] >= 0) net += r.forces(i, static_cast<Eigen::Index>(k)) * arms(actuator_muscle[k], col);
      for (std::size_t k = 0; k < r.reserve_coordinates.size(); ++k)
        if (r.reserve_coordinates[k] == slots[s].coordinate) net += r.reserves(i, static_cast<Eigen::Index>(k));
      const double demand = std::max(0.0, slots[s].direction * net);
      const auto& members = slots[s].side == "l" ? grp.muscles_l : grp.muscles_r;
      double capacity = 0;
      for (int m : members) capacity += muscle_strength[m] * geo.iso_force(i, m) * std::max(0.0, slots[s].direction * arms(m, col));
      u(i, col) = capacity > 1e-9 ? demand / capacity : (demand > 1e-6 ? 1e6 : 0.0);
    }
  }
  return u;
}

}  // namespace weaklink

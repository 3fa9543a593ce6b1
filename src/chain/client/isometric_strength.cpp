#include "chain/client/isometric_strength.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "core/error.hpp"
#include "core/find_by_name.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "muscles/muscle_force.hpp"
#include "muscles/path_geometry.hpp"

namespace weaklink {

const std::vector<StrengthMeasure>& strength_measures() {
  // Sign conventions of the generic model (and gait2392/Rajagopal for the hip): hip flexion,
  // adduction and internal rotation positive; knee flexion positive; ankle dorsiflexion positive;
  // lumbar extension positive.
  static const std::vector<StrengthMeasure> m = {
      {"hip_extension", "hip_flexion", -1, "hip extensors", false},
      {"hip_flexion", "hip_flexion", +1, "hip flexors", false},
      {"hip_abduction", "hip_adduction", -1, "hip abductors", false},
      {"hip_adduction", "hip_adduction", +1, "hip adductors", false},
      {"hip_external_rotation", "hip_rotation", -1, "hip external rotators", false},
      {"hip_internal_rotation", "hip_rotation", +1, "hip internal rotators", false},
      {"knee_extension", "knee_angle", -1, "quadriceps", false},
      {"knee_flexion", "knee_angle", +1, "hamstrings", false},
      {"ankle_plantarflexion", "ankle_angle", -1, "calf", false},
      {"trunk_extension", "lumbar_extension", +1, "trunk extensors", true},
      {"trunk_flexion", "lumbar_extension", -1, "trunk flexors", true},
  };
  return m;
}

const StrengthMeasure& strength_measure(const std::string& name) {
  return find_by_name(strength_measures(), name, "strength measure");
}

std::map<std::string, double> parse_posture(const std::string& text, const std::string& where, bool lenient) {
  std::map<std::string, double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ';')) {
    if (item.find_first_not_of(" ") == std::string::npos) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw InputError(fmt::format("{}: posture '{}': expected name=degrees", where, quote_input(item)));
    std::string name = item.substr(0, eq);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    try {
      std::size_t used = 0;
      const std::string v = item.substr(eq + 1);
      const double d = std::stod(v, &used);
      if (!std::isfinite(d) || v.find_first_not_of(' ', used) != std::string::npos) throw std::invalid_argument(v);
      out[name] = d;
    } catch (const std::exception&) {
      if (lenient) continue;
      throw InputError(fmt::format("{}: posture '{}': expected a number of degrees", where, quote_input(item)));
    }
  }
  return out;
}

namespace {

// `max_isometric_force`: per muscle, N; nullptr: the model's own.
IsometricTorque isometric_torque(const Model& model, Data& data, const StrengthMeasure& measure, const std::string& side,
                                 const std::map<std::string, double>& posture, const std::vector<std::string>& group_muscles,
                                 const Eigen::VectorXd* max_isometric_force) {
  const int n = static_cast<int>(model.coordinates.size());
  Eigen::VectorXd q(n);
  for (int c = 0; c < n; ++c) q[c] = model.coordinates[c].default_value;
  auto coordinate_index = [&](const std::string& base) {
    int c = model.find_coordinate(base + "_" + side);
    if (c < 0) c = model.find_coordinate(base);
    if (c < 0) throw InputError(fmt::format("the model has no coordinate '{}' or '{}_{}'", quote_input(base), quote_input(base), side));
    return c;
  };
  for (const auto& [name, deg] : posture) {
    const int c = coordinate_index(name);
    q[c] = model.coordinates[c].motion_type == MotionType::Rotational ? deg * M_PI / 180 : deg;
  }
  apply_couplers(model, q);
  calc_forward_kinematics(model, data, q);
  calc_path_geometry(model, data, q);
  const int c = coordinate_index(measure.coordinate);
  IsometricTorque out;
  for (std::size_t m = 0; m < model.muscles.size(); ++m) {
    const auto& mu = model.muscles[m];
    const double arm = data.moment_arm(static_cast<Eigen::Index>(m), c) * measure.direction;
    if (arm <= 0) continue;
    // Active force only: dynamometer norms are reported with passive (gravity and tissue)
    // torques removed (Anderson et al. 2007 fit them separately).
    MuscleParams params = mu.params;
    if (max_isometric_force) params.max_isometric_force = (*max_isometric_force)[static_cast<Eigen::Index>(m)];
    const double force = rigid_tendon_active_force(params, data.muscle_length[static_cast<Eigen::Index>(m)], 0.0, 1.0);
    const double torque = force * arm;
    out.total += torque;
    for (const auto& g : group_muscles)
      if (g == mu.name) {
        out.group += torque;
        break;
      }
  }
  return out;
}

}  // namespace

IsometricTorque max_isometric_torque(const Model& model, Data& data, const StrengthMeasure& measure, const std::string& side,
                                     const std::map<std::string, double>& posture, const std::vector<std::string>& group_muscles) {
  return isometric_torque(model, data, measure, side, posture, group_muscles, nullptr);
}

IsometricTorque max_isometric_torque(const Model& model, Data& data, const StrengthMeasure& measure, const std::string& side,
                                     const std::map<std::string, double>& posture, const std::vector<std::string>& group_muscles,
                                     const MuscleStrength& strength) {
  if (strength.max_isometric_force.size() != static_cast<Eigen::Index>(model.muscles.size()))
    throw std::invalid_argument("max_isometric_torque: one force per muscle expected");
  return isometric_torque(model, data, measure, side, posture, group_muscles, &strength.max_isometric_force);
}

}  // namespace weaklink

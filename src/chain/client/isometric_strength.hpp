#pragma once
// Maximal isometric joint torque of a model in a test posture, as dynamometer norms report it:
// every muscle at full activation, active fibre force only (rigid tendon; passive torques are
// removed from such norms), summed over the muscles that act in the tested direction
// (antagonists are taken as silent).
#include <map>
#include <string>
#include <vector>

#include "chain/client/muscle_strength.hpp"
#include "model/data.hpp"
#include "model/model.hpp"

namespace weaklink {

// A strength test: which coordinate it loads, in which direction, and the muscle group a
// trainer means by it.
struct StrengthMeasure {
  std::string name;        // "hip_external_rotation"
  std::string coordinate;  // side-less, e.g. "hip_rotation"
  double direction;        // +1: the coordinate's positive sense
  std::string group;       // "hip external rotators"
  bool bilateral;          // trunk measures load both sides' muscles
};

const std::vector<StrengthMeasure>& strength_measures();
// Throws InputError listing the known measures.
const StrengthMeasure& strength_measure(const std::string& name);

// Parses "hip_flexion=90;knee_angle=90" (degrees; side-less names) into a map. With `lenient`,
// entries whose value is a word ("unspecified", "mid-range": norms that give categories only)
// are left out instead of rejected.
std::map<std::string, double> parse_posture(const std::string& text, const std::string& where, bool lenient = false);

struct IsometricTorque {
  double total = 0;  // N·m in the tested direction, all muscles that help
  double group = 0;  // share of the listed muscles
};

// Torque about `measure`'s coordinate on `side` ("r"/"l") with the model in `posture` (side-less
// coordinate names in degrees, applied to that side; others at their defaults). `group_muscles`
// are model muscle names. The muscles have `strength`'s maximum isometric forces; without it, the
// model's own.
IsometricTorque max_isometric_torque(const Model& model, Data& data, const StrengthMeasure& measure, const std::string& side,
                                     const std::map<std::string, double>& posture, const std::vector<std::string>& group_muscles);
IsometricTorque max_isometric_torque(const Model& model, Data& data, const StrengthMeasure& measure, const std::string& side,
                                     const std::map<std::string, double>& posture, const std::vector<std::string>& group_muscles,
                                     const MuscleStrength& strength);

}  // namespace weaklink

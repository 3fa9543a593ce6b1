#pragma once
// `weaklink weakness`: the weak-link comparison on any OpenSim model and measured trial (an
// AnalyzeTool static-optimization setup, or model + coordinates + external loads): the trial at
// the model's own strength (baseline) against the same trial with named muscle groups weakened.
// Measured ground reactions are applied as given; nothing is solved for contact.
#include <filesystem>
#include <string>
#include <vector>

#include "chain/motion/activity_motion.hpp"
#include "chain/assessment/assessment.hpp"
#include "model/model.hpp"

namespace weaklink {

struct TrialInputs {
  std::filesystem::path setup;           // AnalyzeTool setup; gives the fields below it does not override
  std::filesystem::path model, coordinates, external_loads;
  std::vector<std::filesystem::path> force_sets;  // reserve/residual actuator files, appended
  double start = -INFINITY, end = INFINITY;
  double lowpass_hz = -1;
  int step = 1;  // rows as the AnalyzeTool picks them (tools/motion_rows.hpp)
};

struct LoadedTrial {
  Model model;
  std::string name;        // the coordinates file's stem
  std::string model_name;  // the model file's name
  ActivityMotion motion;
  std::vector<std::string> warnings;
};

LoadedTrial load_trial(const TrialInputs& inputs);

struct GroupWeakening {
  std::string group;
  double factor = 1;  // fraction of the model's own strength
};

// "hip external rotators=0.5, vastus medialis=0.6" → weakenings; throws InputError naming
// `where` and the entry.
std::vector<GroupWeakening> parse_weakenings(const std::string& text, const std::string& where);

// Per muscle (Model::muscles order): 1, times each weakening of a group that contains it (both
// sides). Throws InputError for a group unknown or absent from the model.
Eigen::VectorXd weakened_strength(const Model& model, const std::vector<GroupWeakening>& weakenings);

Assessment assess_weakness(const LoadedTrial& trial, const std::vector<GroupWeakening>& weakenings, const AssessmentOptions& options);

}  // namespace weaklink

#pragma once
// A trainer's client as weaklink assess reads it (docs/assessment.md, "Client file"): who they
// are, their strength tests in the units trainers have, their sitting habits, and which
// activities to assess. Every field is validated; errors name the file and the field.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "chain/client/strength_profile.hpp"
#include "generic_model/person.hpp"

namespace weaklink {

struct SittingHabits {
  double hours_per_day = 0;
  std::optional<double> longest_bout_min;  // from a log of bouts
  std::string posture = "sitting_slumped";  // the library activity that stands for their sitting
};

struct Client {
  std::string name = "client";
  Person person;
  StrengthProfile strength;
  std::optional<SittingHabits> sitting;
  std::vector<std::string> activities;  // activity-library names, resolved from aliases
};

// The default activities: standing, sitting, sit-to-stand, walking, squat, lifting.
std::vector<std::string> default_assessment_activities(const std::string& sitting_posture);

Client parse_client(const std::string& json_text, const std::string& name);
Client read_client(const std::filesystem::path& path);
// The built-in demo client (data/clients/demo_client.json): weak hip external rotators and a
// weak vastus medialis, sits most of the day.
const std::string& demo_client_json();
Client demo_client();

}  // namespace weaklink

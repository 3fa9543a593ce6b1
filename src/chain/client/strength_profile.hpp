#pragma once
// A person's strength tests (or what-if weaknesses) and how they rescale the generic model's
// muscle groups. File format (JSON), one entry per test:
//   {"tests": [
//     {"measure": "hip_external_rotation", "side": "right", "torque_Nm": 32,
//      "posture": {"hip_flexion": 90, "knee_angle": 90}},
//     {"measure": "hip_abduction", "side": "both", "torque_Nm_per_kg": 1.1},
//     {"measure": "knee_extension", "side": "left", "force_N": 310, "lever_arm_m": 0.32},
//     {"measure": "hip_extension", "side": "both", "percent_of_norm": 70},
//     {"measure": "hip_external_rotation", "side": "left", "mmt_grade": "4-"},
//     {"group": "vastus medialis", "side": "right", "percent_of_baseline": 60}]}
// "group" may also be given with a measure to choose which muscles take the difference.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "chain/client/muscle_strength.hpp"
#include "generic_model/generic_tables.hpp"
#include "generic_model/person.hpp"

namespace weaklink {

struct StrengthTest {
  std::string measure;  // empty for a pure what-if on a group
  std::string group;    // empty: the measure's own group
  std::string side;     // "r", "l" or "both"
  enum class Kind { Torque, TorquePerKg, Dynamometer, PercentOfNorm, MmtGrade, PercentOfBaseline } kind = Kind::Torque;
  double value = 0;      // N·m, N·m/kg, N, % or % (grade: its percent)
  double lever_arm = 0;  // m (dynamometer)
  std::string grade;     // MMT grade as written
  std::optional<std::map<std::string, double>> posture;  // degrees; nullopt: the norm's or neutral
  std::string where;     // "file: tests[2]" for messages
};

struct StrengthProfile {
  std::vector<StrengthTest> tests;
};

StrengthProfile read_strength_profile(const std::filesystem::path& path);
StrengthProfile parse_strength_profile(const std::string& json_text, const std::string& name);
// One test object / an array of them (as in "tests"), messages prefixed with `where`
// ("client.json: strength[2]"). Unknown fields are errors.
StrengthTest parse_strength_test(const nlohmann::json& test, const std::string& where);
std::vector<StrengthTest> parse_strength_tests(const nlohmann::json& tests, const std::string& where);

// What one test did to the model.
struct StrengthAdjustment {
  std::string test;     // "hip_external_rotation (right)"
  std::string group, side;
  double factor = 1;            // the group's muscles' maximum isometric forces are multiplied by it
  double target_torque = 0;     // N·m the model should produce in the test (0 for what-ifs)
  double model_torque_before = 0, model_torque_after = 0;
  std::string basis;            // how the target was obtained, with the norm's citation
  std::vector<std::string> warnings;
};

// A strength profile fitted on one model: the person's muscle strength and what each test did.
struct FittedStrength {
  MuscleStrength strength;
  std::vector<StrengthAdjustment> adjustments;  // in file order, per side
};

// Fits the profile on `model` (compiled once; it is not changed), test by test in file order,
// starting from the model's own strength: the tested group takes the whole difference between
// the target torque and the model's (other muscles unchanged), so that after the adjustment the
// person's muscles produce the measured torque in the test posture. Factors are kept within
// [0.02, 5]; hitting a bound is reported as a warning. To export the person's model, write the
// strength into the spec the model came from (write_strength).
FittedStrength fit_strength_profile(const Model& model, const Person& person, const StrengthProfile& profile,
                                    const GenericTables& tables);

// The norm for a measure, sex and age, or nullptr: rows in N·m/kg or in BW*H (torque / (body
// weight x height), Anderson et al. 2007). Prefers verified rows, then rows with a numeric test
// posture, then sex-specific rows.
const StrengthNormRow* find_strength_norm(const GenericTables& tables, const std::string& measure, Sex sex, double age);
// The norm's torque for this person, N·m.
double norm_torque(const StrengthNormRow& norm, const Person& person);

}  // namespace weaklink

// Strength tests and what-if weaknesses applied to the generic model: the file format's errors,
// and that after an adjustment the model produces the measured torque in the test posture.
#include <gtest/gtest.h>

#include "chain/client/isometric_strength.hpp"
#include "chain/client/strength_profile.hpp"
#include "core/error.hpp"
#include "generic_model/generic_model.hpp"
#include "model/model.hpp"
#include "support/io_helpers.hpp"

namespace weaklink {
namespace {

Person adult() {
  Person p;
  p.sex = Sex::Female;
  p.height_m = 1.68;
  p.mass_kg = 64;
  p.age_years = 22;
  return p;
}

double force_of(const ModelSpec& spec, const std::string& muscle) {
  for (const auto& m : spec.muscles)
    if (m.name == muscle) return m.params.max_isometric_force;
  ADD_FAILURE() << muscle;
  return 0;
}

void expect_error(const std::string& json, const std::string& fragment) {
  try {
    (void)parse_strength_profile(json, "client.json");
    ADD_FAILURE() << "accepted: " << json;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("client.json"), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what << "\nmissing: " << fragment;
  }
}

TEST(StrengthProfile, MalformedFilesAreRejectedWithTheFileAndTheEntry) {
  expect_error("{", "not valid JSON");
  expect_error("[]", "\"tests\" array");
  expect_error(R"({"tests": [{"measure": "hip_wiggle", "torque_Nm": 10}]})", "unknown strength measure 'hip_wiggle'");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 10, "percent_of_norm": 50}]})", "tests[0]: expected exactly one");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "force_N": 200}]})", "lever_arm_m");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "side": "up", "torque_Nm": 10}]})", "'side'");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": "strong"}]})", "expected a number");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": -4}]})", "'torque_Nm': -4 N·m is outside the plausible range");
  expect_error(R"({"tests": [{"torque_Nm": 10}]})", "expected a 'measure'");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 10, "posture": [90]}]})", "'posture'");
  // Found by fuzz_client_files: a number beyond double's range made nlohmann throw out_of_range.
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 4e5474735}]})", "not valid JSON");
}

TEST(StrengthProfile, AMeasuredTorqueIsReproducedByTheModelOnThatSideOnly) {
  const Person p = adult();
  ModelSpec spec = build_generic_model(p);
  const ModelSpec before = spec;
  const auto profile = parse_strength_profile(
      R"({"tests": [{"measure": "hip_external_rotation", "side": "right", "torque_Nm": 20, "posture": {"hip_flexion": 90, "knee_angle": 90}}]})",
      "client.json");
  const auto adj = apply_strength_profile(spec, p, profile, GenericTables::builtin());
  ASSERT_EQ(adj.size(), 1u);
  EXPECT_EQ(adj[0].group, "hip external rotators");
  EXPECT_NEAR(adj[0].model_torque_after, 20.0, 1e-6) << adj[0].basis;
  const Model m = compile_model(spec);
  Data d(m);
  const auto& measure = strength_measure("hip_external_rotation");
  const auto muscles = group_muscles(GenericTables::builtin(), "hip external rotators", "r");
  EXPECT_NEAR(max_isometric_torque(m, d, measure, "r", {{"hip_flexion", 90}, {"knee_angle", 90}}, muscles).total, 20.0, 1e-6);
  // The group took the factor; the left side and the other muscles are untouched.
  EXPECT_NEAR(force_of(spec, "piriformis_r"), adj[0].factor * force_of(before, "piriformis_r"), 1e-9);
  EXPECT_EQ(force_of(spec, "piriformis_l"), force_of(before, "piriformis_l"));
  EXPECT_EQ(force_of(spec, "iliacus_r"), force_of(before, "iliacus_r"));
}

TEST(StrengthProfile, WhatIfPercentNormAndGradesFollowTheirDefinitions) {
  const Person p = adult();
  const auto& t = GenericTables::builtin();
  {
    ModelSpec spec = build_generic_model(p);
    const double vmo = force_of(spec, "vastus_medialis_obliquus_l"), vl = force_of(spec, "vastus_lateralis_l");
    const auto adj = apply_strength_profile(
        spec, p, parse_strength_profile(R"({"tests": [{"group": "vastus medialis", "side": "left", "percent_of_baseline": 60}]})", "w.json"), t);
    ASSERT_EQ(adj.size(), 1u);
    EXPECT_DOUBLE_EQ(force_of(spec, "vastus_medialis_obliquus_l"), 0.6 * vmo);
    EXPECT_EQ(force_of(spec, "vastus_lateralis_l"), vl);
  }
  {
    // 70 % of the Anderson et al. 2007 knee-extension norm for a 22-year-old woman.
    ModelSpec spec = build_generic_model(p);
    const auto adj = apply_strength_profile(
        spec, p, parse_strength_profile(R"({"tests": [{"measure": "knee_extension", "side": "right", "percent_of_norm": 70}]})", "n.json"), t);
    const StrengthNormRow* norm = find_strength_norm(t, "knee_extension", Sex::Female, 22);
    ASSERT_NE(norm, nullptr);
    EXPECT_NEAR(adj[0].target_torque, 0.7 * norm_torque(*norm, p), 1e-9);
    EXPECT_NEAR(adj[0].model_torque_after, adj[0].target_torque, 1e-6);
  }
  {
    ModelSpec spec = build_generic_model(p);
    const auto adj = apply_strength_profile(
        spec, p, parse_strength_profile(R"({"tests": [{"measure": "knee_extension", "side": "both", "mmt_grade": "3"}]})", "g.json"), t);
    ASSERT_EQ(adj.size(), 2u) << "both sides";
    const StrengthNormRow* norm = find_strength_norm(t, "knee_extension", Sex::Female, 22);
    EXPECT_NEAR(adj[0].target_torque, t.mmt_percent.at("3") / 100 * norm_torque(*norm, p), 1e-9);
    EXPECT_TRUE(adj[0].warnings.empty()) << "grade 3 is a measured conversion (Sato 1999)";
    ModelSpec spec3 = build_generic_model(p);
    const auto adj4 = apply_strength_profile(
        spec3, p, parse_strength_profile(R"({"tests": [{"measure": "knee_extension", "side": "left", "mmt_grade": "4+"}]})", "g.json"), t);
    ASSERT_FALSE(adj4[0].warnings.empty()) << "4+ is interpolated: the user is told";
    ModelSpec spec2 = build_generic_model(p);
    EXPECT_THROW(apply_strength_profile(spec2, p, parse_strength_profile(R"({"tests": [{"measure": "knee_extension", "mmt_grade": "6"}]})", "g.json"), t),
                 InputError);
  }
}

TEST(StrengthProfile, ImpossibleTargetsAreLimitedAndSaid) {
  const Person p = adult();
  ModelSpec spec = build_generic_model(p);
  // 0.5 N·m of hip abduction: the muscles outside the abductor group already give more, so the
  // group would need a negative strength; it is limited to 2 % and a warning says why.
  const auto adj = apply_strength_profile(
      spec, p, parse_strength_profile(R"({"tests": [{"measure": "hip_abduction", "side": "right", "torque_Nm": 0.5}]})", "x.json"),
      GenericTables::builtin());
  ASSERT_EQ(adj.size(), 1u);
  EXPECT_NEAR(adj[0].factor, 0.02, 1e-12);
  ASSERT_FALSE(adj[0].warnings.empty());
  EXPECT_NE(adj[0].warnings[0].find("limited"), std::string::npos);
}

TEST(StrengthProfile, ValuesOutsidePhysicalSenseNameTheField) {
  // Joint angles: finite and within half a revolution when read ...
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 40, "posture": {"hip_flexion": 1e308}}]})",
               "posture 'hip_flexion': 1e+308 degrees is not a joint angle");
  expect_error(R"({"tests": [{"measure": "hip_abduction", "torque_Nm": 40, "posture": {"knee_angle": -200}}]})",
               "posture 'knee_angle'");
  // ... torques, forces and percentages finite, above 0 and below their plausible maxima.
  expect_error(R"({"tests": [{"group": "vastus medialis", "percent_of_baseline": 1e300}]})", "'percent_of_baseline': 1e+300 %");
  expect_error(R"({"tests": [{"group": "vastus medialis", "percent_of_baseline": 1000}]})", "from 1 to 300 %");
  expect_error(R"({"tests": [{"group": "vastus medialis", "percent_of_baseline": 0}]})", "'percent_of_baseline': 0 %");
  expect_error(R"({"tests": [{"measure": "knee_extension", "percent_of_norm": 0.5}]})", "'percent_of_norm'");
  expect_error(R"({"tests": [{"measure": "knee_extension", "torque_Nm": 0}]})", "\"mmt_grade\": 0");
  expect_error(R"({"tests": [{"measure": "knee_extension", "torque_Nm": 1500}]})", "more than 0 to 1000 N·m");
  expect_error(R"({"tests": [{"measure": "knee_extension", "torque_Nm_per_kg": 40}]})", "'torque_Nm_per_kg'");
  expect_error(R"({"tests": [{"measure": "knee_extension", "force_N": 4000, "lever_arm_m": 1.0}]})", "'force_N' x 'lever_arm_m'");
  expect_error(R"({"tests": [{"measure": "knee_extension", "force_N": 9000, "lever_arm_m": 0.1}]})", "'force_N': 9000 N");
  // The ends of the ranges are accepted.
  EXPECT_NO_THROW(parse_strength_profile(R"({"tests": [{"group": "vastus medialis", "percent_of_baseline": 1},
                                                       {"group": "vastus medialis", "percent_of_baseline": 300},
                                                       {"measure": "knee_extension", "torque_Nm": 1000}]})",
                                         "ok.json"));
}

TEST(StrengthProfile, APostureOutsideTheJointsRangeOfMotionIsRejectedWhenApplied) {
  const Person p = adult();
  ModelSpec spec = build_generic_model(p);
  try {
    (void)apply_strength_profile(
        spec, p,
        parse_strength_profile(R"({"tests": [{"measure": "hip_abduction", "side": "right", "torque_Nm": 40, "posture": {"hip_flexion": 170}}]})",
                               "client.json"),
        GenericTables::builtin());
    ADD_FAILURE() << "a hip flexed 170 degrees was accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("client.json: tests[0]: posture 'hip_flexion': 170 is outside the joint's range of motion (-30 to 120 degrees)"),
              std::string::npos)
        << what;
  }
}

}  // namespace
}  // namespace weaklink

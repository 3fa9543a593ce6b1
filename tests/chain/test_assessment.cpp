// The weak-link assessment (docs/assessment.md): client files validated with errors naming the field,
// restoring every group to norm reproduces the baseline exactly, weakening a group never lowers
// its utilisation, the report follows its schema, and `weaklink weakness` on gait2392's walking.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "chain/activities/activity.hpp"
#include "chain/assessment/assessment.hpp"
#include "chain/client/client.hpp"
#include "chain/client/muscle_strength.hpp"
#include "chain/activities/contact_sites.hpp"
#include "chain/trial/trial_weakness.hpp"
#include "core/error.hpp"
#include "generic_model/generic_model.hpp"
#include "generic_model/generic_tables.hpp"
#include "report/assessment_report.hpp"
#include "support/reference.hpp"

namespace weaklink {
namespace {

using nlohmann::json;

std::string error_of(const std::string& text) {
  try {
    (void)parse_client(text, "client.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

json demo_doc() { return json::parse(demo_client_json()); }

TEST(ClientFile, DemoParses) {
  const Client c = demo_client();
  EXPECT_EQ(c.person.sex, Sex::Female);
  EXPECT_EQ(c.strength.tests.size(), 3u);
  ASSERT_TRUE(c.sitting.has_value());
  EXPECT_NEAR(c.sitting->hours_per_day, 615.0 / 60, 1e-12);
  EXPECT_EQ(*c.sitting->longest_bout_min, 150);
  const std::vector<std::string> expected = {"standing", "sitting_slumped", "sit_to_stand", "walking", "squat", "squat_lift"};
  EXPECT_EQ(c.activities, expected);
}

TEST(ClientFile, BadFilesNameTheField) {
  struct Case {
    std::function<void(json&)> edit;
    std::vector<std::string> expect;  // substrings of the message
  };
  const std::vector<Case> cases = {
      {[](json& d) { d.erase("mass_kg"); }, {"client.json", "'mass_kg' is missing", "kilograms"}},
      {[](json& d) { d["mass_kg"] = "68"; }, {"'mass_kg': expected a number"}},
      {[](json& d) { d["height_m"] = 168; }, {"'height_m'", "centimetres"}},
      {[](json& d) { d.erase("height_m"); d["height_cm"] = 168; }, {"unknown field 'height_cm'", "metres"}},
      {[](json& d) { d["sex"] = "x"; }, {"'sex'"}},
      {[](json& d) { d["strength"][0].erase("percent_of_norm"); d["strength"][0]["percent_of_norm"] = -5; },
       {"strength[0]", "'percent_of_norm'", "plausible range"}},
      {[](json& d) { d["strength"][1]["group"] = "hip wobblers"; }, {"strength[1]", "'group'", "unknown muscle group 'hip wobblers'"}},
      {[](json& d) { d["strength"][0].erase("percent_of_norm"); d["strength"][0]["torque_ftlb"] = 20; },
       {"strength[0]", "unknown field 'torque_ftlb'"}},
      {[](json& d) { d["strength"][0]["measure"] = "hip_wiggle"; }, {"strength[0]", "unknown strength measure 'hip_wiggle'"}},
      {[](json& d) { d["sitting"] = json{{"hours_per_day", 30}}; }, {"sitting", "'hours_per_day'"}},
      {[](json& d) { d["sitting"] = json{{"hours_per_day", 8}, {"bouts_min", {30}}}; }, {"sitting", "exactly one"}},
      {[](json& d) { d["sitting"]["bouts_min"][2] = "long"; }, {"sitting", "'bouts_min'[2]"}},
      {[](json& d) { d["activities"][1] = "juggling"; }, {"activities[1]", "juggling"}},
      {[](json& d) { d["activities"] = json::array(); }, {"'activities'"}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    json d = demo_doc();
    cases[i].edit(d);
    const std::string msg = error_of(d.dump());
    ASSERT_FALSE(msg.empty()) << "case " << i << " was accepted: " << d.dump();
    for (const auto& s : cases[i].expect) EXPECT_NE(msg.find(s), std::string::npos) << "case " << i << ": '" << s << "' not in: " << msg;
  }
  EXPECT_NE(error_of("{\"age\": 40,").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1]").find("expected a JSON object"), std::string::npos);
}

// A small assessment shared by the tests below: the generic model, a few activities.
struct Fixture {
  Model model;
  std::vector<std::string> names;
  std::vector<ActivityMotion> motions;
  std::vector<AssessedGroup> groups;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x{compile_model(with_contact_sites(build_generic_model(Person{1.68, 68, Sex::Female, 42}))), {}, {}, {}};
    for (const char* name : {"standing", "squat", "walking"}) {
      const Activity& a = find_activity(name);
      x.names.push_back(name);
      x.motions.push_back(build_activity_motion(x.model, a.plan(activity_parameters(a, {})), name));
    }
    x.groups = assessed_groups(x.model);
    return x;
  }();
  return f;
}

Eigen::VectorXd scaled(const Model& model, const std::vector<std::pair<std::string, double>>& groups) {
  std::vector<GroupWeakening> w;
  for (const auto& [g, f] : groups) w.push_back({g, f});
  return weakened_strength(model, w);
}

TEST(Assessment, RestoringEveryGroupToNormReproducesTheBaselineExactly) {
  const Fixture& f = fixture();
  // The demo client's strength, then every trainer group of the model restored to norm.
  const Client demo = demo_client();
  Eigen::VectorXd s = strength_scale(f.model, fit_strength_profile(f.model, demo.person, demo.strength, GenericTables::builtin()).strength);
  ASSERT_LT(s.minCoeff(), 0.7);  // the demo client is weak somewhere
  for (const auto& g : group_names(GenericTables::builtin()))
    for (const char* side : {"r", "l"})
      for (const auto& name : group_muscles(GenericTables::builtin(), g, side))
        if (const int m = f.model.find_muscle(name); m >= 0) s[m] = 1.0;
  ASSERT_EQ(s, Eigen::VectorXd::Ones(s.size())) << "some muscle belongs to no group";
  AssessmentOptions o;
  const Assessment a = compare_strength(f.model, f.names, f.motions, s, f.groups, o);
  for (const auto& x : a.activities) {
    EXPECT_EQ(x.client.compression, x.baseline.compression) << x.name;
    EXPECT_EQ(x.client.shear_ap, x.baseline.shear_ap) << x.name;
    EXPECT_EQ(x.client.hip, x.baseline.hip) << x.name;
    EXPECT_EQ(x.client.knee, x.baseline.knee) << x.name;
    EXPECT_TRUE(x.compensations.empty()) << x.name;
    EXPECT_TRUE(x.feasible) << x.name;
  }
}

TEST(Assessment, RestoringTheWeakGroupGivesTheBaselinePeakAndWeakeningNeverLowersUtilisation) {
  const Fixture& f = fixture();
  // The two groups of the popular story (the abductors are covered by the walking test below).
  for (const std::string group : {"hip external rotators", "vastus medialis"}) {
    const Eigen::VectorXd s = scaled(f.model, {{group, 0.5}});
    AssessmentOptions o;
    const Assessment a = compare_strength(f.model, f.names, f.motions, s, f.groups, o);
    const WeakLink* link = nullptr;
    for (const auto& w : a.weak_links)
      if (w.group == group) link = &w;
    ASSERT_NE(link, nullptr) << group;
    // Groups overlap (a gluteal line can be an abductor and an external rotator), so weakening one
    // group leaves others partly weak; all of them rank ahead of the groups at norm, and the
    // weakened group is the weakest of them.
    bool at_norm_seen = false;
    for (const auto& w : a.weak_links) {
      const bool weak = w.client_factor < 0.999;
      EXPECT_FALSE(weak && at_norm_seen) << w.group << " (factor " << w.client_factor << ") ranks after a group at norm";
      at_norm_seen = at_norm_seen || !weak;
      EXPECT_GE(w.client_factor, link->client_factor) << w.group << " is weaker than the weakened " << group;
    }
    EXPECT_NEAR(link->client_factor, 0.5, 1e-12);
    int increased = 0;
    for (const auto& x : a.activities) {
      // Restoring the only weak group is the baseline, so its relief is baseline − client exactly.
      EXPECT_DOUBLE_EQ(link->restore_by_activity.at(x.name) + x.client_summary.peak_compression, x.baseline_summary.peak_compression)
          << group << " in " << x.name;
      for (const auto& u : x.utilisation) {
        if (u.group != group) continue;
        EXPECT_GE(u.client, u.baseline) << group << " (" << u.side << ") in " << x.name;
        if (u.baseline > 0.01) {
          // Half the strength: the same demand over half the capacity.
          EXPECT_NEAR(u.client, 2 * u.baseline, 1e-9 * u.baseline) << group << " (" << u.side << ") in " << x.name;
          ++increased;
        }
      }
    }
    EXPECT_GT(increased, 0) << group << " has no demand in any activity: the check above tested nothing";
  }
}

TEST(Assessment, WeakAbductorsFallShortInWalking) {
  const Fixture& f = fixture();
  AssessmentOptions o;
  const Assessment a = compare_strength(f.model, f.names, f.motions, scaled(f.model, {{"hip abductors", 0.3}}), f.groups, o);
  const ActivityAssessment& walking = a.activities[2];
  ASSERT_EQ(walking.name, "walking");
  EXPECT_FALSE(walking.feasible);
  bool adduction = false;
  for (const auto& sf : walking.shortfalls) adduction = adduction || sf.coordinate.rfind("hip_adduction", 0) == 0;
  EXPECT_TRUE(adduction) << "weak abductors should fall short about the hip's adduction axis";
  // Abductors at 30 % make walking infeasible, so the search finds a threshold above 0.3.
  for (const auto& w : a.weak_links)
    if (w.group == "hip abductors") {
      ASSERT_TRUE(w.infeasible_below.at("walking").has_value());
      EXPECT_GT(*w.infeasible_below.at("walking"), 0.3);
      EXPECT_LT(*w.infeasible_below.at("walking"), 1.0);
    }
}

// A compact JSON Schema check (type, const, enum, required, properties, additionalProperties,
// items, $ref, minimum, maximum) for the keywords docs/assessment.schema.json uses; the full validator
// (ajv) runs in web/test/report_test.mjs.
void validate(const json& v, const json& schema, const json& root, const std::string& path, std::vector<std::string>& errors) {
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];
    validate(v, root.at(json::json_pointer(ref.substr(1))), root, path, errors);
    return;
  }
  if (schema.contains("const") && v != schema["const"]) errors.push_back(path + ": const");
  if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), v) == schema["enum"].end())
    errors.push_back(path + ": not in enum: " + v.dump());
  if (schema.contains("type")) {
    auto is = [&](const std::string& t) {
      return (t == "object" && v.is_object()) || (t == "array" && v.is_array()) || (t == "string" && v.is_string()) ||
             (t == "number" && v.is_number()) || (t == "integer" && v.is_number_integer()) || (t == "boolean" && v.is_boolean()) ||
             (t == "null" && v.is_null());
    };
    bool ok = false;
    if (schema["type"].is_array())
      for (const auto& t : schema["type"]) ok = ok || is(t);
    else
      ok = is(schema["type"]);
    if (!ok) {
      errors.push_back(path + ": wrong type " + std::string(v.type_name()));
      return;
    }
  }
  if (schema.contains("minimum") && v.is_number() && v.get<double>() < schema["minimum"].get<double>()) errors.push_back(path + ": below minimum");
  if (schema.contains("maximum") && v.is_number() && v.get<double>() > schema["maximum"].get<double>()) errors.push_back(path + ": above maximum");
  if (v.is_object()) {
    if (schema.contains("required"))
      for (const auto& r : schema["required"])
        if (!v.contains(r.get<std::string>())) errors.push_back(path + ": missing " + r.get<std::string>());
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (schema.contains("properties") && schema["properties"].contains(it.key()))
        validate(it.value(), schema["properties"][it.key()], root, path + "/" + it.key(), errors);
      else if (schema.contains("additionalProperties")) {
        if (schema["additionalProperties"].is_boolean()) {
          if (!schema["additionalProperties"].get<bool>()) errors.push_back(path + ": unexpected " + it.key());
        } else {
          validate(it.value(), schema["additionalProperties"], root, path + "/" + it.key(), errors);
        }
      }
    }
  }
  if (v.is_array() && schema.contains("items"))
    for (std::size_t i = 0; i < v.size(); ++i) validate(v[i], schema["items"], root, path + "/" + std::to_string(i), errors);
}

TEST(AssessmentReport, JsonFollowsItsSchemaAndHtmlEmbedsIt) {
  const Fixture& f = fixture();
  AssessmentOptions o;
  Assessment a = compare_strength(f.model, f.names, f.motions, scaled(f.model, {{"vastus medialis", 0.6}}), f.groups, o);
  a.model_name = "weaklink generic";
  ReportContext ctx;
  ctx.client_name = "test </script><!--<script>client";
  ctx.person = Person{1.68, 68, Sex::Female, 42};
  ctx.sitting = SittingHabits{8, 120.0, "sitting_slumped"};
  const json report = assessment_json(a, ctx);
  std::ifstream in(test::source_dir() / "docs/assessment.schema.json");
  ASSERT_TRUE(in) << "docs/assessment.schema.json";
  const json schema = json::parse(in);
  std::vector<std::string> errors;
  validate(report, schema, schema, "", errors);
  for (const auto& e : errors) ADD_FAILURE() << e;
  EXPECT_EQ(report["activities"].size(), 3u);
  EXPECT_EQ(report["muscle_demand"].size(), 28u);  // 14 regions × 2 sides on the generic model
  EXPECT_EQ(report["evidence"].size(), 4u);
  EXPECT_FALSE(report["summary"].empty());

  if (report_template_html().empty()) {
    EXPECT_THROW((void)assessment_html(report), std::runtime_error);
    GTEST_SKIP() << "web/ not built (npm): the HTML template is not compiled in";
  }
  const std::string html = assessment_html(report);
  EXPECT_EQ(html.find("@@WEAKLINK_REPORT_JSON@@"), std::string::npos);
  EXPECT_EQ(html.find("test </script>"), std::string::npos) << "the client's name closed the data's script element";
  EXPECT_EQ(html.find("<!--<script>client"), std::string::npos);
  EXPECT_NE(html.find("test \\u003c/script>\\u003c!--\\u003cscript>client"), std::string::npos);
}

TEST(ClientFile, DemoFollowsTheDocumentedSchema) {
  std::ifstream in(test::source_dir() / "docs/client.schema.json");
  ASSERT_TRUE(in) << "docs/client.schema.json";
  const json schema = json::parse(in);
  std::vector<std::string> errors;
  validate(json::parse(demo_client_json()), schema, schema, "", errors);
  for (const auto& e : errors) ADD_FAILURE() << e;
  // The schema rejects what the reader rejects, for the fields it can see.
  json bad = json::parse(demo_client_json());
  bad.erase("mass_kg");
  bad["height_cm"] = 168;
  errors.clear();
  validate(bad, schema, schema, "", errors);
  EXPECT_EQ(errors.size(), 2u);
}

TEST(Weakness, ParsesGroupsAndRejectsBadEntries) {
  const auto w = parse_weakenings("hip external rotators=0.5, vastus medialis = 0.6", "--weaken");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[1].group, "vastus medialis");
  EXPECT_EQ(w[1].factor, 0.6);
  EXPECT_THROW(parse_weakenings("hip external rotators", "--weaken"), InputError);
  EXPECT_THROW(parse_weakenings("hip external rotators=half", "--weaken"), InputError);
  EXPECT_THROW(parse_weakenings("hip external rotators=1.5", "--weaken"), InputError);
  EXPECT_THROW(parse_weakenings("", "--weaken"), InputError);
  EXPECT_THROW(weakened_strength(fixture().model, {{"hip wobblers", 0.5}}), InputError);
}

TEST(WeaknessParity, Gait2392WalkingWithWeakHipRotatorsAndVastusMedialis) {
  WEAKLINK_REQUIRE_REFERENCE();
  const auto dir = test::reference_dir() / "gait2392-so-jra";
  TrialInputs in;
  in.setup = dir / "setup_static_optimization.xml";
  in.model = dir / "subject01_simbody_adjusted_StaticOp.osim";
  in.step = 4;  // every 4th frame keeps the test short; the CLI runs every frame
  const LoadedTrial trial = load_trial(in);
  const auto groups = assessed_groups(trial.model);
  auto has = [&](const std::string& g) {
    for (const auto& x : groups)
      if (x.name == g) return !x.muscles_r.empty() && !x.muscles_l.empty();
    return false;
  };
  ASSERT_TRUE(has("hip external rotators"));
  ASSERT_TRUE(has("vastus medialis"));
  ASSERT_TRUE(has("hip abductors"));
  AssessmentOptions o;
  const Assessment a = assess_weakness(trial, {{"hip external rotators", 0.5}, {"vastus medialis", 0.6}}, o);
  ASSERT_EQ(a.activities.size(), 1u);
  const ActivityAssessment& x = a.activities[0];
  // gait2392 has a lumbar joint: compression is on the order of body weight in walking.
  EXPECT_GT(x.baseline_summary.peak_compression, 0.5 * a.body_weight);
  EXPECT_LT(x.baseline_summary.peak_compression, 5.0 * a.body_weight);
  // The vastus medialis works harder relative to its capacity; its knee's neighbours compensate.
  for (const auto& u : x.utilisation)
    if (u.group == "vastus medialis" || u.group == "hip external rotators") {
      EXPECT_GE(u.client, u.baseline) << u.group << " " << u.side;
    }
  EXPECT_FALSE(x.compensations.empty());
  bool vasti = false;
  for (const auto& c : x.compensations) vasti = vasti || c.muscle.rfind("vas_", 0) == 0 || c.muscle.rfind("rect_fem", 0) == 0;
  EXPECT_TRUE(vasti) << "the other quadriceps should take over from the weakened vastus medialis";
  EXPECT_EQ(a.weak_links.size(), groups.size());
}

}  // namespace
}  // namespace weaklink

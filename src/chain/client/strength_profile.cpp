#include "chain/client/strength_profile.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include <nlohmann/json.hpp>

#include "chain/client/isometric_strength.hpp"
#include "core/error.hpp"
#include "io/json_input.hpp"
#include "io/input_file.hpp"
#include "generic_model/generic_model.hpp"
#include "model/model.hpp"

namespace weaklink {

namespace {

using nlohmann::json;

double number_field(const json& e, const char* key, const std::string& where) {
  const auto& v = e.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()))
    throw InputError(fmt::format("{}: '{}': expected a number", where, key));
  return v.get<double>();
}

// Plausible values of a strength test, chosen to span human strength with a wide margin, so that
// only typing errors and wrong units fail: the strongest isometric joint torques measured in
// people are ~500 N·m (trunk and knee extension, strength-trained men), about 6 N·m/kg. A value of
// 0 is not a measurement of a muscle that works: a group that produced nothing is graded with
// mmt_grade 0, which says so explicitly. Percentages run from 1 % to 300 % (three times the norm
// or the model's own strength is beyond any trained athlete and beyond what the model's muscle
// parameters were fitted for).
struct PlausibleRange {
  const char* key;
  double lo, hi;  // lo is exclusive
  const char* unit;
};
constexpr PlausibleRange kPlausible[] = {
    {"torque_Nm", 0, 1000, "N·m"},
    {"torque_Nm_per_kg", 0, 15, "N·m/kg"},
    {"force_N", 0, 5000, "N"},
    {"percent_of_norm", 0, 300, "%"},
    {"percent_of_baseline", 0, 300, "%"},
};
constexpr double kMinPercent = 1.0;

void check_plausible(const StrengthTest& t, const json& e) {
  for (const auto& r : kPlausible) {
    if (!e.contains(r.key)) continue;
    const bool percent = std::string_view(r.unit) == "%";
    const double lo = percent ? kMinPercent : r.lo;
    const bool ok = percent ? (t.value >= lo && t.value <= r.hi) : (t.value > lo && t.value <= r.hi);
    if (ok) break;
    const std::string zero = t.value == 0 ? "; a group that produced no force at all is given as \"mmt_grade\": 0" : "";
    throw InputError(fmt::format("{}: '{}': {:g} {} is outside the plausible range ({} {:g} to {:g} {}){}", t.where, r.key, t.value,
                                 r.unit, percent ? "from" : "more than", lo, r.hi, r.unit, zero));
  }
  if (t.kind == StrengthTest::Kind::Dynamometer && t.value * t.lever_arm > kPlausible[0].hi)
    throw InputError(fmt::format("{}: 'force_N' x 'lever_arm_m' = {:g} N·m is beyond the plausible {:g} N·m", t.where,
                                 t.value * t.lever_arm, kPlausible[0].hi));
}

// A test posture within the model's range of motion for each joint (the generic model's ranges are
// adults' normal active ranges, joint_ranges.csv): a posture beyond it is not one a person holds.
// Coordinates the model lacks are left to max_isometric_torque, which names them.
void check_posture_in_range(const Model& model, const std::map<std::string, double>& posture, const std::string& side,
                            const std::string& where) {
  for (const auto& [name, deg] : posture) {
    int c = model.find_coordinate(name + "_" + side);
    if (c < 0) c = model.find_coordinate(name);
    if (c < 0) continue;
    const Coordinate& co = model.coordinates[static_cast<std::size_t>(c)];
    const double k = co.motion_type == MotionType::Rotational ? 180 / M_PI : 1.0;
    const double lo = co.range_min * k, hi = co.range_max * k;
    if (deg < lo - 1e-9 || deg > hi + 1e-9)
      throw InputError(fmt::format("{}: posture '{}': {:g} is outside the joint's range of motion ({:g} to {:g} {})", where,
                                   quote_input(name), deg, lo, hi, co.motion_type == MotionType::Rotational ? "degrees" : "m"));
  }
}

}  // namespace

StrengthTest parse_strength_test(const nlohmann::json& e, const std::string& where) {
  StrengthTest t;
  t.where = where;
  if (!e.is_object()) throw InputError(t.where + ": expected an object");
  // Unknown fields are errors: a unit in a key's name that the reader does not know (torque_ftlb,
  // force_kg) must not be silently ignored.
  static const char* const kKnown[] = {"measure", "group", "side", "torque_Nm", "torque_Nm_per_kg", "force_N", "lever_arm_m",
                                       "percent_of_norm", "percent_of_baseline", "mmt_grade", "posture", "note"};
  for (auto it = e.begin(); it != e.end(); ++it) {
    if (std::find(std::begin(kKnown), std::end(kKnown), it.key()) != std::end(kKnown)) continue;
    throw InputError(fmt::format("{}: unknown field '{}' (expected measure, group, side, posture, note and one of torque_Nm, "
                                 "torque_Nm_per_kg, force_N + lever_arm_m, percent_of_norm, mmt_grade, percent_of_baseline)",
                                 t.where, quote_input(it.key())));
  }
  auto str = [&](const char* key) -> std::string {
    if (!e.contains(key)) return "";
    if (!e[key].is_string()) throw InputError(fmt::format("{}: '{}': expected a string", t.where, key));
    return e[key].get<std::string>();
  };
  t.measure = str("measure");
  t.group = str("group");
  if (!t.measure.empty()) {
    try {
      (void)strength_measure(t.measure);
    } catch (const InputError& err) {
      throw InputError(fmt::format("{}: {}", t.where, err.what()));
    }
  }
  const std::string side = str("side");
  if (side == "right" || side == "r") t.side = "r";
  else if (side == "left" || side == "l") t.side = "l";
  else if (side == "both" || side.empty()) t.side = "both";
  else throw InputError(fmt::format("{}: 'side': expected right, left or both, found '{}'", t.where, quote_input(side)));

  int kinds = 0;
  if (e.contains("torque_Nm")) { t.kind = StrengthTest::Kind::Torque; t.value = number_field(e, "torque_Nm", t.where); ++kinds; }
  if (e.contains("torque_Nm_per_kg")) { t.kind = StrengthTest::Kind::TorquePerKg; t.value = number_field(e, "torque_Nm_per_kg", t.where); ++kinds; }
  if (e.contains("force_N")) {
    t.kind = StrengthTest::Kind::Dynamometer;
    t.value = number_field(e, "force_N", t.where);
    if (!e.contains("lever_arm_m")) throw InputError(t.where + ": a dynamometer force needs 'lever_arm_m' (joint centre to pad, m)");
    t.lever_arm = number_field(e, "lever_arm_m", t.where);
    if (t.lever_arm <= 0 || t.lever_arm > 1.5) throw InputError(t.where + ": 'lever_arm_m': expected 0 to 1.5 m");
    ++kinds;
  }
  if (e.contains("percent_of_norm")) { t.kind = StrengthTest::Kind::PercentOfNorm; t.value = number_field(e, "percent_of_norm", t.where); ++kinds; }
  if (e.contains("percent_of_baseline")) { t.kind = StrengthTest::Kind::PercentOfBaseline; t.value = number_field(e, "percent_of_baseline", t.where); ++kinds; }
  if (e.contains("mmt_grade")) {
    t.kind = StrengthTest::Kind::MmtGrade;
    const auto& g = e["mmt_grade"];
    if (g.is_number()) t.grade = fmt::format("{}", g.get<double>());
    else if (g.is_string()) t.grade = g.get<std::string>();
    else throw InputError(t.where + ": 'mmt_grade': expected a grade 0-5 such as 4 or \"4-\"");
    ++kinds;
  }
  if (kinds != 1)
    throw InputError(t.where + ": expected exactly one of torque_Nm, torque_Nm_per_kg, force_N (+ lever_arm_m), "
                               "percent_of_norm, mmt_grade, percent_of_baseline");
  if (t.kind != StrengthTest::Kind::MmtGrade) check_plausible(t, e);
  if (t.kind == StrengthTest::Kind::PercentOfBaseline) {
    if (t.group.empty() && t.measure.empty()) throw InputError(t.where + ": 'percent_of_baseline' needs a 'group' or a 'measure'");
  } else if (t.measure.empty()) {
    throw InputError(t.where + ": expected a 'measure' (e.g. hip_external_rotation) for a strength test");
  }
  if (e.contains("posture")) {
    const auto& p = e["posture"];
    if (!p.is_object()) throw InputError(t.where + ": 'posture': expected an object of coordinate: degrees");
    std::map<std::string, double> m;
    for (auto it = p.begin(); it != p.end(); ++it) {
      if (!it.value().is_number()) throw InputError(fmt::format("{}: posture '{}': expected degrees", t.where, quote_input(it.key())));
      const double deg = it.value().get<double>();
      // No joint turns more than half a revolution from neutral; the model's own range is
      // checked when the test is applied (check_posture_in_range).
      if (!std::isfinite(deg) || std::abs(deg) > 180)
        throw InputError(fmt::format("{}: posture '{}': {:g} degrees is not a joint angle (expected -180 to 180)", t.where,
                                     quote_input(it.key()), deg));
      m[it.key()] = deg;
    }
    t.posture = m;
  }
  return t;
}

std::vector<StrengthTest> parse_strength_tests(const nlohmann::json& tests, const std::string& where) {
  if (!tests.is_array()) throw InputError(where + ": expected an array of strength tests");
  std::vector<StrengthTest> out;
  for (std::size_t i = 0; i < tests.size(); ++i) out.push_back(parse_strength_test(tests[i], fmt::format("{}[{}]", where, i)));
  return out;
}

namespace {

// The profile in a parsed strength file (io::parse_json_input: UTF-8, no duplicate keys, bounded).
StrengthProfile profile_from_json(const json& doc, const std::string& name) {
  if (!doc.is_object() || !doc.contains("tests") || !doc["tests"].is_array())
    throw InputError(fmt::format("{}: expected an object with a \"tests\" array", name));
  StrengthProfile profile;
  profile.tests = parse_strength_tests(doc["tests"], name + ": tests");
  return profile;
}

}  // namespace

StrengthProfile parse_strength_profile(const std::string& text, const std::string& name) {
  return profile_from_json(io::parse_json_input(text, name), name);
}

StrengthProfile read_strength_profile(const std::filesystem::path& path) {
  return profile_from_json(io::read_json_input(path), path.string());
}

const StrengthNormRow* find_strength_norm(const GenericTables& tables, const std::string& measure, Sex sex, double age) {
  const StrengthNormRow* best = nullptr;
  int best_score = -1;
  for (const auto& n : tables.norms) {
    if (n.measure != measure || (n.unit != "Nm/kg" && n.unit != "N*m/kg" && n.unit != "BW*H")) continue;
    if (n.sex && *n.sex != sex) continue;
    if (age < n.age_min || age > n.age_max) continue;
    const bool verified = n.verification.rfind("verified", 0) == 0;
    const bool numeric_posture = !parse_posture(n.posture, "norm", true).empty();
    const int score = (verified ? 4 : 0) + (numeric_posture ? 2 : 0) + (n.sex ? 1 : 0);
    if (score > best_score) {
      best = &n;
      best_score = score;
    }
  }
  return best;
}

double norm_torque(const StrengthNormRow& norm, const Person& person) {
  // Standard gravity (CGPM 1901) turns Anderson et al.'s body weight x height into N·m.
  if (norm.unit == "BW*H") return norm.value * person.mass_kg * 9.80665 * person.height_m;
  return norm.value * person.mass_kg;
}

namespace {

// The model muscle names a test covers: its group on `side`, and on the left too for a bilateral
// measure (the trunk's).
std::vector<std::string> tested_muscles(const GenericTables& tables, const StrengthTest& test, const StrengthMeasure* measure,
                                        const std::string& group, const std::string& side) {
  try {
    std::vector<std::string> muscles = group_muscles(tables, group, side);
    if (measure && measure->bilateral) {
      const auto other = group_muscles(tables, group, "l");
      muscles.insert(muscles.end(), other.begin(), other.end());
    }
    return muscles;
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", test.where, e.what()));
  }
}

// The test's target as written: a torque (N·m) into adj.target_torque, or a percent of normal
// (returned; -1 for a torque), resolved once the model's torque is known. Sets adj.basis and the
// warnings about the conversion.
double read_target(const StrengthTest& test, const Person& person, const GenericTables& tables, StrengthAdjustment& adj) {
  switch (test.kind) {
    case StrengthTest::Kind::Torque:
      adj.target_torque = test.value;
      adj.basis = fmt::format("measured {:.1f} N·m", test.value);
      return -1;
    case StrengthTest::Kind::TorquePerKg:
      adj.target_torque = test.value * person.mass_kg;
      adj.basis = fmt::format("measured {:.2f} N·m/kg x {:.1f} kg", test.value, person.mass_kg);
      return -1;
    case StrengthTest::Kind::Dynamometer:
      adj.target_torque = test.value * test.lever_arm;
      adj.basis = fmt::format("dynamometer {:.0f} N x {:.3f} m lever arm", test.value, test.lever_arm);
      return -1;
    case StrengthTest::Kind::MmtGrade: {
      const auto it = tables.mmt_percent.find(test.grade);
      if (it == tables.mmt_percent.end()) {
        std::string known;
        for (const auto& [g, p] : tables.mmt_percent) known += (known.empty() ? "" : ", ") + g;
        throw InputError(fmt::format("{}: 'mmt_grade': unknown grade '{}' (known: {})", test.where, quote_input(test.grade), known));
      }
      const double percent = it->second;
      adj.basis = fmt::format("manual muscle test grade {} = {}% of normal", test.grade, percent);
      if (tables.mmt_unverified.count(test.grade))
        adj.warnings.push_back(fmt::format("grade {} as {}% of normal is an assumption, not a measured conversion (mmt_grades.csv): "
                                           "a dynamometer value would be more reliable",
                                           test.grade, percent));
      return percent;
    }
    case StrengthTest::Kind::PercentOfNorm:
      adj.basis = fmt::format("{}% of norm", test.value);
      return test.value;
    case StrengthTest::Kind::PercentOfBaseline: break;
  }
  return -1;
}

// A percent of normal as a torque: of the published norm, or, without one, of the model's own
// torque in the test (`model_torque`, N·m).
void resolve_percent(double percent, const StrengthNormRow* norm, double model_torque, const StrengthMeasure& measure,
                     const Person& person, StrengthAdjustment& adj) {
  if (norm) {
    adj.target_torque = percent / 100 * norm_torque(*norm, person);
    adj.basis += fmt::format(" (norm {:.0f} N·m, {})", norm_torque(*norm, person), norm->citation);
  } else {
    adj.target_torque = percent / 100 * model_torque;
    adj.basis += " (no published norm in the model's data: the generic model's strength is taken as the norm)";
    adj.warnings.push_back(fmt::format("no strength norm for {} ({}, {:.0f} y); the model's own strength was used", measure.name,
                                       to_string(person.sex), person.age_years));
  }
}

// The group's factor that makes the total torque the target: the group takes the whole difference.
// Kept within [0.02, 5], with a warning when limited.
double group_factor(const IsometricTorque& before, const std::string& group, StrengthAdjustment& adj) {
  const double others = before.total - before.group;
  const double k = (adj.target_torque - others) / before.group;
  const double k_lo = 0.02, k_hi = 5.0;
  if (k >= k_lo && k <= k_hi) return k;
  adj.warnings.push_back(fmt::format(
      "matching {:.1f} N·m would need the {} at {:.0f}% of the model's strength; limited to {:.0f}% (the other muscles give {:.1f} N·m)",
      adj.target_torque, group, 100 * k, 100 * std::clamp(k, k_lo, k_hi), others));
  return std::clamp(k, k_lo, k_hi);
}

}  // namespace

FittedStrength fit_strength_profile(const Model& model, const Person& person, const StrengthProfile& profile, const GenericTables& tables) {
  FittedStrength fitted{model_strength(model), {}};
  Eigen::VectorXd& max_force = fitted.strength.max_isometric_force;
  for (const auto& test : profile.tests) {
    const StrengthMeasure* measure = test.measure.empty() ? nullptr : &strength_measure(test.measure);
    const std::string group = !test.group.empty() ? test.group : measure->group;
    const bool bilateral = measure && measure->bilateral;
    const std::vector<std::string> sides =
        bilateral ? std::vector<std::string>{"r"} : (test.side == "both" ? std::vector<std::string>{"r", "l"} : std::vector<std::string>{test.side});
    for (const auto& side : sides) {
      StrengthAdjustment adj;
      adj.group = group;
      adj.side = bilateral ? "both" : side;
      adj.test = fmt::format("{} ({})", measure ? measure->name : group, adj.side == "r" ? "right" : adj.side == "l" ? "left" : "both");
      const std::vector<std::string> muscles = tested_muscles(tables, test, measure, group, side);
      auto scale_group = [&](double k) {
        for (std::size_t m = 0; m < model.muscles.size(); ++m)
          if (std::find(muscles.begin(), muscles.end(), model.muscles[m].name) != muscles.end())
            max_force[static_cast<Eigen::Index>(m)] *= k;
      };
      if (test.kind == StrengthTest::Kind::PercentOfBaseline) {
        adj.factor = test.value / 100;
        adj.basis = fmt::format("what-if: {} at {}% of the model's own strength", group, test.value);
        scale_group(adj.factor);
        fitted.adjustments.push_back(adj);
        continue;
      }
      const StrengthNormRow* norm = find_strength_norm(tables, measure->name, person.sex, person.age_years);
      std::map<std::string, double> posture;
      if (test.posture) posture = *test.posture;
      else if (norm) posture = parse_posture(norm->posture, "strength norm of " + measure->name, true);
      const double percent = read_target(test, person, tables, adj);
      if (test.posture) check_posture_in_range(model, *test.posture, side, test.where);
      // The person's torque in the test posture; a fresh Data each time, so nothing carries over.
      auto torque = [&] {
        Data data(model);
        return max_isometric_torque(model, data, *measure, side, posture, muscles, fitted.strength);
      };
      IsometricTorque before;
      try {
        before = torque();
      } catch (const InputError& e) {  // an unknown coordinate: name the file and the field
        throw InputError(fmt::format("{}: 'posture': {}", test.where, e.what()));
      }
      adj.model_torque_before = before.total;
      if (percent >= 0) resolve_percent(percent, norm, before.total, *measure, person, adj);
      if (before.group <= 0) {
        adj.warnings.push_back(fmt::format("the group '{}' produces no {} torque in this posture; strength unchanged", group, measure->name));
        adj.model_torque_after = before.total;
        fitted.adjustments.push_back(adj);
        continue;
      }
      adj.factor = group_factor(before, group, adj);
      scale_group(adj.factor);
      adj.model_torque_after = torque().total;
      fitted.adjustments.push_back(adj);
    }
  }
  return fitted;
}

}  // namespace weaklink

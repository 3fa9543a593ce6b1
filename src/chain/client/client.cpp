#include "chain/client/client.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "chain/activities/activity.hpp"
#include "core/embedded_data.hpp"
#include "core/error.hpp"
#include "io/json_input.hpp"
#include "io/storage.hpp"
#include "generic_model/generic_model.hpp"
#include "generic_model/generic_tables.hpp"

namespace weaklink {
namespace {

using nlohmann::json;

double number(const json& doc, const char* key, const std::string& where, const char* expected) {
  if (!doc.contains(key)) throw InputError(fmt::format("{}: '{}' is missing ({})", where, key, expected));
  const json& v = doc[key];
  if (!v.is_number()) throw InputError(fmt::format("{}: '{}': expected a number ({})", where, key, expected));
  return v.get<double>();
}

// A value in a range, with a hint when the number looks like the wrong unit.
void check_range(double v, double lo, double hi, const std::string& where, const char* key, const char* unit, const char* hint) {
  if (v >= lo && v <= hi) return;
  throw InputError(fmt::format("{}: '{}': {:g} is outside {:g}-{:g} {}{}", where, key, v, lo, hi, unit, hint));
}

// Aliases trainers use for the default activities.
std::string resolve_activity(const std::string& name, const std::string& sitting_posture, const std::string& where) {
  if (name == "sitting") return sitting_posture;
  if (name == "lifting") return "squat_lift";
  try {
    return find_activity(name).name;
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {} (also accepted: sitting, lifting)", where, e.what()));
  }
}

SittingHabits parse_sitting(const json& s, const std::string& where) {
  if (!s.is_object()) throw InputError(where + ": expected an object with 'hours_per_day' or 'bouts_min'");
  for (auto it = s.begin(); it != s.end(); ++it)
    if (it.key() != "hours_per_day" && it.key() != "bouts_min" && it.key() != "posture" && it.key() != "note")
      throw InputError(fmt::format("{}: unknown field '{}' (expected hours_per_day or bouts_min, posture, note)", where, quote_input(it.key())));
  SittingHabits h;
  const bool hours = s.contains("hours_per_day"), bouts = s.contains("bouts_min");
  if (hours == bouts) throw InputError(where + ": expected exactly one of 'hours_per_day' and 'bouts_min' (a log of sitting bouts, minutes)");
  if (hours) {
    h.hours_per_day = number(s, "hours_per_day", where, "hours of sitting per day");
    check_range(h.hours_per_day, 0, 20, where, "hours_per_day", "h", "");
  } else {
    const json& b = s["bouts_min"];
    if (!b.is_array() || b.empty()) throw InputError(where + ": 'bouts_min': expected a non-empty array of bout durations in minutes");
    double total = 0, longest = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (!b[i].is_number()) throw InputError(fmt::format("{}: 'bouts_min'[{}]: expected minutes", where, i));
      const double m = b[i].get<double>();
      check_range(m, 0, 24 * 60, fmt::format("{}: 'bouts_min'[{}]", where, i), "value", "min", "");
      total += m;
      longest = std::max(longest, m);
    }
    if (total > 20 * 60) throw InputError(fmt::format("{}: 'bouts_min' add up to {:.1f} h in a day (at most 20 h)", where, total / 60));
    h.hours_per_day = total / 60;
    h.longest_bout_min = longest;
  }
  if (s.contains("posture")) {
    if (!s["posture"].is_string()) throw InputError(where + ": 'posture': expected slumped, upright or backrest");
    const std::string p = s["posture"].get<std::string>();
    if (p == "slumped") h.posture = "sitting_slumped";
    else if (p == "upright") h.posture = "sitting_upright";
    else if (p == "backrest") h.posture = "sitting_backrest";
    else throw InputError(fmt::format("{}: 'posture': expected slumped, upright or backrest, found '{}'", where, quote_input(p)));
  }
  return h;
}

}  // namespace

std::vector<std::string> default_assessment_activities(const std::string& sitting_posture) {
  return {"standing", sitting_posture, "sit_to_stand", "walking", "squat", "squat_lift"};
}

namespace {

// The client in a parsed client file (io::parse_json_input: UTF-8, no duplicate keys, bounded).
Client client_from_json(const json& doc, const std::string& name) {
  if (!doc.is_object()) throw InputError(name + ": expected a JSON object (docs/assessment.md, 'Client file')");
  static const char* const kKnown[] = {"name", "note", "age", "sex", "height_m", "mass_kg", "strength", "sitting", "activities"};
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (std::find(std::begin(kKnown), std::end(kKnown), it.key()) != std::end(kKnown)) continue;
    std::string hint;
    if (it.key() == "height_cm" || it.key() == "height") hint = "; give 'height_m' in metres";
    if (it.key() == "mass_lb" || it.key() == "weight" || it.key() == "mass" || it.key() == "weight_kg") hint = "; give 'mass_kg' in kilograms";
    throw InputError(fmt::format("{}: unknown field '{}' (expected name, note, age, sex, height_m, mass_kg, strength, sitting, activities){}",
                                 name, quote_input(it.key()), hint));
  }
  Client c;
  if (doc.contains("name")) {
    if (!doc["name"].is_string()) throw InputError(name + ": 'name': expected a string");
    c.name = doc["name"].get<std::string>();
    // A name, shown in the report's title and the terminal summary; not a document.
    constexpr std::size_t kMaxName = 200;
    if (c.name.size() > kMaxName)
      throw InputError(fmt::format("{}: 'name': {} bytes long, at most {} ('{}')", name, c.name.size(), kMaxName, quote_input(c.name)));
  }
  c.person.age_years = number(doc, "age", name, "years");
  check_range(c.person.age_years, 18, 100, name, "age", "years", " (the model's data are adult data)");
  if (!doc.contains("sex")) throw InputError(name + ": 'sex' is missing (female or male)");
  if (!doc["sex"].is_string()) throw InputError(name + ": 'sex': expected female or male");
  c.person.sex = parse_sex(doc["sex"].get<std::string>(), name + ": 'sex'");
  c.person.height_m = number(doc, "height_m", name, "standing height in metres");
  check_range(c.person.height_m, 1.2, 2.2, name, "height_m", "m", c.person.height_m > 100 ? " (centimetres? give metres)" : "");
  c.person.mass_kg = number(doc, "mass_kg", name, "body mass in kilograms");
  check_range(c.person.mass_kg, 30, 250, name, "mass_kg", "kg", "");

  if (doc.contains("strength")) {
    c.strength.tests = parse_strength_tests(doc["strength"], name + ": strength");
    // Groups are checked here, not when the model is built, so that the message names the field.
    const auto groups = group_names(GenericTables::builtin());
    for (const auto& t : c.strength.tests)
      if (!t.group.empty() && std::find(groups.begin(), groups.end(), t.group) == groups.end()) {
        std::string known;
        for (const auto& g : groups) known += (known.empty() ? "" : ", ") + g;
        throw InputError(fmt::format("{}: 'group': unknown muscle group '{}' (known: {})", t.where, quote_input(t.group), known));
      }
  }
  std::string sitting_posture = "sitting_slumped";
  if (doc.contains("sitting") && !doc["sitting"].is_null()) {
    c.sitting = parse_sitting(doc["sitting"], name + ": sitting");
    sitting_posture = c.sitting->posture;
  }
  if (doc.contains("activities")) {
    const json& a = doc["activities"];
    if (!a.is_array() || a.empty()) throw InputError(name + ": 'activities': expected a non-empty array of activity names");
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string where = fmt::format("{}: activities[{}]", name, i);
      if (!a[i].is_string()) throw InputError(where + ": expected an activity name (weaklink activities lists them)");
      const std::string act = resolve_activity(a[i].get<std::string>(), sitting_posture, where);
      if (std::find(c.activities.begin(), c.activities.end(), act) == c.activities.end()) c.activities.push_back(act);
    }
  } else {
    c.activities = default_assessment_activities(sitting_posture);
  }
  return c;
}

}  // namespace

Client parse_client(const std::string& text, const std::string& name) { return client_from_json(io::parse_json_input(text, name), name); }

Client read_client(const std::filesystem::path& path) { return client_from_json(io::read_json_input(path), path.string()); }

const std::string& demo_client_json() {
  static const std::string text(data::embedded_file("clients/demo_client.json"));
  return text;
}

Client demo_client() { return parse_client(demo_client_json(), "built-in demo client"); }

}  // namespace weaklink

// The built-in activities: data files (data/activities/<name>.json, compiled in; the format is
// docs/activity-format.md), read once by the same loader as a user's activity file.
#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>
#include <string_view>

#include "chain/activities/activity.hpp"
#include "core/embedded_data.hpp"
#include "core/error.hpp"
#include "core/find_by_name.hpp"

namespace weaklink {
namespace {

// The library's order (`weaklink activities`, the assessment's tables).
constexpr auto kBuiltinActivities = std::to_array<std::string_view>({
    "standing",   "sitting_upright", "sitting_slumped", "sitting_backrest", "sit_to_stand", "stand_to_sit",
    "walking",    "squat",           "stoop_lift",      "squat_lift",       "hip_bridge",   "single_leg_bridge",
    "clamshell",  "side_lying_abduction", "leg_press",  "standing_hip_external_rotation", "step_up"});

std::vector<Activity> build_library() {
  std::vector<Activity> lib;
  for (const auto name : kBuiltinActivities) {
    const std::string path = "activities/" + std::string(name) + ".json";
    lib.push_back(parse_activity(std::string(data::embedded_file(path)), "data/" + path));
    if (lib.back().name != name) throw std::logic_error("data/" + path + " names the activity '" + lib.back().name + "'");
  }
  return lib;
}

}  // namespace

double ActivityParameters::operator[](const std::string& name) const {
  for (const auto& p : list)
    if (p.name == name) return p.value;
  throw std::out_of_range("activity parameter '" + name + "'");
}

const std::vector<Activity>& activity_library() {
  static const std::vector<Activity> lib = build_library();
  return lib;
}

const Activity& find_activity(const std::string& name) {
  return find_by_name(activity_library(), name, "activity");
}

ActivityParameters activity_parameters(const Activity& activity, const std::vector<std::string>& overrides) {
  ActivityParameters out{activity.parameters};
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos) throw InputError(fmt::format("--param '{}': expected key=value", o));
    const std::string key = o.substr(0, eq), value = o.substr(eq + 1);
    auto it = std::find_if(out.list.begin(), out.list.end(), [&](const ActivityParameter& p) { return p.name == key; });
    if (it == out.list.end()) {
      std::string known;
      for (const auto& p : out.list) known += (known.empty() ? "" : ", ") + p.name;
      throw InputError(fmt::format("--param '{}': activity '{}' has no parameter '{}' (it has: {})", o, activity.name, key, known));
    }
    double v = 0;
    std::size_t used = 0;
    try {
      v = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size() || value.empty() || !std::isfinite(v))
      throw InputError(fmt::format("--param '{}': '{}' is not a number", o, value));
    if (v < it->min || v > it->max)
      throw InputError(fmt::format("--param '{}': {} must be between {} and {} {}", o, key, it->min, it->max, it->unit));
    if (key == "frames" && v != std::floor(v)) throw InputError(fmt::format("--param '{}': frames must be a whole number", o));
    it->value = v;
  }
  return out;
}

}  // namespace weaklink

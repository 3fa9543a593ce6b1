#pragma once
// An activity file once read and validated (activity_file.cpp): every value a number or a
// compiled expression, every list checked. build_activity_plan turns it into the plan of one
// repetition for given parameter values (activity_plan.cpp). Internal to chain/activities.
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/activities/activity.hpp"
#include "core/expression.hpp"
#include "core/profiles.hpp"

namespace weaklink::activity_file {

inline constexpr double kDeg = M_PI / 180.0;

// Names every expression may use besides the activity's own, with their values.
const std::vector<std::pair<std::string, double>>& builtin_variables();

// A number, or an expression of the variables (builtins, parameters, constants, derived values).
struct Value {
  double number = 0;
  std::optional<Expression> expression;
  double operator()(const std::vector<double>& v) const { return expression ? expression->eval(v.data()) : number; }
};
using Vec3Value = std::array<Value, 3>;

struct Window {  // fractions of the duration; absent ends are open
  std::optional<Value> from, to;
};

struct TrackDef {
  enum class Kind { Constant, Keys, Sinusoid, FourierCurve };
  std::string coordinate, path;
  Kind kind = Kind::Constant;
  double scale = kDeg;  // deg → rad, or 1 for metres
  Value constant;
  std::vector<std::pair<Value, Value>> keys;  // (fraction of the duration, value)
  Value mean, amplitude, peak_at;             // sinusoid: degrees, degrees, fraction of the cycle
  FourierSeries curve;                        // fourier_curve: over [0, period)
  double period = 1;
  Value phase;
};

struct SurfaceDef {
  std::string name, through_site, path;
  std::optional<Vec3Value> point, normal;
  Value friction, reach, through_at;
  int normal_axis = -1;
  bool attached = false;
  std::optional<Value> normal_load;
};

struct SiteGroupDef {
  std::string surface, path;
  std::vector<std::string> sites;
  PlanAnchor::Kind kind = PlanAnchor::Kind::Fixed;
  Window window;
};

struct LoadDef {
  std::string path;
  PlanLoad::Kind kind = PlanLoad::Kind::HandHeld;
  std::string name, site, site_b;
  std::optional<Vec3Value> anchor;
  Value mass, stiffness, rest_length;
  Window window;
  std::optional<Value> when;
};

struct BalanceDef {
  std::string path;
  bool capture = false;
  int axis = 0;
  std::vector<std::pair<std::string, Value>> coordinates;
  std::vector<std::string> support_sites;
  Window window;
  Value ramp;
};

struct GaitDef {
  std::vector<std::string> support_sites;
  std::vector<std::pair<std::string, double>> feet;
  double stance_fraction = 0.6;
  int harmonics = 4;
};

struct InitialDef {
  std::string coordinate;
  double scale = kDeg;
  Value value;
};

struct Definition {
  std::string file, name, description;
  std::vector<ActivityParameter> parameters;
  std::vector<std::string> variables;  // builtins, parameters, constants, derived: the expressions' names
  std::vector<double> constants;
  std::vector<Value> derived;
  Value duration, frames;
  bool time_reversed = false;
  std::optional<GaitDef> gait;
  std::vector<TrackDef> tracks;
  std::vector<SurfaceDef> surfaces;
  std::vector<SiteGroupDef> contacts, anchors;
  std::vector<LoadDef> loads;
  std::vector<BalanceDef> balance;
  std::vector<InitialDef> initial;
  double pose_rate = 0;
};

// Reads one document, naming the file and the field's path in every refusal.

ActivityPlan build_activity_plan(const Definition& definition, const ActivityParameters& parameters);

}  // namespace weaklink::activity_file

#include "io/muscle_params_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <numbers>

#include "core/ascii_lower.hpp"
#include "core/error.hpp"
#include "model/plausible_ranges.hpp"

namespace weaklink {

namespace {

// Older documents drop min 0 / max 1 (docs/opensim-semantics.md#model-files).
constexpr int kVersionControlBoundsKept = 30513;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// One property to look up: its element name, under the muscle or a sub-object of it.
struct Name {
  const char* prop;
  const char* object = nullptr;
};

class PropertyReader {
 public:
  PropertyReader(pugi::xml_node muscle, pugi::xml_node defaults, int version, const std::string& file)
      : muscle_(muscle), defaults_(defaults), version_(version), file_(file) {
    where_ = fmt::format("{} '{}'", quote_input(muscle.name()), quote_input(muscle.attribute("name").value()));
  }

  [[noreturn]] void fail(const std::string& what) const { throw_input_error(file_, where_, what); }
  int version() const { return version_; }

  // A number from the first of `names` found in the muscle, else in the defaults object.
  // Empty elements count as absent. `discard` (old-document rule) also counts as absent.
  double number(std::initializer_list<Name> names, double fallback,
                std::optional<double> discard_if_old = std::nullopt) const {
    for (pugi::xml_node source : {muscle_, defaults_}) {
      for (const Name& n : names) {
        const std::string_view text = trim(element(source, n).text().as_string());
        if (text.empty()) continue;
        const double v = parse(text, n.prop);
        if (discard_if_old && version_ < kVersionControlBoundsKept && v == *discard_if_old) continue;
        return v;
      }
    }
    return fallback;
  }

  // Optional (list) property: present-but-empty means "unset" and stops the search.
  std::optional<double> optional_number(Name n) const {
    for (pugi::xml_node source : {muscle_, defaults_}) {
      const pugi::xml_node e = element(source, n);
      if (!e) continue;
      const std::string_view text = trim(e.text().as_string());
      if (text.empty()) return std::nullopt;
      return parse(text, n.prop);
    }
    return std::nullopt;
  }

  // Booleans: true/false (any case) or 1/0. `negated` names mean the opposite (isDisabled).
  bool boolean(std::initializer_list<Name> names, bool fallback, std::initializer_list<Name> negated = {}) const {
    for (pugi::xml_node source : {muscle_, defaults_}) {
      for (const Name& n : names)
        if (auto v = parse_bool(element(source, n), n.prop)) return *v;
      for (const Name& n : negated)
        if (auto v = parse_bool(element(source, n), n.prop)) return !*v;
    }
    return fallback;
  }

  // Range checks; the message names the property and what was expected.
  void check(bool ok, const char* prop, double value, const char* expected) const {
    if (!ok) fail(fmt::format("{} must be {}, got {}", prop, expected, value));
  }

 private:
  static pugi::xml_node element(pugi::xml_node source, const Name& n) {
    if (!source) return {};
    const pugi::xml_node owner = n.object ? source.child(n.object) : source;
    return owner ? owner.child(n.prop) : pugi::xml_node{};
  }

  double parse(std::string_view text, const char* prop) const {
    // strtod accepts "inf", "infinity" and "nan" in any case, as OpenSim's reader does.
    const std::string s(text);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0') fail(fmt::format("{} must be a number, got '{}'", prop, quote_input(s)));
    return v;
  }

  std::optional<bool> parse_bool(pugi::xml_node e, const char* prop) const {
    const std::string s = ascii_lower(trim(e.text().as_string()));
    if (s.empty()) return std::nullopt;
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
    fail(fmt::format("{} must be true or false, got '{}'", prop, quote_input(e.text().as_string())));
  }

  pugi::xml_node muscle_, defaults_;
  int version_;
  const std::string& file_;
  std::string where_;
};

bool finite(double x) { return std::isfinite(x); }

void read_thelen(const PropertyReader& r, MuscleParams& p) {
  ThelenParams& t = p.thelen;
  t.fmax_tendon_strain = r.number({{"FmaxTendonStrain"}}, t.fmax_tendon_strain);
  t.fmax_muscle_strain = r.number({{"FmaxMuscleStrain"}}, t.fmax_muscle_strain);
  t.kshape_active = r.number({{"KshapeActive"}}, t.kshape_active);
  t.kshape_passive = r.number({{"KshapePassive"}}, t.kshape_passive);
  t.af = r.number({{"Af"}}, t.af);
  t.flen = r.number({{"Flen"}}, t.flen);
  t.fv_linear_extrap_threshold = r.number({{"fv_linear_extrap_threshold"}}, t.fv_linear_extrap_threshold);
  // OpenSim 4.5 Thelen2003Muscle::extendFinalizeFromProperties rejects these.
  r.check(finite(t.fmax_tendon_strain) && t.fmax_tendon_strain > 0, "FmaxTendonStrain", t.fmax_tendon_strain, "> 0");
  r.check(finite(t.fmax_muscle_strain) && t.fmax_muscle_strain > 0, "FmaxMuscleStrain", t.fmax_muscle_strain, "> 0");
  r.check(finite(t.kshape_active) && t.kshape_active > 0, "KshapeActive", t.kshape_active, "> 0");
  r.check(finite(t.kshape_passive) && t.kshape_passive > 0, "KshapePassive", t.kshape_passive, "> 0");
  r.check(finite(t.af) && t.af > 0, "Af", t.af, "> 0");
  r.check(finite(t.flen) && t.flen > 1, "Flen", t.flen, "> 1");
  r.check(finite(t.fv_linear_extrap_threshold) && t.fv_linear_extrap_threshold > 1 / t.flen,
          "fv_linear_extrap_threshold", t.fv_linear_extrap_threshold, "> 1/Flen");
  // 4.x documents: OpenSim 4.5 requires >= 0.01. Older documents (e.g. OpenSim's own arm26 test
  // model, minimum_activation 0 and min_control 1e-5) were accepted and solved by OpenSim: its
  // reference static-optimization activations go down to 4e-6. Accept [0, 1) there.
  const double floor = r.version() >= 40000 ? 0.01 : 0.0;
  r.check(p.minimum_activation >= floor && p.minimum_activation < 1, "minimum_activation", p.minimum_activation,
          floor > 0 ? "in [0.01, 1)" : "in [0, 1)");
}

void read_millard(const PropertyReader& r, MuscleParams& p) {
  MillardParams& m = p.millard;
  m.fiber_damping = r.number({{"fiber_damping"}}, m.fiber_damping);
  r.check(finite(m.fiber_damping) && m.fiber_damping >= 0, "fiber_damping", m.fiber_damping, ">= 0");

  constexpr const char* kAfl = "ActiveForceLengthCurve";
  MillardActiveForceLengthParams& a = m.active;
  a.min_norm_active_fiber_length = r.number({{"min_norm_active_fiber_length", kAfl}}, a.min_norm_active_fiber_length);
  a.transition_norm_fiber_length = r.number({{"transition_norm_fiber_length", kAfl}}, a.transition_norm_fiber_length);
  a.max_norm_active_fiber_length = r.number({{"max_norm_active_fiber_length", kAfl}}, a.max_norm_active_fiber_length);
  a.shallow_ascending_slope = r.number({{"shallow_ascending_slope", kAfl}}, a.shallow_ascending_slope);
  a.minimum_value = r.number({{"minimum_value", kAfl}}, a.minimum_value);
  // Requirements of OpenSim's createFiberActiveForceLengthCurve (x2 = 1).
  const double root_eps = std::sqrt(std::numeric_limits<double>::epsilon());
  r.check(
      a.min_norm_active_fiber_length >= 0 &&
          a.transition_norm_fiber_length > a.min_norm_active_fiber_length + root_eps &&
          1.0 > a.transition_norm_fiber_length + root_eps && a.max_norm_active_fiber_length > 1.0 + root_eps,
      "ActiveForceLengthCurve transition_norm_fiber_length", a.transition_norm_fiber_length,
      "such that 0 <= min_norm_active_fiber_length < transition_norm_fiber_length < 1 < max_norm_active_fiber_length");
  r.check(a.minimum_value >= 0, "ActiveForceLengthCurve minimum_value", a.minimum_value, ">= 0");
  r.check(a.shallow_ascending_slope >= 0 &&
              a.shallow_ascending_slope < (1 - a.minimum_value) / (1 - a.transition_norm_fiber_length),
          "ActiveForceLengthCurve shallow_ascending_slope", a.shallow_ascending_slope,
          "in [0, (1 - minimum_value)/(1 - transition_norm_fiber_length))");

  constexpr const char* kFv = "ForceVelocityCurve";
  MillardForceVelocityParams& v = m.velocity;
  v.concentric_slope_at_vmax = r.number({{"concentric_slope_at_vmax", kFv}}, v.concentric_slope_at_vmax);
  v.concentric_slope_near_vmax = r.number({{"concentric_slope_near_vmax", kFv}}, v.concentric_slope_near_vmax);
  v.isometric_slope = r.number({{"isometric_slope", kFv}}, v.isometric_slope);
  v.eccentric_slope_at_vmax = r.number({{"eccentric_slope_at_vmax", kFv}}, v.eccentric_slope_at_vmax);
  v.eccentric_slope_near_vmax = r.number({{"eccentric_slope_near_vmax", kFv}}, v.eccentric_slope_near_vmax);
  v.max_eccentric_velocity_force_multiplier =
      r.number({{"max_eccentric_velocity_force_multiplier", kFv}}, v.max_eccentric_velocity_force_multiplier);
  v.concentric_curviness = r.number({{"concentric_curviness", kFv}}, v.concentric_curviness);
  v.eccentric_curviness = r.number({{"eccentric_curviness", kFv}}, v.eccentric_curviness);
  // Requirements of OpenSim's createFiberForceVelocityCurve.
  const double fe = v.max_eccentric_velocity_force_multiplier;
  r.check(fe > 1, "ForceVelocityCurve max_eccentric_velocity_force_multiplier", fe, "> 1");
  r.check(v.concentric_slope_at_vmax >= 0 && v.concentric_slope_at_vmax < 1,
          "ForceVelocityCurve concentric_slope_at_vmax", v.concentric_slope_at_vmax, "in [0, 1)");
  r.check(v.concentric_slope_near_vmax > v.concentric_slope_at_vmax && v.concentric_slope_near_vmax <= 1,
          "ForceVelocityCurve concentric_slope_near_vmax", v.concentric_slope_near_vmax,
          "in (concentric_slope_at_vmax, 1]");
  r.check(v.isometric_slope > 1, "ForceVelocityCurve isometric_slope", v.isometric_slope, "> 1");
  r.check(v.eccentric_slope_at_vmax >= 0 && v.eccentric_slope_at_vmax < fe - 1,
          "ForceVelocityCurve eccentric_slope_at_vmax", v.eccentric_slope_at_vmax,
          "in [0, max_eccentric_velocity_force_multiplier - 1)");
  r.check(v.eccentric_slope_near_vmax >= v.eccentric_slope_at_vmax && v.eccentric_slope_near_vmax < fe - 1,
          "ForceVelocityCurve eccentric_slope_near_vmax", v.eccentric_slope_near_vmax,
          "in [eccentric_slope_at_vmax, max_eccentric_velocity_force_multiplier - 1)");
  r.check(v.concentric_curviness >= 0 && v.concentric_curviness <= 1, "ForceVelocityCurve concentric_curviness",
          v.concentric_curviness, "in [0, 1]");
  r.check(v.eccentric_curviness >= 0 && v.eccentric_curviness <= 1, "ForceVelocityCurve eccentric_curviness",
          v.eccentric_curviness, "in [0, 1]");

  constexpr const char* kFpe = "FiberForceLengthCurve";
  MillardFiberForceLengthParams& f = m.passive;
  f.strain_at_zero_force = r.number({{"strain_at_zero_force", kFpe}}, f.strain_at_zero_force);
  f.strain_at_one_norm_force = r.number({{"strain_at_one_norm_force", kFpe}}, f.strain_at_one_norm_force);
  f.stiffness_at_low_force = r.optional_number({"stiffness_at_low_force", kFpe});
  f.stiffness_at_one_norm_force = r.optional_number({"stiffness_at_one_norm_force", kFpe});
  f.curviness = r.optional_number({"curviness", kFpe});
  const double de = f.strain_at_one_norm_force - f.strain_at_zero_force;
  r.check(de > 0, "FiberForceLengthCurve strain_at_one_norm_force", f.strain_at_one_norm_force,
          "> strain_at_zero_force");
  const int set_f =
      f.stiffness_at_low_force.has_value() + f.stiffness_at_one_norm_force.has_value() + f.curviness.has_value();
  if (set_f != 0 && set_f != 3)
    r.fail(
        "FiberForceLengthCurve: stiffness_at_low_force, stiffness_at_one_norm_force and curviness must be all set or "
        "all empty");
  if (set_f == 3) {
    r.check(*f.stiffness_at_one_norm_force > 1 / de, "FiberForceLengthCurve stiffness_at_one_norm_force",
            *f.stiffness_at_one_norm_force, "> 1/(strain_at_one_norm_force - strain_at_zero_force)");
    r.check(*f.stiffness_at_low_force > 0 && *f.stiffness_at_low_force < 1 / de,
            "FiberForceLengthCurve stiffness_at_low_force", *f.stiffness_at_low_force,
            "in (0, 1/(strain_at_one_norm_force - strain_at_zero_force))");
    r.check(*f.curviness >= 0 && *f.curviness <= 1, "FiberForceLengthCurve curviness", *f.curviness, "in [0, 1]");
  }

  constexpr const char* kFse = "TendonForceLengthCurve";
  MillardTendonForceLengthParams& t = m.tendon;
  t.strain_at_one_norm_force = r.number({{"strain_at_one_norm_force", kFse}}, t.strain_at_one_norm_force);
  t.stiffness_at_one_norm_force = r.optional_number({"stiffness_at_one_norm_force", kFse});
  t.norm_force_at_toe_end = r.optional_number({"norm_force_at_toe_end", kFse});
  t.curviness = r.optional_number({"curviness", kFse});
  r.check(t.strain_at_one_norm_force > 0, "TendonForceLengthCurve strain_at_one_norm_force", t.strain_at_one_norm_force,
          "> 0");
  const int set_t =
      t.stiffness_at_one_norm_force.has_value() + t.norm_force_at_toe_end.has_value() + t.curviness.has_value();
  if (set_t != 0 && set_t != 3)
    r.fail(
        "TendonForceLengthCurve: stiffness_at_one_norm_force, norm_force_at_toe_end and curviness must be all set or "
        "all empty");
  if (set_t == 3) {
    r.check(*t.stiffness_at_one_norm_force > 1 / t.strain_at_one_norm_force,
            "TendonForceLengthCurve stiffness_at_one_norm_force", *t.stiffness_at_one_norm_force,
            "> 1/strain_at_one_norm_force");
    r.check(*t.norm_force_at_toe_end > 0 && *t.norm_force_at_toe_end < 1,
            "TendonForceLengthCurve norm_force_at_toe_end", *t.norm_force_at_toe_end, "in (0, 1)");
    r.check(*t.curviness >= 0 && *t.curviness <= 1, "TendonForceLengthCurve curviness", *t.curviness, "in [0, 1]");
  }

  // Millard2012EquilibriumMuscle::extendFinalizeFromProperties: the undamped elastic-tendon model
  // needs activation >= 0.01; the damped one clamps it into [0, 1].
  const bool classic = !p.ignore_tendon_compliance && m.fiber_damping < 0.001;
  if (classic)
    r.check(p.minimum_activation >= 0.01 && p.minimum_activation <= 1, "minimum_activation", p.minimum_activation,
            "in [0.01, 1] for the undamped model with an elastic tendon");
  else
    p.minimum_activation = std::clamp(p.minimum_activation, 0.0, 1.0);
}

void read_degroote(const PropertyReader& r, MuscleParams& p) {
  DeGrooteParams& d = p.degroote;
  d.active_force_width_scale = r.number({{"active_force_width_scale"}}, d.active_force_width_scale);
  d.passive_fiber_strain_at_one_norm_force =
      r.number({{"passive_fiber_strain_at_one_norm_force"}}, d.passive_fiber_strain_at_one_norm_force);
  d.tendon_strain_at_one_norm_force =
      r.number({{"tendon_strain_at_one_norm_force"}}, d.tendon_strain_at_one_norm_force);
  d.ignore_passive_fiber_force = r.boolean({{"ignore_passive_fiber_force"}}, d.ignore_passive_fiber_force);
  d.fiber_damping = r.number({{"fiber_damping"}}, d.fiber_damping);
  // OpenSim 4.5 DeGrooteFregly2016Muscle::extendFinalizeFromProperties rejects these.
  r.check(d.active_force_width_scale >= 1, "active_force_width_scale", d.active_force_width_scale, ">= 1");
  r.check(d.passive_fiber_strain_at_one_norm_force > 0, "passive_fiber_strain_at_one_norm_force",
          d.passive_fiber_strain_at_one_norm_force, "> 0");
  r.check(d.tendon_strain_at_one_norm_force > 0, "tendon_strain_at_one_norm_force", d.tendon_strain_at_one_norm_force,
          "> 0");
  r.check(d.fiber_damping >= 0, "fiber_damping", d.fiber_damping, ">= 0");
  r.check(p.pennation_angle_at_optimal < std::numbers::pi / 2 - 1e-13, "pennation_angle_at_optimal",
          p.pennation_angle_at_optimal, "< pi/2");
}

}  // namespace

MuscleParams read_muscle_params(const pugi::xml_node& muscle, const pugi::xml_node& defaults, int document_version,
                                const std::string& file) {
  const PropertyReader r(muscle, defaults, document_version, file);
  const std::optional<MuscleType> type = muscle_type_from_class_name(muscle.name());
  if (!type)
    r.fail("not a supported muscle class (Thelen2003Muscle, Millard2012EquilibriumMuscle, DeGrooteFregly2016Muscle)");

  MuscleParams p = default_muscle_params(*type);
  p.applies_force = r.boolean({{"appliesForce"}}, p.applies_force, {{"isDisabled"}});
  // Files older than 30513 wrote Muscle's 0/1 bounds; OpenSim drops them for the class default.
  p.min_control = r.number({{"min_control"}}, p.min_control, 0.0);
  p.max_control = r.number({{"max_control"}}, p.max_control, 1.0);
  p.max_isometric_force = r.number({{"max_isometric_force"}}, p.max_isometric_force);
  p.optimal_fiber_length = r.number({{"optimal_fiber_length"}}, p.optimal_fiber_length);
  p.tendon_slack_length = r.number({{"tendon_slack_length"}}, p.tendon_slack_length);
  p.pennation_angle_at_optimal =
      r.number({{"pennation_angle_at_optimal"}, {"pennation_angle"}}, p.pennation_angle_at_optimal);
  p.max_contraction_velocity = r.number({{"max_contraction_velocity"}}, p.max_contraction_velocity);
  p.ignore_tendon_compliance = r.boolean({{"ignore_tendon_compliance"}}, p.ignore_tendon_compliance);
  p.default_activation = r.number({{"default_activation"}}, p.default_activation);
  p.default_fiber_length = r.number({{"default_fiber_length"}}, p.default_fiber_length);
  if (*type != MuscleType::DeGrooteFregly2016) {
    // 3.x Millard files kept these in sub-objects; accept them there too.
    p.maximum_pennation_angle =
        r.number({{"maximum_pennation_angle"}, {"maximum_pennation_angle", "MuscleFixedWidthPennationModel"}},
                 p.maximum_pennation_angle);
    p.minimum_activation =
        r.number({{"minimum_activation"}, {"minimum_activation", "MuscleFirstOrderActivationDynamicModel"}},
                 p.minimum_activation);
  }

  r.check(finite(p.max_isometric_force) && p.max_isometric_force > 0 && p.max_isometric_force <= plausible::kMaxMuscleForce,
          "max_isometric_force", p.max_isometric_force, "a positive finite number (at most 1e5 N: plausible_ranges.hpp)");
  r.check(finite(p.optimal_fiber_length) && p.optimal_fiber_length > 0 && p.optimal_fiber_length <= plausible::kMaxMuscleLength,
          "optimal_fiber_length", p.optimal_fiber_length, "a positive finite number (at most 5 m: plausible_ranges.hpp)");
  r.check(finite(p.tendon_slack_length) && p.tendon_slack_length >= 0 && p.tendon_slack_length <= plausible::kMaxMuscleLength,
          "tendon_slack_length", p.tendon_slack_length, "a finite number >= 0 (at most 5 m: plausible_ranges.hpp)");
  r.check(p.pennation_angle_at_optimal >= 0 && p.pennation_angle_at_optimal < std::numbers::pi / 2,
          "pennation_angle_at_optimal", p.pennation_angle_at_optimal, "in [0, pi/2) radians");
  r.check(finite(p.max_contraction_velocity) && p.max_contraction_velocity > 0 &&
              p.max_contraction_velocity <= plausible::kMaxContractionVelocity,
          "max_contraction_velocity", p.max_contraction_velocity,
          "a positive finite number (at most 100 optimal fibre lengths/s: plausible_ranges.hpp)");
  r.check(!std::isnan(p.min_control) && !std::isnan(p.max_control) && p.min_control <= p.max_control, "min_control",
          p.min_control, "a number <= max_control");
  r.check(finite(p.default_activation), "default_activation", p.default_activation, "a finite number");
  r.check(p.maximum_pennation_angle >= 0 && p.maximum_pennation_angle <= std::numbers::pi / 2,
          "maximum_pennation_angle", p.maximum_pennation_angle, "in [0, pi/2] radians");

  switch (*type) {
    case MuscleType::Thelen2003: read_thelen(r, p); break;
    case MuscleType::Millard2012Equilibrium: read_millard(r, p); break;
    case MuscleType::DeGrooteFregly2016: read_degroote(r, p); break;
  }
  // OpenSim 4.5 (Thelen and Millard extendFinalizeFromProperties): SO's lower bound cannot go
  // below the activation floor.
  if (*type != MuscleType::DeGrooteFregly2016 && r.version() >= 40000)
    r.check(p.min_control >= p.minimum_activation, "min_control", p.min_control, ">= minimum_activation");
  finalize_muscle_params(p);
  return p;
}

}  // namespace weaklink

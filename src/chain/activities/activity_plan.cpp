// The plan of one repetition from a validated activity file (activity_definition.hpp): the
// expressions evaluated for the run's parameters, keyed tracks as minimum-jerk profiles, windows
// and placements mirrored for a time-reversed activity, every evaluated value checked.
#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "chain/activities/activity_definition.hpp"
#include "core/error.hpp"

namespace weaklink::activity_file {
namespace {

constexpr double kNoBegin = -1e9, kNoEnd = 1e9;  // PlanAnchor/PlanLoad/PlanBalance: no window

class PlanBuilder {
 public:
  PlanBuilder(const Definition& d, const ActivityParameters& a) : d_(d) {
    for (const auto& [n, v] : builtin_variables()) vars_.push_back(v);
    for (const auto& p : d.parameters) vars_.push_back(a[p.name]);
    vars_.insert(vars_.end(), d.constants.begin(), d.constants.end());
    for (const auto& v : d.derived) vars_.push_back(v(vars_));
  }

  ActivityPlan build() {
    ActivityPlan p;
    p.duration = finite(d_.duration, "duration");
    const double frames = finite(d_.frames, "frames");
    if (!(p.duration > 0)) fail("duration", fmt::format("evaluates to {:g} s (expected a positive duration)", p.duration));
    if (frames < 6 || frames > 100000 || frames != std::floor(frames)) fail("frames", fmt::format("evaluates to {:g} (expected a whole number from 6 to 100000)", frames));
    p.frames = static_cast<int>(frames);
    D_ = p.duration;
    p.source_file = d_.file;
    for (const auto& t : d_.tracks) {
      p.tracks.emplace_back(t.coordinate, track(t));
      p.track_fields.push_back(t.path + ".coordinate");
    }
    for (const auto& s : d_.surfaces) p.surfaces.push_back(surface(s));
    for (const auto& g : d_.contacts)
      for (const auto& site : g.sites) p.contacts.push_back({site, g.surface});
    for (const auto& g : d_.anchors) {
      const auto [begin, end] = window(g.window, g.path + ".window");
      for (const auto& site : g.sites) p.anchors.push_back({site, g.surface, g.kind, begin, end});
    }
    for (const auto& l : d_.loads)
      if (!l.when || (*l.when)(vars_) > 0) p.loads.push_back(load(l));
    for (const auto& b : d_.balance) p.balance.push_back(balance(b));
    for (const auto& v : d_.initial) {
      p.initial_fields.push_back(fmt::format("initial[{}].coordinate", p.initial.size()));
      p.initial.emplace_back(v.coordinate, v.value(vars_) * v.scale);
    }
    p.solve_backwards = d_.time_reversed;
    if (d_.gait) {
      p.periodic = true;
      p.support_sites = d_.gait->support_sites;
      p.harmonics = d_.gait->harmonics;
      p.stance_fraction = d_.gait->stance_fraction;
      p.feet = d_.gait->feet;
    } else {
      p.pose_rate = d_.pose_rate;
    }
    return p;
  }

 private:
  [[noreturn]] void fail(const std::string& path, const std::string& what) const { throw_input_error(d_.file, path, what); }
  double finite(const Value& v, const std::string& path) const {
    const double x = v(vars_);
    if (!std::isfinite(x)) fail(path, "evaluates to a number that is not finite");
    return x;
  }
  // A fraction of the duration, mirrored when the activity is its base played backwards.
  double fraction(const Value& v, const std::string& path) const {
    const double f = finite(v, path);
    if (f < 0 || f > 1) fail(path, fmt::format("evaluates to {:g} (expected a fraction of the duration, 0 to 1)", f));
    return f;
  }

  std::pair<double, double> window(const Window& w, const std::string& path) const {
    std::optional<double> from, to;
    if (w.from) from = fraction(*w.from, path + ".from");
    if (w.to) to = fraction(*w.to, path + ".to");
    if (from && to && *from > *to) fail(path, "from is after to");
    if (d_.time_reversed) {
      std::optional<double> f2, t2;
      if (to) f2 = 1 - *to;
      if (from) t2 = 1 - *from;
      from = f2;
      to = t2;
    }
    return {from ? *from * D_ : kNoBegin, to ? *to * D_ : kNoEnd};
  }

  Track track(const TrackDef& t) const {
    const double D = D_, scale = t.scale;
    switch (t.kind) {
      case TrackDef::Kind::Constant: {
        const double v = finite(t.constant, t.path + ".constant") * scale;
        return [v](double) { return v; };
      }
      case TrackDef::Kind::Keys: {
        std::vector<std::pair<double, double>> k;
        for (std::size_t i = 0; i < t.keys.size(); ++i) {
          const std::string kp = fmt::format("{}.keys[{}]", t.path, i);
          k.emplace_back(fraction(t.keys[i].first, kp + "[0]"), finite(t.keys[i].second, kp + "[1]"));
          if (i > 0 && k[i].first < k[i - 1].first) fail(kp + "[0]", "the keys' fractions must not decrease");
        }
        if (d_.time_reversed) {
          for (auto& e : k) e.first = 1 - e.first;
          std::reverse(k.begin(), k.end());
        }
        // Minimum-jerk between the keys, held constant outside them.
        return [D, scale, k = std::move(k)](double time) {
          const double u = time / D;
          if (u <= k.front().first) return k.front().second * scale;
          for (std::size_t i = 1; i < k.size(); ++i)
            if (u <= k[i].first) {
              const double s = (u - k[i - 1].first) / (k[i].first - k[i - 1].first);
              return (k[i - 1].second + (k[i].second - k[i - 1].second) * min_jerk(s)) * scale;
            }
          return k.back().second * scale;
        };
      }
      case TrackDef::Kind::Sinusoid: {
        const double mean = finite(t.mean, t.path + ".sinusoid.mean"), amplitude = finite(t.amplitude, t.path + ".sinusoid.amplitude"),
                     peak_at = finite(t.peak_at, t.path + ".sinusoid.peak_at");
        return [=](double time) { return (mean + amplitude * std::cos(2 * M_PI * (time / D - peak_at))) * scale; };
      }
      case TrackDef::Kind::FourierCurve: {
        const double phase = finite(t.phase, t.path + ".phase");
        return [curve = t.curve, D, phase, scale](double time) { return curve.value(time / D + phase, 1.0) * scale; };
      }
    }
    return {};
  }

  Vec3 vec3(const Vec3Value& v, const std::string& path) const {
    return {finite(v[0], path + "[0]"), finite(v[1], path + "[1]"), finite(v[2], path + "[2]")};
  }

  PlanSurface surface(const SurfaceDef& s) const {
    PlanSurface p;
    p.name = s.name;
    if (s.point) p.point = vec3(*s.point, s.path + ".point");
    if (s.normal) {
      const Vec3 n = vec3(*s.normal, s.path + ".normal");
      if (!(n.norm() > 1e-9)) fail(s.path + ".normal", "evaluates to a zero vector");
      p.normal = n.normalized();
    }
    p.friction = finite(s.friction, s.path + ".friction");
    if (p.friction < 0 || p.friction > 5) fail(s.path + ".friction", fmt::format("evaluates to {:g} (expected 0 to 5)", p.friction));
    p.reach = finite(s.reach, s.path + ".reach");
    if (!(p.reach > 0 && p.reach <= 1)) fail(s.path + ".reach", fmt::format("evaluates to {:g} m (expected more than 0, at most 1)", p.reach));
    p.through_site = s.through_site;
    if (!s.through_site.empty()) {
      const double f = fraction(s.through_at, s.path + ".through_at");
      p.through_time = (d_.time_reversed ? 1 - f : f) * D_;
    }
    p.normal_axis = s.normal_axis;
    p.attached = s.attached;
    if (s.normal_load) {
      const double load = finite(*s.normal_load, s.path + ".normal_load");
      if (load < 0) fail(s.path + ".normal_load", "evaluates to a negative load (N)");
      p.normal_load = [load](double) { return load; };
    }
    return p;
  }

  PlanLoad load(const LoadDef& l) const {
    PlanLoad p;
    p.kind = l.kind;
    p.name = l.name;
    p.site = l.site;
    p.site_b = l.site_b;
    if (l.kind == PlanLoad::Kind::HandHeld) {
      p.mass = finite(l.mass, l.path + ".mass");
      if (p.mass < 0) fail(l.path + ".mass", "evaluates to a negative mass");
    } else {
      if (l.anchor) p.anchor = vec3(*l.anchor, l.path + ".anchor");
      p.stiffness = finite(l.stiffness, l.path + ".stiffness");
      if (p.stiffness < 0) fail(l.path + ".stiffness", "evaluates to a negative stiffness");
      p.rest_length = finite(l.rest_length, l.path + ".rest_length");
      // A band to the world needs its anchor: given, or placed from a negative rest length; never
      // both (the placement would silently replace the given point) and never neither (the origin).
      if (l.site_b.empty() && l.anchor && p.rest_length < 0)
        fail(l.path + ".rest_length", "evaluates to a negative length with an anchor given (expected a positive rest length; a negative one places the anchor itself)");
      if (l.site_b.empty() && !l.anchor && !(p.rest_length < 0))
        fail(l.path, "a band to the world needs an anchor [x, y, z], or a negative rest_length that places it medially of the site");
    }
    std::tie(p.begin, p.end) = window(l.window, l.path + ".window");
    return p;
  }

  PlanBalance balance(const BalanceDef& b) const {
    PlanBalance p;
    p.axis = b.axis;
    p.capture = b.capture;
    for (std::size_t i = 0; i < b.coordinates.size(); ++i)
      p.coordinates.emplace_back(b.coordinates[i].first, finite(b.coordinates[i].second, fmt::format("{}.coordinates[{}].gain", b.path, i)));
    p.support_sites = b.support_sites;
    std::tie(p.begin, p.end) = window(b.window, b.path + ".window");
    p.ramp = finite(b.ramp, b.path + ".ramp");
    if (p.ramp < 0) fail(b.path + ".ramp", "evaluates to a negative time");
    return p;
  }

  const Definition& d_;
  std::vector<double> vars_;
  double D_ = 1;
};

}  // namespace

// Names every expression may use besides the activity's own (docs/activity-format.md).
const std::vector<std::pair<std::string, double>>& builtin_variables() {
  static const std::vector<std::pair<std::string, double>> v = {
      {"pi", M_PI}, {"deg", kDeg}, {"standard_gravity", 9.80665}};  // m/s², the CGPM's conventional value
  return v;
}

ActivityPlan build_activity_plan(const Definition& definition, const ActivityParameters& parameters) {
  return PlanBuilder(definition, parameters).build();
}

}  // namespace weaklink::activity_file

#pragma once
// Activities without motion capture: a daily task or exercise as parameterised joint-angle
// tracks, the surfaces the body rests on (floor, seat, backrest, bench, machine plate), which
// contact sites (contact_sites.hpp) may press on which surface, kinematic anchors (sites that stay
// put or slide on a surface) and the loads known in advance (a hand-held box, an elastic band, a
// machine's resistance). A plan names coordinates as gait2392 and Rajagopal do, with anatomical
// signs (flexion, adduction, internal rotation and dorsiflexion positive; pelvis_tilt as OpenSim:
// positive tilts the pelvis backwards), so the same plan drives the generic model and OpenSim models.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/spatial.hpp"

namespace weaklink {

struct ActivityParameter {
  std::string name, unit, description;
  double value = 0, min = 0, max = 0;  // default and allowed range
  std::string source, status;           // where the default comes from; cited, recalled or chosen
  // A variable of the movement that an optimiser may later change within [min, max] (carried,
  // not used yet: docs/activity-format.md, "Movement variables").
  bool movement_variable = false;
};

// A named value per parameter, in the activity's parameter order.
struct ActivityParameters {
  std::vector<ActivityParameter> list;
  double operator[](const std::string& name) const;  // throws std::out_of_range for unknown names
};

using Track = std::function<double(double t)>;  // rad or m at time t (s)

struct PlanSurface {
  std::string name;
  Vec3 point = Vec3::Zero(), normal = Vec3::UnitY();  // Ground; normal unit, towards the body
  double friction = 0.5;
  // Height above the surface at which a site stops pressing on it (contact_availability()).
  double reach = 0.04;
  // The plane passes through this site's position at `through_time` (e.g. a seat under the
  // ischial tuberosities of a person whose feet are on the floor); "" keeps `point`. Placed at
  // time 0, anchors on it hold from the second frame on; placed later, it may carry no anchor.
  std::string through_site;
  double through_time = 0;
  // With through_site: take the normal from that site's body axis (0 x, 1 y, 2 z) at that time
  // instead of `normal` (a machine's plate set square to the sole).
  int normal_axis = -1;
  // The site stays on the surface by construction (a machine's plate that moves with the feet):
  // its contacts are always available, whatever the plane's position.
  bool attached = false;
  // Total normal load the surface carries (N) as a function of time; empty: solved.
  Track normal_load;
};

struct PlanContact {
  std::string site, surface;
};

// Kinematic constraints the pose solver meets exactly where the angle tracks leave freedom.
struct PlanAnchor {
  enum class Kind {
    OnSurface,  // the site lies on the surface's plane (slides freely in it)
    Fixed,      // the site stays where the first frame of its window put it (on its surface)
  };
  std::string site, surface;
  Kind kind = Kind::Fixed;
  double begin = -1e9, end = 1e9;  // active time window (s)
};

struct PlanLoad {
  enum class Kind {
    HandHeld,  // mass (kg) held in both hands, the arms hanging from the shoulder centres
    Band,      // elastic band between site `site` and site `site_b` (or world point `anchor`)
  };
  Kind kind = Kind::HandHeld;
  std::string name;
  double mass = 0;                    // HandHeld
  std::string site, site_b;           // Band (site_b "" means the world anchor)
  Vec3 anchor = Vec3::Zero();
  // Band: N/m and m. Between two sites, rest_length < 0 means the distance in the first frame
  // (taut, no tension). To the world, rest_length < 0 puts `anchor` medially of the site's first
  // position (−z for a right-side site, +z for a left one) at 1.5 × |rest_length|: the band starts
  // stretched by half its rest length.
  double stiffness = 0, rest_length = 0;
  double begin = -1e9, end = 1e9;     // active time window (s)
};

// Quasi-static balance: the pose is adjusted so that the whole body's centre of mass (with any
// hand-held mass) lies over the centroid of the support sites along one horizontal axis, by one
// offset added to the tracks of `coordinates` (each times its gain). People keep their balance;
// joint-angle tracks from different sources do not, and the contacts cannot hold a body whose
// weight falls outside its support.
struct PlanBalance {
  int axis = 0;  // 0: forward (x), 2: lateral (z)
  std::vector<std::pair<std::string, double>> coordinates;
  std::vector<std::string> support_sites;
  // Fully applied inside [begin, end]; faded in before and out after over `ramp` seconds
  // (minimum-jerk), so that shifting the weight onto the support is smooth.
  double begin = -1e9, end = 1e9, ramp = 0;
  // Dynamic instead of static (ramp unused): from the first frame of the window in solving order,
  // the centre of mass converges on its capture point ξ = x + ẋ/ω (ω² = g / its height) as the
  // linear inverted pendulum does with its zero-moment point held at ξ: x*(τ) = ξ − (ξ − x₀)e^{−ωτ}
  // (Hof AL, Gazendam MGJ, Sinke WE 2005 J Biomech 38:1-8; Kajita S et al. 2003 IEEE ICRA). ξ is
  // kept within the support sites' extent.
  bool capture = false;
};

struct ActivityPlan {
  double duration = 1.0;  // s
  int frames = 101;
  std::vector<std::pair<std::string, Track>> tracks;  // coordinate name → value over time

  std::vector<PlanSurface> surfaces;
  std::vector<PlanContact> contacts;
  std::vector<PlanAnchor> anchors;
  std::vector<PlanLoad> loads;
  std::vector<PlanBalance> balance;
  // Solve the poses from the last frame back to the first (anchors fix, surfaces through sites
  // and capture balances start at the end): for motions that end in the state that defines them.
  bool solve_backwards = false;
  // Non-periodic motions: at most this many poses per second are solved (the grid the activity's
  // default frames give); more frames sample the splines through them. 0: a pose every frame.
  double pose_rate = 0;
  // Starting values of untracked coordinates for the first frame (e.g. pelvis_tilt when lying).
  std::vector<std::pair<std::string, double>> initial;
  // Where the coordinate names came from, for messages that name the file and the field: the
  // activity file, and per entry of `tracks` and `initial` its field path in that file.
  std::string source_file;
  std::vector<std::string> track_fields, initial_fields;
  // Walking: one periodic cycle. The pelvis moves forward at the speed that keeps the stance
  // foot still on average, and its height keeps the lowest of `support_sites` on the floor,
  // smoothed by a truncated Fourier series (`harmonics` of the stride frequency: with 8, the kinks
  // where the lowest site changes feet left a ripple of ±0.5 body weights in the ground reaction).
  bool periodic = false;
  std::vector<std::string> support_sites;
  int harmonics = 4;
  // Walking's balance: the pelvis also sways forward-back and sideways so that the zero-moment
  // point of the whole motion follows the feet: each foot from heel strike (its phase, fraction of
  // the cycle) carries weight for `stance_fraction` of the cycle, its centre of pressure rolling
  // from the heel site to the metatarsal heads, the load passing between the feet over the double
  // support (minimum-jerk).
  double stance_fraction = 0.6;
  std::vector<std::pair<std::string, double>> feet;  // side suffix and heel-strike phase
};

// An activity read from its data file (docs/activity-format.md): `plan` builds the plan for given
// parameter values.
struct Activity {
  std::string name, description;
  std::vector<ActivityParameter> parameters;
  std::function<ActivityPlan(const ActivityParameters&)> plan;
  std::string file;  // where it was read from: data/activities/<name>.json or the user's file
  std::string json;  // the file's text
};

// The built-in library (data/activities/*.json, compiled in), in a stable order.
const std::vector<Activity>& activity_library();
// Throws InputError listing the known names when `name` is unknown.
const Activity& find_activity(const std::string& name);
// An activity from a JSON text (`file` names it in errors) or a user's file, validated: every
// refusal is an InputError naming the file, the field's path and what was expected. `extends`
// names a built-in activity.
Activity parse_activity(const std::string& text, const std::string& file);
Activity read_activity_file(const std::filesystem::path& path);
// The defaults overridden by "key=value" strings; InputError naming the key for unknown keys,
// bad numbers or values outside the parameter's range.
ActivityParameters activity_parameters(const Activity& activity, const std::vector<std::string>& overrides);

}  // namespace weaklink

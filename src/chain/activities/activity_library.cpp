// The built-in activities. Joint angles are in degrees in this file (tracks return radians).
// Where a number comes from a publication it is cited at its use; "recalled" marks values from
// the literature that were not re-read for this build, "chosen" marks values we set ourselves
// where nothing published was found (docs/activities.md lists them).
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "chain/activities/activity.hpp"
#include "core/embedded_data.hpp"
#include "core/error.hpp"
#include "core/natural_spline.hpp"
#include "io/csv_table.hpp"

namespace weaklink {
namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kG = 9.80665;

// Minimum-jerk profile between two rest states (Flash T, Hogan N 1985 J Neurosci 5:1688-1703).
double min_jerk(double s) {
  s = std::clamp(s, 0.0, 1.0);
  return s * s * s * (10.0 + s * (-15.0 + 6.0 * s));
}

// A track through (fraction of the duration, degrees) keys, minimum-jerk between them, held
// constant outside them.
Track keys(double duration, std::vector<std::pair<double, double>> k) {
  return [duration, k = std::move(k)](double t) {
    const double u = t / duration;
    if (u <= k.front().first) return k.front().second * kDeg;
    for (std::size_t i = 1; i < k.size(); ++i)
      if (u <= k[i].first) {
        const double s = (u - k[i - 1].first) / (k[i].first - k[i - 1].first);
        return (k[i - 1].second + (k[i].second - k[i - 1].second) * min_jerk(s)) * kDeg;
      }
    return k.back().second * kDeg;
  };
}
Track constant(double degrees) {
  return [v = degrees * kDeg](double) { return v; };
}
Track metres(double value) {
  return [value](double) { return value; };
}
// Forward and back: 0 → peak at the middle → 0 (as fraction keys).
Track there_and_back(double duration, double from, double to) { return keys(duration, {{0, from}, {0.5, to}, {1, from}}); }

const char* kSides[] = {"r", "l"};
std::string s_(const std::string& name, const char* side) { return name + "_" + side; }

std::vector<std::string> sole_sites(const char* side) {
  return {s_("heel", side), s_("first_metatarsal", side), s_("fifth_metatarsal", side), s_("toe", side)};
}

// Shoe–floor friction: the static coefficient commonly quoted as the safety guideline (0.5;
// e.g. Fino P, Lockhart TE 2014 J Biomech 47:1395) and the AnyBody GRF-prediction default; level
// walking needs about 0.2 (Redfern MS et al. 2001 Ergonomics 44:1138, recalled).
constexpr double kFloorFriction = 0.5;
// Skin and clothing on upholstery or a padded bench: not found in the literature; chosen equal.
constexpr double kPadFriction = 0.5;

PlanSurface floor_surface() {
  PlanSurface s;
  s.name = "floor";
  s.friction = kFloorFriction;
  return s;
}
// Seats, backrests, benches, steps: placed through a contact site by the pose solver, so a site
// more than 1 cm above one has left it (contact_availability).
constexpr double kPlacedSurfaceReach = 0.01;

PlanSurface surface_through(const std::string& name, const std::string& site, Vec3 normal, double time = 0) {
  PlanSurface s;
  s.name = name;
  s.normal = normal.normalized();
  s.friction = kPadFriction;
  s.reach = kPlacedSurfaceReach;
  s.through_site = site;
  s.through_time = time;
  return s;
}

void feet_on(ActivityPlan& p, const std::string& surface, PlanAnchor::Kind kind, const std::vector<const char*>& sides = {"r", "l"},
             double begin = -1e9, double end = 1e9) {
  for (const char* side : sides)
    for (const auto& site : sole_sites(side)) {
      p.contacts.push_back({site, surface});
      p.anchors.push_back({site, surface, kind, begin, end});
    }
}
void contact(ActivityPlan& p, const std::string& site, const std::string& surface) { p.contacts.push_back({site, surface}); }
void track(ActivityPlan& p, const std::string& coordinate, Track t) { p.tracks.emplace_back(coordinate, std::move(t)); }
void both(ActivityPlan& p, const std::string& coordinate, const Track& t) {
  for (const char* side : kSides) track(p, s_(coordinate, side), t);
}
// Balance forward by moving the hips back or forward (thighs turn, trunk keeps its inclination).
void balance_by_hips(ActivityPlan& p, const std::vector<const char*>& stance = {"r", "l"}, double begin = -1e9, double end = 1e9,
                     double ramp = 0) {
  PlanBalance b;
  b.axis = 0;
  for (const char* side : kSides) b.coordinates.emplace_back(s_("hip_flexion", side), 1.0);
  for (const char* side : stance)
    for (const auto& site : sole_sites(side)) b.support_sites.push_back(site);
  b.begin = begin;
  b.end = end;
  b.ramp = ramp;
  p.balance.push_back(b);
}
// Balance sideways over one stance foot: the stance hip adducts (the pelvis moves over the foot).
void balance_sideways(ActivityPlan& p, const char* stance, double begin = -1e9, double end = 1e9, double ramp = 0) {
  PlanBalance b;
  b.axis = 2;
  b.coordinates.emplace_back(s_("hip_adduction", stance), stance[0] == 'r' ? -1.0 : 1.0);
  for (const auto& site : sole_sites(stance)) b.support_sites.push_back(site);
  b.begin = begin;
  b.end = end;
  b.ramp = ramp;
  p.balance.push_back(b);
}
// Pelvis orientation and lumbar angles held (tracks), everything else zero unless set later.
void upright_trunk(ActivityPlan& p, double pelvis_tilt = 0, double lumbar_extension = 0) {
  track(p, "pelvis_tilt", constant(pelvis_tilt));
  track(p, "pelvis_list", constant(0));
  track(p, "pelvis_rotation", constant(0));
  track(p, "lumbar_extension", constant(lumbar_extension));
  track(p, "lumbar_bending", constant(0));
  track(p, "lumbar_rotation", constant(0));
}

ActivityParameter param(std::string name, double value, double min, double max, std::string unit, std::string description) {
  return {std::move(name), std::move(unit), std::move(description), value, min, max};
}
// `min`: the shortest duration the activity's contacts can carry: faster, its accelerations need
// forces the contacts cannot give (pulling on the floor, or a capture point beyond the feet), and
// equilibrium fails (measured on the generic model: docs/activities.md, "Parameter ranges").
ActivityParameter duration_param(double value, double min = 0.2) {
  return param("duration", value, min, 20, "s", "duration of one repetition");
}
ActivityParameter frames_param(int value) { return param("frames", value, 6, 2000, "", "number of frames simulated"); }

// ---- standing and sitting ------------------------------------------------------------------

ActivityPlan standing(const ActivityParameters& a) {
  ActivityPlan p;
  p.duration = a["duration"];
  p.frames = static_cast<int>(a["frames"]);
  p.surfaces = {floor_surface()};
  upright_trunk(p);
  both(p, "hip_flexion", constant(0));
  both(p, "hip_adduction", constant(0));
  both(p, "hip_rotation", constant(0));
  both(p, "knee_angle", constant(0));
  feet_on(p, "floor", PlanAnchor::Kind::OnSurface);
  return p;
}

// Sitting: the pelvis turns back by `pelvic_tilt` and the lumbar spine flexes by `lumbar_flexion`
// relative to standing; thighs horizontal, shanks vertical, feet flat. Lumbar flexion of upright
// sitting: lordosis 49° standing vs 34° sitting, Lord MJ et al. (1997) Spine 22:2571-2574; of
// slumped (sustained) sitting: 24°, Claus AP et al. (2016) Appl Ergon 53:161-168. The pelvic
// tilts are chosen to keep the trunk near vertical (recalled 20–30° of posterior rotation from
// standing to sitting is not re-read).
ActivityPlan sitting(const ActivityParameters& a, double pelvic_tilt, double lumbar_flexion, bool backrest) {
  ActivityPlan p;
  p.duration = a["duration"];
  p.frames = static_cast<int>(a["frames"]);
  p.surfaces = {floor_surface(), surface_through("seat", "ischial_r", Vec3::UnitY())};
  upright_trunk(p, pelvic_tilt, -lumbar_flexion);
  both(p, "hip_flexion", constant(90 - pelvic_tilt));
  both(p, "hip_adduction", constant(0));
  both(p, "hip_rotation", constant(0));
  both(p, "knee_angle", constant(90));
  feet_on(p, "floor", PlanAnchor::Kind::OnSurface);
  for (const char* side : kSides) {
    contact(p, s_("ischial", side), "seat");
    contact(p, s_("buttock", side), "seat");
    contact(p, s_("thigh", side), "seat");
  }
  if (backrest) {
    const double trunk = (pelvic_tilt - lumbar_flexion) * kDeg;  // backwards from vertical
    p.surfaces.push_back(surface_through("backrest", "back", Vec3(std::cos(trunk), std::sin(trunk), 0)));
    contact(p, "back", "backrest");
  }
  return p;
}

// ---- sit-to-stand ----------------------------------------------------------------------------
// Natural sit-to-stand lasts 1.7–2.3 s (Kotake T et al. 1993 Arch Phys Med Rehabil 74:1095). At
// seat-off the trunk is 45.7° ± 5.8° from the horizontal (Tully EA et al. 2005 Clin Biomech
// 20:1085, chair at knee height), i.e. leaning ~44° forward; seat-off at `seat_off` of the task
// (32 % in Scarborough DM et al. 2007 Clin Biomech 22:407; 35–45 % recalled for younger adults).
ActivityPlan sit_to_stand(const ActivityParameters& a, bool reverse) {
  ActivityPlan p;
  p.duration = a["duration"];
  p.frames = static_cast<int>(a["frames"]);
  const double D = p.duration, so = a["seat_off"], lean = a["trunk_lean"];
  // The trunk lean is shared by the pelvis (forward) and lumbar flexion; thighs stay horizontal
  // until seat-off.
  const double pelvis0 = 15, lumbar0 = 15;  // upright sitting as in `sitting_upright`
  const double pelvis_so = pelvis0 - 0.45 * (lean + pelvis0 - lumbar0), lumbar_so = lean + pelvis_so;
  auto k = [&](std::vector<std::pair<double, double>> v) {
    if (reverse) {
      for (auto& e : v) e.first = 1 - e.first;
      std::reverse(v.begin(), v.end());
    }
    return keys(D, v);
  };
  track(p, "pelvis_tilt", k({{0, pelvis0}, {so, pelvis_so}, {1, 0}}));
  track(p, "lumbar_extension", k({{0, -lumbar0}, {so, -lumbar_so}, {1, 0}}));
  for (const char* c : {"pelvis_list", "pelvis_rotation", "lumbar_bending", "lumbar_rotation"}) track(p, c, constant(0));
  both(p, "hip_flexion", k({{0, 90 - pelvis0}, {so, 90 - pelvis_so}, {1, 0}}));
  both(p, "knee_angle", k({{0, a["knee_start"]}, {so, a["knee_start"]}, {1, 0}}));
  // Hip adduction and rotation are left to the pose solver: with the feet fixed they absorb the
  // tibia's coupled rotation at the knee (Walker et al. 1988) instead of turning the feet.
  p.surfaces = {floor_surface(), surface_through("seat", "ischial_r", Vec3::UnitY(), reverse ? D : 0)};
  feet_on(p, "floor", PlanAnchor::Kind::Fixed);
  for (const char* side : kSides) {
    contact(p, s_("ischial", side), "seat");
    contact(p, s_("buttock", side), "seat");
    contact(p, s_("thigh", side), "seat");
  }
  // Once the thighs leave the seat the body must balance over the feet.
  const double seat_off_time = reverse ? (1 - so) * D : so * D;
  // After seat-off the body balances on the feet dynamically: the centre of mass, moving forward
  // at seat-off, comes to rest over its capture point (PlanBalance::capture), the hips adjusting.
  // Stand-to-sit is solved backwards from the seated end, so the same holds in reverse.
  PlanBalance b;
  b.axis = 0;
  b.capture = true;
  for (const char* side : kSides) b.coordinates.emplace_back(s_("hip_flexion", side), 1.0);
  for (const char* side : kSides)
    for (const auto& site : sole_sites(side)) b.support_sites.push_back(site);
  if (reverse) {
    b.end = seat_off_time;
    p.solve_backwards = true;
  } else {
    b.begin = seat_off_time;
  }
  p.balance.push_back(b);
  return p;
}

// ---- walking ---------------------------------------------------------------------------------

struct GaitCurves {
  std::vector<double> pct, hip, knee, ankle;
};
const GaitCurves& gait_curves() {
  static const GaitCurves curves = [] {
    const auto t = io::CsvTable::parse(data::embedded_file("activities/walking_sagittal.csv"), "activities/walking_sagittal.csv");
    t.require_columns({"pct_gait_cycle", "hip_flexion_deg", "knee_flexion_deg", "ankle_dorsiflexion_deg"});
    GaitCurves c;
    for (const auto& r : t.rows()) {
      c.pct.push_back(t.number(r, "pct_gait_cycle"));
      c.hip.push_back(t.number(r, "hip_flexion_deg"));
      c.knee.push_back(t.number(r, "knee_flexion_deg"));
      c.ankle.push_back(t.number(r, "ankle_dorsiflexion_deg"));
    }
    return c;
  }();
  return curves;
}

// A periodic track through a curve over the gait cycle (0–100 %, the 100 % sample repeating 0 %),
// shifted by `phase` (fraction of the cycle): its Fourier series truncated at the 8th harmonic.
// The published means are sampled at 2 % steps; an interpolating spline through them would turn
// their small sample-to-sample noise into large accelerations, and the first eight harmonics
// carry the curves' shape (Winter DA 2009, Biomechanics and Motor Control of Human Movement,
// 4th ed., §2.2: gait kinematics have no power of note above ~6 Hz, i.e. the 6th–7th harmonic of
// the stride at about 1 Hz).
Track cycle_track(const std::vector<double>& pct, const std::vector<double>& deg, double duration, double phase) {
  constexpr int kHarmonics = 8;
  const std::size_t n = pct.size() - 1;  // the last sample repeats the first
  std::vector<double> a(kHarmonics + 1, 0.0), b(kHarmonics + 1, 0.0);
  for (int k = 0; k <= kHarmonics; ++k)
    for (std::size_t i = 0; i < n; ++i) {
      const double w = 2 * M_PI * k * pct[i] / 100.0;
      a[static_cast<std::size_t>(k)] += deg[i] * std::cos(w) * (k == 0 ? 1.0 : 2.0) / static_cast<double>(n);
      b[static_cast<std::size_t>(k)] += deg[i] * std::sin(w) * 2.0 / static_cast<double>(n);
    }
  return [a, b, duration, phase](double t) {
    const double u = t / duration + phase;
    double v = a[0];
    for (int k = 1; k <= kHarmonics; ++k)
      v += a[static_cast<std::size_t>(k)] * std::cos(2 * M_PI * k * u) + b[static_cast<std::size_t>(k)] * std::sin(2 * M_PI * k * u);
    return v * kDeg;
  };
}
Track sinusoid(double duration, double mean, double amplitude, double peak_at) {
  return [=](double t) { return (mean + amplitude * std::cos(2 * M_PI * (t / duration - peak_at))) * kDeg; };
}

// Sagittal hip, knee and ankle angles: Fukuchi et al. (2018) PeerJ 6:e4640 (data/activities/).
// Frontal and transverse motion (recalled typical values of Kadaba MP et al. 1990 J Orthop Res
// 8:383 and Perry J 1992 Gait Analysis; not re-read): pelvic obliquity ±4° with the stance side up
// at ~17 % of the cycle, pelvic rotation ±4° with the leading side forward at heel strike, hip
// adduction 1° ± 6° peaking at ~20 %, anterior pelvic tilt 10°; the trunk held upright above.
ActivityPlan walking(const ActivityParameters& a) {
  ActivityPlan p;
  const double cadence = a["cadence"];  // steps per minute
  p.duration = 120.0 / cadence;         // one stride = two steps
  p.frames = static_cast<int>(a["frames"]);
  p.periodic = true;
  const double D = p.duration;
  const GaitCurves& g = gait_curves();
  const double tilt = -10;  // anterior
  track(p, "pelvis_tilt", constant(tilt));
  // pelvis_list > 0 drops the right side (rotation about the forward axis).
  track(p, "pelvis_list", sinusoid(D, 0, -4, 0.17));
  track(p, "pelvis_rotation", sinusoid(D, 0, 4, 0.0));
  track(p, "lumbar_extension", constant(-tilt));
  track(p, "lumbar_bending", sinusoid(D, 0, 4, 0.17));
  track(p, "lumbar_rotation", sinusoid(D, 0, -4, 0.0));
  for (const char* side : kSides) {
    const double phase = side[0] == 'r' ? 0.0 : 0.5;
    track(p, s_("hip_flexion", side), cycle_track(g.pct, g.hip, D, phase));
    track(p, s_("knee_angle", side), cycle_track(g.pct, g.knee, D, phase));
    track(p, s_("ankle_angle", side), cycle_track(g.pct, g.ankle, D, phase));
    track(p, s_("hip_adduction", side), sinusoid(D, 1, 6, 0.2 + phase));
    track(p, s_("hip_rotation", side), constant(0));
  }
  p.surfaces = {floor_surface()};
  for (const char* side : kSides)
    for (const auto& site : sole_sites(side)) {
      contact(p, site, "floor");
      p.support_sites.push_back(site);
    }
  // Stance 62 % of the cycle, double support twice 12 % (Perry J 1992 Gait Analysis; recalled).
  p.stance_fraction = 0.62;
  p.feet = {{"r", 0.0}, {"l", 0.5}};
  return p;
}

// ---- squats and lifts ------------------------------------------------------------------------
// Bodyweight squat to `depth` of knee flexion, hips flexing as much (parallel squat: hip and
// knee ~100°, trunk inclined ~45°: recalled from Schoenfeld BJ 2010 J Strength Cond Res 24:3497).
ActivityPlan squat(const ActivityParameters& a) {
  ActivityPlan p;
  p.duration = a["duration"];
  p.frames = static_cast<int>(a["frames"]);
  const double D = p.duration, depth = a["depth"], lean = a["trunk_lean"];
  p.surfaces = {floor_surface()};
  track(p, "pelvis_tilt", there_and_back(D, 0, -0.6 * lean));
  track(p, "lumbar_extension", there_and_back(D, 0, -0.4 * lean));
  for (const char* c : {"pelvis_list", "pelvis_rotation", "lumbar_bending", "lumbar_rotation"}) track(p, c, constant(0));
  both(p, "hip_flexion", there_and_back(D, 0, depth));
  both(p, "knee_angle", there_and_back(D, 0, depth));
  // Hip adduction and rotation are left to the pose solver: with the feet fixed they absorb the
  // tibia's coupled rotation at the knee (Walker et al. 1988) instead of turning the feet.
  feet_on(p, "floor", PlanAnchor::Kind::Fixed);
  balance_by_hips(p);
  return p;
}

// Lifting a box from the floor to standing, arms hanging (the generic model's arms are part of the
// torso). Lumbar flexion at the start: 35.9° stoop, 25.1° squat (range of motion, von Arx M et al.
// 2021 Front Bioeng Biotechnol 9:769117, 15 kg box). Trunk inclination ~85° stoop and ~55° squat,
// knees ~15° and ~100°: recalled (van Dieën JH et al. 1999 Clin Biomech 14:685, not re-read).
ActivityPlan lift(const ActivityParameters& a, bool stoop) {
  ActivityPlan p;
  p.duration = a["duration"];
  p.frames = static_cast<int>(a["frames"]);
  const double D = p.duration;
  const double lumbar = stoop ? 35.9 : 25.1, trunk = stoop ? 85 : 55, knee = stoop ? 15 : 100;
  const double pelvis = -(trunk - lumbar);
  const double hip = stoop ? 10 - pelvis : knee * 0.9 - pelvis * 0.3;
  p.surfaces = {floor_surface()};
  track(p, "pelvis_tilt", keys(D, {{0, pelvis}, {1, 0}}));
  track(p, "lumbar_extension", keys(D, {{0, -lumbar}, {1, 0}}));
  for (const char* c : {"pelvis_list", "pelvis_rotation", "lumbar_bending", "lumbar_rotation"}) track(p, c, constant(0));
  both(p, "hip_flexion", keys(D, {{0, hip}, {1, 0}}));
  both(p, "knee_angle", keys(D, {{0, knee}, {1, 0}}));
  // Hip adduction and rotation are left to the pose solver: with the feet fixed they absorb the
  // tibia's coupled rotation at the knee (Walker et al. 1988) instead of turning the feet.
  feet_on(p, "floor", PlanAnchor::Kind::Fixed);
  PlanLoad box;
  box.kind = PlanLoad::Kind::HandHeld;
  box.name = "box";
  box.mass = a["load"];
  p.loads.push_back(box);
  balance_by_hips(p);
  return p;
}

// ---- floor exercises -------------------------------------------------------------------------
// Hip bridge: supine, knees at 90° (Lehecka BJ et al. 2017 Int J Sports Phys Ther 12:543), hips
// from the flexion at which the pelvis rests on the floor to `top_hip` (0: in line with the trunk).
// The pelvis tilt is solved so that shoulders and feet stay on the floor.
ActivityPlan hip_bridge(const ActivityParameters& a, bool single_leg) {
  ActivityPlan p;
  p.duration = a["duration"];
  p.frames = static_cast<int>(a["frames"]);
  const double D = p.duration, start = a["start_hip"], top = a["top_hip"];
  p.surfaces = {floor_surface()};
  for (const char* c : {"pelvis_list", "pelvis_rotation", "lumbar_extension", "lumbar_bending", "lumbar_rotation"}) track(p, c, constant(0));
  p.initial = {{"pelvis_tilt", 90 * kDeg}};
  track(p, "hip_flexion_r", there_and_back(D, start, top));
  track(p, "knee_angle_r", constant(90));
  if (single_leg) {  // the free leg straight, its thigh parallel to the other
    track(p, "hip_flexion_l", there_and_back(D, start, top));
    track(p, "knee_angle_l", constant(0));
    track(p, "ankle_angle_l", constant(0));
  } else {
    track(p, "hip_flexion_l", there_and_back(D, start, top));
    track(p, "knee_angle_l", constant(90));
  }
  // Hip adduction and rotation are left to the pose solver: with the feet fixed they absorb the
  // tibia's coupled rotation at the knee (Walker et al. 1988) instead of turning the feet.
  feet_on(p, "floor", PlanAnchor::Kind::Fixed, single_leg ? std::vector<const char*>{"r"} : std::vector<const char*>{"r", "l"});
  for (const char* side : kSides) {
    contact(p, s_("shoulder", side), "floor");
    p.anchors.push_back({s_("shoulder", side), "floor", PlanAnchor::Kind::OnSurface});
  }
  contact(p, "back", "floor");
  contact(p, "sacrum", "floor");
  if (single_leg)
    for (const auto& site : sole_sites("l")) contact(p, site, "floor");
  return p;
}

// Side-lying on the left side, the right (top) leg moving. Clamshell: hips flexed `hip_flexion`
// (30° or 60°: Willcox EL, Burden AM 2013 J Orthop Sports Phys Ther 43:325), knees at 90°
// (chosen); the top knee opens by `opening` degrees of hip external rotation with half as much
// abduction (chosen: no published kinematics were found). Side-lying hip abduction: hips and
// knees straight, the top hip abducts `opening` degrees (35°: recalled typical range).
ActivityPlan side_lying(const ActivityParameters& a, bool clamshell) {
  ActivityPlan p;
  p.duration = a["duration"];
  p.frames = static_cast<int>(a["frames"]);
  const double D = p.duration, open = a["opening"];
  const double flex = clamshell ? a["hip_flexion"] : 0.0, knee = clamshell ? 90.0 : 0.0;
  // Side-lying abduction: the bottom leg bent (hip 45°, knee 90°: chosen, as commonly taught for
  // stability); with every contact on one line the body could roll freely.
  p.surfaces = {floor_surface()};
  p.initial = {{"pelvis_list", -90 * kDeg}};
  for (const char* c : {"pelvis_tilt", "pelvis_rotation", "lumbar_extension", "lumbar_bending", "lumbar_rotation"}) track(p, c, constant(0));
  track(p, "hip_flexion_r", constant(flex));
  track(p, "knee_angle_r", constant(knee));
  track(p, "hip_flexion_l", constant(clamshell ? flex : 45.0));
  track(p, "knee_angle_l", constant(clamshell ? knee : 90.0));
  both(p, "ankle_angle", constant(0));
  if (clamshell) {
    track(p, "hip_rotation_r", there_and_back(D, 0, -open));
    track(p, "hip_adduction_r", there_and_back(D, 0, -0.5 * open));
  } else {
    track(p, "hip_rotation_r", constant(0));
    track(p, "hip_adduction_r", there_and_back(D, 0, -open));
  }
  for (const char* site : {"lateral_shoulder_l", "lateral_hip_l", "lateral_knee_l", "lateral_ankle_l"}) {
    contact(p, site, "floor");
    p.anchors.push_back({site, "floor", PlanAnchor::Kind::OnSurface});
  }
  if (clamshell && a["band"] > 0) {
    // A loop around both knees, taut at the start: two strands, each pulling with the colour's
    // force at 100 % elongation per rest length (green TheraBand 20.5 N: manufacturer chart,
    // secondary, via the Hygenic/Performance Health tables; measured values are lower, Uchida MC
    // et al. 2016 J Phys Ther Sci 28:1266).
    PlanLoad band;
    band.kind = PlanLoad::Kind::Band;
    band.name = "band";
    band.site = "lateral_knee_r";
    band.site_b = "lateral_knee_l";
    band.stiffness = 2 * a["band_force"] / a["band_length"];
    band.rest_length = -1;  // set from the first frame (activity_motion): taut, no tension
    p.loads.push_back(band);
  }
  return p;
}

// ---- machines and standing exercises ---------------------------------------------------------
// Seated leg press: trunk reclined `recline` on the backrest, pelvis on the seat, feet on a plate
// square to the soles in the start pose, moving with them along its normal; knees from
// `knee_start` to 10° and back; the plate pushes with the stack's weight (its inertia neglected).
// Seat, backrest and start pose (hips 110°, ankles 20°): chosen, no published machine geometry was
// found (Escamilla RF et al. 2001 Med Sci Sports Exerc 33:1552 studied the task).
ActivityPlan leg_press(const ActivityParameters& a) {
  ActivityPlan p;
  p.duration = a["duration"];
  p.frames = static_cast<int>(a["frames"]);
  const double D = p.duration, recline = a["recline"], load = a["load"] * kG;
  track(p, "pelvis_tilt", constant(recline));
  for (const char* c : {"pelvis_list", "pelvis_rotation", "lumbar_extension", "lumbar_bending", "lumbar_rotation"}) track(p, c, constant(0));
  track(p, "pelvis_tx", metres(0));
  track(p, "pelvis_ty", metres(0.5));
  track(p, "pelvis_tz", metres(0));
  both(p, "knee_angle", there_and_back(D, a["knee_start"], 10));
  both(p, "hip_adduction", constant(0));
  both(p, "hip_rotation", constant(0));
  p.initial = {{"hip_flexion_r", 110 * kDeg}, {"hip_flexion_l", 110 * kDeg}, {"ankle_angle_r", 20 * kDeg}, {"ankle_angle_l", 20 * kDeg}};
  const double r = recline * kDeg;
  p.surfaces = {surface_through("seat", "ischial_r", Vec3::UnitY()), surface_through("backrest", "back", Vec3(std::cos(r), std::sin(r), 0))};
  PlanSurface plate = surface_through("footplate", "heel_r", Vec3::UnitY());
  plate.normal_axis = 1;  // the foot's up axis: square to the sole
  plate.friction = kFloorFriction;
  plate.attached = true;
  plate.normal_load = [load](double) { return load; };
  p.surfaces.push_back(plate);
  for (const char* side : kSides) {
    // Each foot moves only along the plate's normal: heel and toe stay on planes square to the
    // sole's long axis.
    for (const char* site : {"heel", "toe"}) {
      PlanSurface guide = surface_through(s_(std::string("guide_") + site, side), s_(site, side), Vec3::UnitX());
      guide.normal_axis = 0;
      p.surfaces.push_back(guide);
      p.anchors.push_back({s_(site, side), guide.name, PlanAnchor::Kind::OnSurface});
    }
  }
  for (const char* side : kSides) {
    for (const auto& site : sole_sites(side)) contact(p, site, "footplate");
    contact(p, s_("ischial", side), "seat");
    contact(p, s_("buttock", side), "seat");
    contact(p, s_("thigh", side), "seat");
  }
  contact(p, "back", "backrest");
  contact(p, "sacrum", "backrest");
  return p;
}

// Standing on the left leg, the right knee bent 90° with the hip neutral; the right hip rotates
// externally by `rotation` against a band pulling the ankle medially (chosen: no published
// kinematics were found for this exercise).
ActivityPlan standing_external_rotation(const ActivityParameters& a) {
  ActivityPlan p;
  p.duration = a["duration"];
  p.frames = static_cast<int>(a["frames"]);
  const double D = p.duration;
  p.surfaces = {floor_surface()};
  upright_trunk(p);
  both(p, "hip_flexion", constant(0));
  track(p, "hip_adduction_r", constant(0));
  track(p, "hip_adduction_l", constant(0));
  track(p, "hip_rotation_r", there_and_back(D, 0, -a["rotation"]));
  track(p, "hip_rotation_l", constant(0));
  track(p, "knee_angle_r", constant(90));
  track(p, "knee_angle_l", constant(0));
  track(p, "ankle_angle_r", constant(0));
  feet_on(p, "floor", PlanAnchor::Kind::Fixed, {"l"});
  for (const auto& site : sole_sites("r")) contact(p, site, "floor");
  balance_by_hips(p, {"l"});
  balance_sideways(p, "l");
  PlanLoad band;
  band.kind = PlanLoad::Kind::Band;
  band.name = "band";
  band.site = "lateral_ankle_r";
  band.stiffness = a["band_force"] / a["band_length"];
  band.rest_length = -a["band_length"];  // anchored medially, stretched by half its length at the start
  p.loads.push_back(band);
  return p;
}

// Step-up onto a step with the right foot, from the moment the trailing (left) foot leaves the
// floor: the weight is on the lead foot, which stays on the step while its hip and knee extend;
// the trailing leg swings up beside it (hip to 30°, knee to 60°: chosen). Lead-leg angles at the
// start for a 20.3 cm step: hip 66.3°, knee 90.5° (Physiotherapy 2009, "Kinematics of step-up";
// authors not retrieved), scaled linearly with `height`; the step's top is placed under the lead
// foot, so its height follows from those angles. The body is balanced quasi-statically over the
// lead foot: forward by the stance hip (moving the pelvis over the foot), sideways by moving the
// pelvis over it (the stance hip adducting as it must); the trunk leans 20° forward (chosen).
// The weight transfer while both feet are down is not simulated.
ActivityPlan step_up(const ActivityParameters& a) {
  ActivityPlan p;
  p.duration = a["duration"];
  p.frames = static_cast<int>(a["frames"]);
  const double D = p.duration, h = a["height"];
  const double hip0 = 66.3 * h / 0.203, knee0 = 90.5 * h / 0.203;
  // The step is placed under the lead foot, the floor under the trailing foot once the body is
  // balanced over the lead foot (the moment that foot leaves the floor).
  PlanSurface step = surface_through("step", "heel_r", Vec3::UnitY());
  step.friction = kFloorFriction;
  step.reach = 0.04;  // a floor for the foot, which rolls a little (no subtalar joint)
  PlanSurface floor = surface_through("floor", "heel_l", Vec3::UnitY());
  floor.friction = kFloorFriction;
  floor.reach = 0.04;  // the trailing foot rolls off: the floor's usual reach
  p.surfaces = {floor, step};
  for (const char* c : {"pelvis_tilt", "pelvis_list", "pelvis_rotation", "lumbar_bending", "lumbar_rotation"}) track(p, c, constant(0));
  track(p, "lumbar_extension", keys(D, {{0, -20}, {1, 0}}));
  track(p, "hip_flexion_r", keys(D, {{0, hip0}, {1, 0}}));
  track(p, "knee_angle_r", keys(D, {{0, knee0}, {1, 0}}));
  track(p, "hip_flexion_l", keys(D, {{0, 0}, {0.5, 30}, {1, 0}}));
  track(p, "knee_angle_l", keys(D, {{0, 0}, {0.5, 60}, {1, 0}}));
  track(p, "ankle_angle_l", constant(0));
  track(p, "hip_adduction_l", constant(0));
  track(p, "hip_rotation_r", constant(0));
  track(p, "pelvis_tz", metres(0));
  // The lead foot flat on the step at the start (ankle = knee − hip flexion with the pelvis level).
  p.initial = {{"ankle_angle_r", (knee0 - hip0) * kDeg}};
  // The lead foot is held at its heel, its toe kept on the step: the generic model has no subtalar
  // joint, so the foot must be free to roll about its long axis as the stance hip adducts, and to
  // turn a little with the knee's coupled tibial rotation (Walker et al. 1988).
  for (const auto& site : sole_sites("r")) contact(p, site, "step");
  p.anchors.push_back({"heel_r", "step", PlanAnchor::Kind::Fixed});
  p.anchors.push_back({"toe_r", "step", PlanAnchor::Kind::OnSurface});
  for (const auto& site : sole_sites("l")) contact(p, site, "floor");
  PlanBalance forward;
  forward.axis = 0;
  forward.coordinates = {{"hip_flexion_r", 1.0}};
  for (const auto& site : sole_sites("r")) forward.support_sites.push_back(site);
  p.balance.push_back(forward);
  PlanBalance sideways;  // the pelvis moves over the lead foot; the stance hip adducts as it must
  sideways.axis = 2;
  sideways.coordinates = {{"pelvis_tz", 1.0}};
  for (const auto& site : sole_sites("r")) sideways.support_sites.push_back(site);
  p.balance.push_back(sideways);
  return p;
}

std::vector<Activity> build_library() {
  std::vector<Activity> lib;
  // The pose grid of the default frames and duration (ActivityPlan::pose_rate): the frames whose
  // results are documented and tested; asking for more frames samples the same motion.
  auto add = [&](std::string name, std::string description, std::vector<ActivityParameter> params,
                 std::function<ActivityPlan(const ActivityParameters&)> plan) {
    double frames = 0, duration = 0;
    for (const auto& p : params) {
      if (p.name == "frames") frames = p.value;
      if (p.name == "duration") duration = p.value;
    }
    const double rate = frames > 1 && duration > 0 ? (frames - 1) / duration : 0.0;
    auto with_rate = [plan = std::move(plan), rate](const ActivityParameters& a) {
      ActivityPlan p = plan(a);
      if (!p.periodic) p.pose_rate = rate;
      return p;
    };
    lib.push_back({std::move(name), std::move(description), std::move(params), std::move(with_rate)});
  };
  add("standing", "Quiet standing on both feet, upright.", {duration_param(1), frames_param(11)}, standing);
  add("sitting_upright", "Sitting upright on a stool, feet flat, no backrest.", {duration_param(1), frames_param(11)},
      [](const ActivityParameters& a) { return sitting(a, 15, 15, false); });
  add("sitting_slumped", "Sitting slumped: pelvis rolled back, lower back rounded, no backrest.", {duration_param(1), frames_param(11)},
      [](const ActivityParameters& a) { return sitting(a, 30, 24, false); });
  add("sitting_backrest", "Sitting leaning back against a backrest.", {duration_param(1), frames_param(11)},
      [](const ActivityParameters& a) { return sitting(a, 25, 10, true); });
  std::vector<ActivityParameter> sts = {duration_param(2.0, 2.0), frames_param(61),
                                        param("seat_off", 0.35, 0.35, 0.6, "fraction", "when the thighs leave the seat"),
                                        param("trunk_lean", 44, 30, 50, "deg", "trunk inclination from vertical at seat-off"),
                                        param("knee_start", 112, 70, 125, "deg", "knee flexion while seated (feet behind the knees above 90)")};
  add("sit_to_stand", "Getting up from a chair without using the arms.", sts,
      [](const ActivityParameters& a) { return sit_to_stand(a, false); });
  add("stand_to_sit", "Sitting down on a chair without using the arms.", sts,
      [](const ActivityParameters& a) { return sit_to_stand(a, true); });
  add("walking", "Level walking at a comfortable pace (one stride).",
      {param("cadence", 105, 80, 110, "steps/min", "steps per minute (sets the stride time)"), frames_param(100)}, walking);
  add("squat", "Bodyweight squat down and up, feet flat.",
      {duration_param(3, 1.0), frames_param(61), param("depth", 90, 20, 130, "deg", "knee and hip flexion at the bottom"),
       param("trunk_lean", 40, 0, 70, "deg", "trunk inclination from vertical at the bottom")},
      squat);
  std::vector<ActivityParameter> lift_params = {duration_param(2.0, 0.75), frames_param(41), param("load", 10, 0, 40, "kg", "mass of the box")};
  add("stoop_lift", "Lifting a box from the floor with straight knees and a bent back.", lift_params,
      [](const ActivityParameters& a) { return lift(a, true); });
  add("squat_lift", "Lifting a box from the floor by bending the knees.", lift_params,
      [](const ActivityParameters& a) { return lift(a, false); });
  std::vector<ActivityParameter> bridge = {duration_param(3, 1.75), frames_param(41),
                                           param("start_hip", 45, 20, 70, "deg", "hip flexion lying down"),
                                           param("top_hip", 0, -10, 30, "deg", "hip flexion at the top")};
  add("hip_bridge", "Hip bridge on both feet: lying on the back, lifting the hips.", bridge,
      [](const ActivityParameters& a) { return hip_bridge(a, false); });
  add("single_leg_bridge", "Hip bridge on the right foot, the left leg straight.", bridge,
      [](const ActivityParameters& a) { return hip_bridge(a, true); });
  add("clamshell", "Side-lying on the left, knees bent, opening the right knee.",
      {duration_param(2, 0.5), frames_param(41), param("hip_flexion", 30, 0, 60, "deg", "hip flexion (30 or 60 in Willcox & Burden 2013)"),
       param("opening", 30, 0, 50, "deg", "external rotation of the top hip"), param("band", 0, 0, 1, "0/1", "an elastic band around the knees"),
       param("band_force", 20.5, 0, 100, "N", "band force at 100 % elongation (green TheraBand 20.5 N)"),
       param("band_length", 0.3, 0.1, 1, "m", "rest length of the band loop")},
      [](const ActivityParameters& a) { return side_lying(a, true); });
  add("side_lying_abduction", "Side-lying on the left, lifting the straight right leg.",
      {duration_param(2, 0.5), frames_param(41), param("opening", 35, 0, 50, "deg", "abduction of the top hip")},
      [](const ActivityParameters& a) { return side_lying(a, false); });
  add("leg_press", "Seated leg press against a weight stack.",
      {duration_param(3, 0.5), frames_param(61), param("load", 60, 0, 300, "kg", "weight stack"),
       param("knee_start", 90, 40, 120, "deg", "knee flexion at the start"), param("recline", 30, 0, 60, "deg", "backrest recline from vertical")},
      leg_press);
  add("standing_hip_external_rotation", "Standing on the left leg, turning the bent right leg outwards against a band.",
      {duration_param(2, 0.75), frames_param(41), param("rotation", 30, 0, 45, "deg", "external rotation of the right hip"),
       param("band_force", 20.5, 0, 50, "N", "band force at 100 % elongation"), param("band_length", 0.5, 0.1, 2, "m", "rest length of the band")},
      standing_external_rotation);
  // Step-up: 2.5 s by default, slow enough for its quasi-static balance to hold. The start pose
  // scales the hip and knee flexion measured on a 20.3 cm step with the height: above 0.27 m
  // (knee 120°) that pose can no longer keep the lead foot on the step and balanced over it, so
  // the height stops at 0.25 m.
  add("step_up", "Stepping up onto a step with the right foot (from the trailing foot's lift-off).",
      {duration_param(2.5, 1.5), frames_param(41), param("height", 0.2, 0.05, 0.25, "m", "step height")}, step_up);
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
  std::string known;
  for (const auto& a : activity_library()) {
    if (a.name == name) return a;
    known += (known.empty() ? "" : ", ") + a.name;
  }
  throw InputError(fmt::format("unknown activity '{}' (known: {})", quote_input(name), known));
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

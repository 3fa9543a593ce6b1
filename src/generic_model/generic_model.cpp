#include "generic_model/generic_model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "model/model.hpp"
#include "muscles/path_geometry.hpp"
#include "kinematics/forward_kinematics.hpp"

namespace weaklink {

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr const char* kTables = "generic_model";

Vec3 mirrored(const Vec3& p, bool left) { return left ? Vec3(p.x(), p.y(), -p.z()) : p; }

// "glut_max2" -> "glut_max": lines of one muscle share the base name.
std::string base_name(const std::string& muscle) {
  std::size_t n = muscle.size();
  while (n > 0 && std::isdigit(static_cast<unsigned char>(muscle[n - 1]))) --n;
  return muscle.substr(0, n);
}

bool is_sided_body(const std::string& body) { return body == "femur" || body == "tibia" || body == "foot"; }

std::string body_name(const std::string& body, const char* side) {
  return is_sided_body(body) ? body + "_" + side : body;
}

// Per-person geometry: segment lengths (de Leva 1996 fractions of stature) and the factor that
// scales each dataset's coordinates on each body to this person.
struct Scaling {
  const GenericTables& t;
  std::string lower;  // dataset of the leg landmarks
  std::string trunk;  // dataset of the torso landmarks
  std::map<std::pair<std::string, std::string>, double> factor;  // (dataset, body)
  double thigh = 0, shank = 0, foot = 0;

  double of(const std::string& dataset, const std::string& body) const {
    if (auto it = factor.find({dataset, body}); it != factor.end()) return it->second;
    // A dataset without this body's reference landmarks borrows the primary dataset's factor.
    const std::string& primary = body == "torso" ? trunk : lower;
    if (auto it = factor.find({primary, body}); it != factor.end()) return it->second;
    throw_input_error(kTables, "", fmt::format("no scale for body '{}' of dataset '{}'", body, dataset));
  }
};

std::string dataset_of(const GenericTables& t, const std::string& body, const std::string& landmark) {
  for (const auto& l : t.landmarks)
    if (l.body == body && l.name == landmark) return l.dataset;
  throw_input_error("generic_model/landmarks.csv", "", fmt::format("expected landmark '{}' on body '{}'", landmark, body));
}

Scaling make_scaling(const Person& person, const GenericTables& t) {
  Scaling s{t, dataset_of(t, "femur", "KJC"), "", {}, 0, 0, 0};
  s.trunk = dataset_of(t, "torso", "jugular_notch");
  const double H = person.height_m;
  s.thigh = t.segment(person.sex, "Thigh").length_pct_stature / 100 * H;
  s.shank = t.segment(person.sex, "Shank").length_pct_stature / 100 * H;
  s.foot = t.segment(person.sex, "Foot").length_pct_stature / 100 * H;
  if (s.thigh <= 0 || s.shank <= 0 || s.foot <= 0)
    throw_input_error("generic_model/segments.csv", "", "expected lengths (length_pct_stature) for Thigh, Shank and Foot");

  const auto& L = s.lower;
  const double thigh_ref = t.landmark(L, "femur", "KJC").position.norm();
  const double shank_ref = t.landmark(L, "tibia", "AJC").position.norm();
  const double foot_ref = (t.landmark(L, "foot", "toe_tip").position - t.landmark(L, "foot", "heel").position).norm();
  s.factor[{L, "femur"}] = s.thigh / thigh_ref;
  s.factor[{L, "tibia"}] = s.shank / shank_ref;
  s.factor[{L, "foot"}] = s.foot / foot_ref;
  // The pelvis has no de Leva length: it is scaled with the leg (hip-to-ankle length), the
  // segment that carries the hip joint centres.
  const double leg = (s.thigh + s.shank) / (thigh_ref + shank_ref);
  s.factor[{L, "pelvis"}] = leg;
  const double asis_width = 2 * std::abs(t.landmark(L, "pelvis", "ASIS").position.z()) * leg;
  // Other datasets' pelvis points: matched on the person's inter-ASIS width.
  for (const auto& l : t.landmarks)
    if (l.dataset != L && l.body == "pelvis" && l.name == "ASIS") s.factor[{l.dataset, "pelvis"}] = asis_width / (2 * std::abs(l.position.z()));

  // Torso: the person's trunk (de Leva's SUPR-MIDH length, suprasternale ~ jugular notch) above
  // the L5/S1 centre, against the trunk dataset's jugular notch height above L5/S1.
  const Vec3 hjc = t.landmark(L, "pelvis", "HJC").position * leg;
  const auto* l5 = t.find_landmark(s.trunk, "pelvis", "L5S1");
  if (!l5) l5 = &t.landmark(L, "pelvis", "L5S1");
  const Vec3 l5s1 = l5->position * s.of(l5->dataset, "pelvis");
  const double trunk_len = t.segment(person.sex, "Trunk").length_pct_stature / 100 * H;
  if (trunk_len <= 0) throw_input_error("generic_model/segments.csv", "", "expected a length for Trunk");
  // Heights with the trunk upright (torso data turned as in build_generic_model).
  const Mat3 R = rotation_about(Vec3::UnitZ(), -t.constant("standing_pelvic_tilt_deg") * M_PI / 180);
  const double above_l5s1 = trunk_len - (l5s1.y() - hjc.y());
  for (const auto& l : t.landmarks)
    if (l.body == "torso" && l.name == "jugular_notch") s.factor[{l.dataset, "torso"}] = above_l5s1 / (R * l.position).y();
  return s;
}

struct SegmentInertia {
  double mass = 0;
  Vec3 com = Vec3::Zero();
  Vec3 principal = Vec3::Zero();  // about the COM, along the body axes x, y, z
};

// de Leva 1996 radii of gyration: sagittal about the antero-posterior axis (x), transverse
// about the medio-lateral axis (z), longitudinal along the segment (y, or x for the foot).
SegmentInertia segment_inertia(const SegmentRow& s, double body_mass, double length, const Vec3& com, bool foot = false) {
  SegmentInertia i;
  i.mass = s.mass_pct / 100 * body_mass;
  i.com = com;
  auto I = [&](double rg_pct) { return i.mass * std::pow(rg_pct / 100 * length, 2); };
  if (foot) i.principal = Vec3(I(s.rg_longitudinal_pct), I(s.rg_sagittal_pct), I(s.rg_transverse_pct));
  else i.principal = Vec3(I(s.rg_sagittal_pct), I(s.rg_longitudinal_pct), I(s.rg_transverse_pct));
  return i;
}

// Sums segments into one rigid body (parallel-axis theorem, axes all parallel to the body's).
void set_inertia(BodySpec& b, const std::vector<SegmentInertia>& parts) {
  double m = 0;
  Vec3 c = Vec3::Zero();
  for (const auto& p : parts) {
    m += p.mass;
    c += p.mass * p.com;
  }
  c /= m;
  Mat3 I = Mat3::Zero();
  for (const auto& p : parts) {
    const Vec3 d = p.com - c;
    I += p.principal.asDiagonal();
    I += p.mass * (d.squaredNorm() * Mat3::Identity() - d * d.transpose());
  }
  b.mass = m;
  b.mass_center = c;
  b.inertia = {I(0, 0), I(1, 1), I(2, 2), I(0, 1), I(0, 2), I(1, 2)};
}

TransformAxisSpec axis(const std::string& coordinate, const Vec3& dir) {
  TransformAxisSpec a;
  a.axis = dir;
  if (coordinate.empty()) {
    a.function = Function::constant(0.0);
  } else {
    a.coordinates = {coordinate};
    a.function = Function::linear(1.0, 0.0);
  }
  return a;
}

// Range from joint_ranges.csv, looked up without the side suffix.
CoordinateSpec coordinate(const GenericTables& t, const std::string& name, bool rotational) {
  std::string key = name;
  if (key.size() > 2 && (key.ends_with("_r") || key.ends_with("_l"))) key.resize(key.size() - 2);
  const auto it = t.ranges.find(key);
  if (it == t.ranges.end()) throw_input_error("generic_model/joint_ranges.csv", "", fmt::format("expected a row for '{}'", key));
  CoordinateSpec s;
  s.name = name;
  const double k = rotational ? kDeg : 1.0;
  s.range_min = it->second.first * k;
  s.range_max = it->second.second * k;
  return s;
}

JointSpec custom_joint(const std::string& name, const std::string& parent_body, const Vec3& location, const std::string& child_body,
                       const std::array<std::pair<std::string, Vec3>, 3>& rotations,
                       const std::array<std::string, 3>& translations = {"", "", ""}) {
  JointSpec j;
  j.name = name;
  j.origin = "generic model joint '" + name + "'";
  j.type = JointType::Custom;
  OffsetFrameSpec pf;
  pf.name = parent_body + "_offset";
  pf.origin = j.origin;
  pf.parent = parent_body == "ground" ? "/ground" : "/bodyset/" + parent_body;
  pf.translation = location;
  j.frames.push_back(pf);
  j.parent_frame = pf.name;
  j.child_frame = "/bodyset/" + child_body;
  for (int i = 0; i < 3; ++i) j.axes[i] = axis(rotations[i].first, rotations[i].second);
  const Vec3 unit[3] = {Vec3::UnitX(), Vec3::UnitY(), Vec3::UnitZ()};
  for (int i = 0; i < 3; ++i) j.axes[3 + i] = axis(translations[i], unit[i]);
  return j;
}

// One person's model under construction: the geometry every part shares (scales, the standing
// orientation of pelvis, torso and foot data, the joint centres), and one method per part.
struct GenericBuilder {
  const Person& person;
  const GenericTables& t;
  Scaling sc;
  double H, M;
  std::string L;  // the leg dataset
  Mat3 R_stand, R_foot;
  Vec3 hjc, kjc, ajc, l5s1, midh, heel, mt1, mt5, toe;
  double heel_pad = 0, sole_y = 0, hip_height = 0;
  Vec3 sjc_torso = Vec3::Zero();  // right shoulder joint centre in the torso frame (add_bodies)
  double r_upper_arm = 0;         // radius of the upper arm's equal-mass cylinder (add_bodies)
  ModelSpec spec;

  GenericBuilder(const Person& p, const GenericTables& tables)
      : person(p), t(tables), sc(make_scaling(p, tables)), H(p.height_m), M(p.mass_kg), L(sc.lower) {
    // Joint angles follow the ISB frames (as gait2392 and Rajagopal do: ASIS-PSIS plane level at
    // zero pelvic tilt). The tables give torso coordinates with axes parallel to the pelvis in the
    // trunk source's standing posture, whose pelvis is tilted forward by standing_pelvic_tilt_deg;
    // turning them back by that tilt makes zero lumbar angles an upright trunk over a level pelvis.
    R_stand = rotation_about(Vec3::UnitZ(), -t.constant("standing_pelvic_tilt_deg") * kDeg);
    // Foot: turned about the ankle axis so that the plantar metatarsal-head points are at the
    // standing ankle height below the ankle centre (body_constants.csv): ankle angle 0 = plantigrade.
    R_foot = [&] {
      const double f = sc.of(L, "foot");
      const Vec3 mt = 0.5 * (t.landmark(L, "foot", "first_metatarsal_head").position + t.landmark(L, "foot", "fifth_metatarsal_head").position) * f;
      const double r = std::hypot(mt.x(), mt.y()), h = t.constant("ankle_height_pct_stature") / 100 * H;
      if (h >= r) throw_input_error("generic_model/body_constants.csv", "ankle_height_pct_stature", "the foot is too short for this ankle height");
      return rotation_about(Vec3::UnitZ(), std::asin(-h / r) - std::atan2(mt.y(), mt.x()));
    }();

    // ---- joint centres of this person (right side; the left mirrors z) ----
    hjc = lm(L, "pelvis", "HJC");
    kjc = lm(L, "femur", "KJC");
    ajc = lm(L, "tibia", "AJC");
    l5s1 = *lm_any("pelvis", "L5S1");
    midh = Vec3(hjc.x(), hjc.y(), 0.0);  // midpoint of the hip joint centres
    // Heel pad under body weight: unloaded thickness x compressibility index (constants.csv).
    heel_pad = t.constant("heel_pad_thickness_unloaded") * t.constant("heel_pad_compressibility_index");
    heel = lm(L, "foot", "heel");
    mt1 = lm(L, "foot", "first_metatarsal_head");
    mt5 = lm(L, "foot", "fifth_metatarsal_head");
    toe = lm(L, "foot", "toe_tip");
    // Floor, in the foot frame: the metatarsal-head points are plantar skin points; the heel's
    // landmark is posterior bone, its plantar surface lies a heel pad below the bone (checked below).
    sole_y = 0.5 * (mt1.y() + mt5.y());
    if (heel.y() - heel_pad < sole_y - 0.01)
      throw_input_error(kTables, "foot", "the heel landmark lies below the floor of the plantigrade foot");
    hip_height = -(kjc.y() + ajc.y() + sole_y);  // MIDH above the floor

  }

  // Table coordinates (scaled) in the model's body frame: torso and foot data are turned into
  // the standing orientation (constructor).
  Vec3 place(const std::string& body, const Vec3& p) const {
    if (body == "torso") return R_stand * p;
    if (body == "foot") return R_foot * p;
    return p;
  }
  Vec3 lm(const std::string& dataset, const std::string& body, const std::string& name) const {
    return place(body, t.landmark(dataset, body, name).position * sc.of(dataset, body));
  }
  std::optional<Vec3> lm_any(const std::string& body, const std::string& name) const {
    for (const auto* d : {&sc.trunk, &sc.lower})
      if (const auto* l = t.find_landmark(*d, body, name)) return place(body, l->position * sc.of(*d, body));
    return std::nullopt;
  }
  const SegmentRow& seg(const char* name) const { return t.segment(person.sex, name); }
  double len(const char* name) const { return seg(name).length_pct_stature / 100 * H; }

  void add_bodies() {
    // ---- bodies (de Leva 1996 segment parameters) ----
    const Vec3 up = Vec3::UnitY();
    {
      BodySpec pelvis;
      pelvis.name = "pelvis";
      // Lower trunk: omphalion to the hip joint centres' midpoint, COM measured from the omphalion.
      const double l = len("Lower trunk");
      set_inertia(pelvis, {segment_inertia(seg("Lower trunk"), M, l, midh + (1 - seg("Lower trunk").com_pct / 100) * l * up)});
      spec.bodies.push_back(pelvis);
    }
    for (const char* side : {"r", "l"}) {
      const bool left = side[0] == 'l';
      BodySpec femur, tibia, foot;
      femur.name = std::string("femur_") + side;
      tibia.name = std::string("tibia_") + side;
      foot.name = std::string("foot_") + side;
      set_inertia(femur, {segment_inertia(seg("Thigh"), M, sc.thigh, -seg("Thigh").com_pct / 100 * sc.thigh * up)});
      set_inertia(tibia, {segment_inertia(seg("Shank"), M, sc.shank, -seg("Shank").com_pct / 100 * sc.shank * up)});
      const Vec3 heel_to_toe = toe - heel;
      set_inertia(foot, {segment_inertia(seg("Foot"), M, sc.foot, mirrored(heel + seg("Foot").com_pct / 100 * heel_to_toe, left), true)});
      spec.bodies.push_back(femur);
      spec.bodies.push_back(tibia);
      spec.bodies.push_back(foot);
    }
    {
      // Thorax, head and arms as one body: the upper and middle trunk stacked on the lower trunk
      // along the vertical through the hip joint centres, the head's vertex at the person's
      // stature, arms hanging from the shoulder joint centres. The sagittal offset of that stack
      // from L5/S1 is what the landmarks give; the model cannot know a person's posture beyond it.
      BodySpec torso;
      torso.name = "torso";
      const Vec3 midh_t = midh - l5s1;
      const Vec3 omph = midh_t + len("Lower trunk") * up;
      const Vec3 xyph = omph + len("Middle trunk") * up;
      const Vec3 supr = xyph + len("Upper trunk") * up;
      const Vec3 vert = midh_t + (H - hip_height) * up;
      std::vector<SegmentInertia> parts = {
          segment_inertia(seg("Middle trunk"), M, len("Middle trunk"), xyph - seg("Middle trunk").com_pct / 100 * len("Middle trunk") * up),
          segment_inertia(seg("Upper trunk"), M, len("Upper trunk"), supr - seg("Upper trunk").com_pct / 100 * len("Upper trunk") * up),
          segment_inertia(seg("Head"), M, len("Head"), vert - seg("Head").com_pct / 100 * len("Head") * up)};
      // Shoulder joint centres: from the trunk dataset if it has them, else at Drillis & Contini's
      // shoulder height and half their shoulder width, on the trunk's vertical.
      const Vec3 sjc = lm_any("torso", "shoulder_joint_centre")
                           .value_or(Vec3(midh_t.x(), midh_t.y() + t.constant("shoulder_height_pct_stature") / 100 * H - hip_height,
                                          t.constant("shoulder_width_pct_stature") / 200 * H));
      sjc_torso = sjc;
      r_upper_arm = std::sqrt(seg("Upper arm").mass_pct / 100 * M / (t.constant("limb_density_kg_m3") * M_PI * len("Upper arm")));
      for (const bool left : {false, true}) {
        const Vec3 s = mirrored(sjc, left);
        const Vec3 e = s - len("Upper arm") * up, w = e - len("Forearm") * up;
        parts.push_back(segment_inertia(seg("Upper arm"), M, len("Upper arm"), s - seg("Upper arm").com_pct / 100 * len("Upper arm") * up));
        parts.push_back(segment_inertia(seg("Forearm"), M, len("Forearm"), e - seg("Forearm").com_pct / 100 * len("Forearm") * up));
        parts.push_back(segment_inertia(seg("Hand"), M, len("Hand"), w - seg("Hand").com_pct / 100 * len("Hand") * up));
      }
      set_inertia(torso, parts);
      spec.bodies.push_back(torso);
    }

  }

  void add_joints() {
    // ---- joints: OpenSim's coordinate names (gait2392 / Rajagopal) so activities map onto both ----
    {
      JointSpec j = custom_joint("ground_pelvis", "ground", Vec3::Zero(), "pelvis",
                                 {{{"pelvis_tilt", Vec3::UnitZ()}, {"pelvis_list", Vec3::UnitX()}, {"pelvis_rotation", Vec3::UnitY()}}},
                                 {"pelvis_tx", "pelvis_ty", "pelvis_tz"});
      for (const char* n : {"pelvis_tilt", "pelvis_list", "pelvis_rotation"}) j.coordinates.push_back(coordinate(t, n, true));
      for (const char* n : {"pelvis_tx", "pelvis_ty", "pelvis_tz"}) j.coordinates.push_back(coordinate(t, n, false));
      j.coordinates[4].default_value = hip_height - hjc.y();  // feet on the floor at zero angles
      spec.joints.push_back(j);
    }
    {
      JointSpec j = custom_joint("back", "pelvis", l5s1, "torso",
                                 {{{"lumbar_extension", Vec3::UnitZ()}, {"lumbar_bending", Vec3::UnitX()}, {"lumbar_rotation", Vec3::UnitY()}}});
      j.coordinates = {coordinate(t, "lumbar_extension", true), coordinate(t, "lumbar_bending", true),
                       coordinate(t, "lumbar_rotation", true)};
      spec.joints.push_back(j);
    }
    for (const char* side : {"r", "l"}) {
      const bool left = side[0] == 'l';
      const double m = left ? -1.0 : 1.0;
      const std::string s = side;
      JointSpec hip = custom_joint("hip_" + s, "pelvis", mirrored(hjc, left), "femur_" + s,
                                   {{{"hip_flexion_" + s, Vec3::UnitZ()}, {"hip_adduction_" + s, m * Vec3::UnitX()},
                                     {"hip_rotation_" + s, m * Vec3::UnitY()}}});
      hip.frames[0].name = "pelvis_offset";
      hip.coordinates = {coordinate(t, "hip_flexion_" + s, true), coordinate(t, "hip_adduction_" + s, true),
                         coordinate(t, "hip_rotation_" + s, true)};
      JointSpec knee = custom_joint("knee_" + s, "femur_" + s, mirrored(kjc, left), "tibia_" + s,
                                    {{{"knee_angle_" + s, -Vec3::UnitZ()}, {"", m * Vec3::UnitX()}, {"", m * Vec3::UnitY()}}});
      // Walker et al. 1988: varus, internal rotation and femoral translations follow flexion
      // (knee_kinematics.csv; polynomials in degrees turned into radians and metres here).
      auto knee_poly = [&](const char* quantity, double out_scale) -> std::optional<Function> {
        const auto it = t.knee_polynomials.find(quantity);
        if (it == t.knee_polynomials.end()) return std::nullopt;
        const double k = 180.0 / M_PI;  // q in radians -> degrees
        std::vector<double> c(5);
        for (int n = 0; n < 5; ++n) c[4 - n] = it->second[n] * std::pow(k, n) * out_scale;  // decreasing powers
        return Function::polynomial(c);
      };
      const std::string knee_q = "knee_angle_" + s;
      if (auto f = knee_poly("adduction", kDeg)) knee.axes[1] = {{knee_q}, m * Vec3::UnitX(), *f};
      if (auto f = knee_poly("internal_rotation", kDeg)) knee.axes[2] = {{knee_q}, m * Vec3::UnitY(), *f};
      // Tibia relative to femur = minus Walker's femur-on-tibia translations.
      if (auto f = knee_poly("femur_anterior", -1e-3)) knee.axes[3] = {{knee_q}, Vec3::UnitX(), *f};
      if (auto f = knee_poly("femur_superior", -1e-3)) knee.axes[4] = {{knee_q}, Vec3::UnitY(), *f};
      knee.coordinates = {coordinate(t, "knee_angle_" + s, true)};
      JointSpec ankle = custom_joint("ankle_" + s, "tibia_" + s, mirrored(ajc, left), "foot_" + s,
                                     {{{"ankle_angle_" + s, Vec3::UnitZ()}, {"", Vec3::UnitX()}, {"", Vec3::UnitY()}}});
      ankle.coordinates = {coordinate(t, "ankle_angle_" + s, true)};
      spec.joints.push_back(hip);
      spec.joints.push_back(knee);
      spec.joints.push_back(ankle);
    }

  }

  void add_markers() {
    // ---- markers: the landmarks, and the contact points later activities use ----
    auto add_marker = [&](const std::string& name, const std::string& body, const Vec3& p) {
      MarkerSpec mk;
      mk.name = name;
      mk.parent_frame = "/bodyset/" + body;
      mk.location = p;
      mk.fixed = true;
      spec.markers.push_back(mk);
    };
    for (const auto& l : t.landmarks) {
      const bool primary = l.body == "torso" ? l.dataset == sc.trunk : (l.dataset == L || (l.name == "L5S1" && l.dataset == sc.trunk));
      if (!primary) continue;
      if (l.name == "L5S1" && l.dataset != t.find_landmark(sc.trunk, "pelvis", "L5S1")->dataset) continue;
      const Vec3 p = place(l.body, l.position * sc.of(l.dataset, l.body));
      if (std::abs(l.position.z()) < 1e-9 || !(is_sided_body(l.body) || l.body == "pelvis" || l.body == "torso")) {
        add_marker(l.name, body_name(l.body, "r"), p);
        continue;
      }
      for (const char* side : {"r", "l"}) add_marker(l.name + "_" + side, body_name(l.body, side), mirrored(p, side[0] == 'l'));
    }
    // Tissue under the ischial tuberosities in loaded sitting (upper end of the able-bodied range).
    const double ischial_tissue = t.constant("ischial_soft_tissue_thickness_loaded_sitting_max");
    for (const char* side : {"r", "l"}) {
      const bool left = side[0] == 'l';
      const std::string s = side;
      // Sole contacts: under the bony landmarks, on the floor plane of upright standing.
      auto on_sole = [&](const Vec3& p) { return mirrored(Vec3(p.x(), sole_y, p.z()), left); };
      add_marker("contact_heel_" + s, "foot_" + s, on_sole(heel));
      add_marker("contact_first_metatarsal_" + s, "foot_" + s, on_sole(mt1));
      add_marker("contact_fifth_metatarsal_" + s, "foot_" + s, on_sole(mt5));
      add_marker("contact_toe_" + s, "foot_" + s, on_sole(toe));
      if (auto it = lm_any("pelvis", "ischial_tuberosity")) {
        add_marker("contact_ischial_" + s, "pelvis", mirrored(*it - Vec3(0, ischial_tissue, 0), left));
        // The seated contact area reaches behind the tuberosities over the gluteal soft tissue
        // (seat_buttock_offset in constants.csv: chosen), so a pelvis rolling back keeps support.
        add_marker("contact_buttock_" + s, "pelvis",
                   mirrored(*it - Vec3(t.constant("seat_buttock_offset"), ischial_tissue, 0), left));
      }
      // Posterior thigh at mid-length, on a cylinder of the thigh's mass at the density of limbs
      // (body_constants.csv).
      const double r_thigh = std::sqrt(seg("Thigh").mass_pct / 100 * M / (t.constant("limb_density_kg_m3") * M_PI * sc.thigh));
      add_marker("contact_thigh_" + s, "femur_" + s, Vec3(-r_thigh, -0.5 * sc.thigh, 0));
      // Side-lying: the bony lateral landmarks (soft tissue over them not modelled) and the lateral
      // surface of the upper arm at the shoulder (arms are part of the torso body).
      add_marker("contact_lateral_hip_" + s, "femur_" + s, mirrored(lm(L, "femur", "greater_trochanter"), left));
      add_marker("contact_lateral_knee_" + s, "femur_" + s, mirrored(lm(L, "femur", "lateral_epicondyle"), left));
      add_marker("contact_lateral_ankle_" + s, "tibia_" + s, mirrored(lm(L, "tibia", "lateral_malleolus"), left));
      add_marker("contact_lateral_shoulder_" + s, "torso", mirrored(sjc_torso + Vec3(0, 0, r_upper_arm), left));
      // Where the hanging arms start: activities place the hands below it (hand-held loads).
      add_marker("contact_shoulder_centre_" + s, "torso", mirrored(sjc_torso, left));
      // Lying on the back: the posterior surface of the upper arm at the shoulder.
      add_marker("contact_shoulder_" + s, "torso", mirrored(sjc_torso - Vec3(r_upper_arm, 0, 0), left));
    }
    // Lying on the back or leaning on a backrest: the back at T12 (its skin depth is a chosen
    // constant) and the sacrum between the posterior superior iliac spines (bony).
    if (auto t12 = lm_any("torso", "T12")) add_marker("contact_back", "torso", *t12 - Vec3(t.constant("back_surface_depth_from_T12"), 0, 0));
    const Vec3 psis = lm(L, "pelvis", "PSIS");
    add_marker("contact_sacrum", "pelvis", Vec3(psis.x(), psis.y(), 0));

  }

  void add_muscles() {
    // ---- muscles ----
    double sigma = -1;
    for (const auto& [k, v] : t.constants)
      if (k.rfind("specific_tension", 0) == 0) {
        sigma = v;
        break;
      }
    if (sigma <= 0) throw_input_error("generic_model/constants.csv", "", "expected a 'specific_tension...' constant in N/cm2");
    // Body-size scaling of strength: muscle volume from Handsfield et al. 2014's regression on
    // height x mass, divided by fibre length (proportional to height), relative to the cadaver
    // cohort the architecture comes from.
    const double ref_mass = t.constant("architecture_reference_mass_kg");
    const double ref_height = t.constant("architecture_reference_height_m");
    auto volume = [&](double h, double m) {
      return t.constant("handsfield_volume_height_mass_slope") * h * m + t.constant("handsfield_volume_height_mass_intercept");
    };
    const double force_scale = (volume(H, M) / H) / (volume(ref_height, ref_mass) / ref_height);

    std::map<std::string, int> lines_of;
    for (const auto& m : t.muscle_order) ++lines_of[base_name(m)];

    // PCSA of each line: the cadaver PCSA (muscle_architecture.csv, trunk_architecture.csv) scaled
    // to this body (force_scale). Young adults' MRI volumes (Handsfield et al. 2014) over fibre
    // length were tried instead and made the knee extensors 2-3x stronger than the dynamometry
    // norms at 60 N/cm2: docs/generic-model.md.
    struct Pcsa {
      double cadaver = 0;  // cm2 of this line
    };
    std::map<std::string, Pcsa> pcsa;
    for (const auto& muscle : t.muscle_order) {
      const ArchitectureRow* a = nullptr;
      double share = 1.0;
      if (auto it = t.architecture.find(muscle); it != t.architecture.end()) {
        a = &it->second;  // a row for this line (its PCSA already this line's)
      } else if (auto jt = t.architecture.find(base_name(muscle)); jt != t.architecture.end()) {
        a = &jt->second;
        share = 1.0 / lines_of[base_name(muscle)];  // a whole-muscle row: split evenly over its lines
      }
      if (!a) throw_input_error("generic_model/muscle_architecture.csv", "", fmt::format("expected a row for muscle '{}'", muscle));
      pcsa[muscle] = Pcsa{a->pcsa_cm2 * share * force_scale};
    }
    for (const char* side : {"r", "l"}) {
      const bool left = side[0] == 'l';
      std::size_t i = 0;
      for (const auto& muscle : t.muscle_order) {
        MuscleSpec ms;
        ms.name = muscle + "_" + side;
        ms.origin = fmt::format("generic_model muscle '{}'", muscle);
        ms.class_name = "Millard2012EquilibriumMuscle";
        const ArchitectureRow* a = t.architecture.count(muscle) ? &t.architecture.at(muscle) : &t.architecture.at(base_name(muscle));
        MuscleParams p = default_muscle_params(MuscleType::Millard2012Equilibrium);
        // Force = specific tension x PCSA (above).
        const Pcsa& area = pcsa.at(muscle);
        p.max_isometric_force = sigma * area.cadaver;
        p.optimal_fiber_length = a->optimal_fiber_length * (H / ref_height);
        p.pennation_angle_at_optimal = a->pennation_deg * kDeg;
        ms.params = p;
        int expected = 1;
        for (; i < t.path_points.size() && t.path_points[i].muscle != muscle; ++i) {}
        for (; i < t.path_points.size() && t.path_points[i].muscle == muscle; ++i, ++expected) {
          const auto& pp = t.path_points[i];
          if (pp.point != expected)
            throw_input_error("generic_model/muscle_paths.csv", "", fmt::format("muscle '{}': expected point {}, found {}", muscle, expected, pp.point));
          PathPointSpec ps;
          ps.name = fmt::format("{}-P{}", ms.name, pp.point);
          ps.parent_frame = "/bodyset/" + body_name(pp.body, side);
          ps.location = mirrored(place(pp.body, pp.position * sc.of(pp.dataset, pp.body)), left);
          ms.path.points.push_back(ps);
        }
        i = 0;
        if (ms.path.points.size() < 2)
          throw_input_error("generic_model/muscle_paths.csv", "", fmt::format("muscle '{}': expected at least two points", muscle));
        spec.muscles.push_back(std::move(ms));
      }
      for (const auto& w : t.wraps) {
        WrapObjectSpec ws;
        ws.kind = WrapObjectSpec::Kind::Cylinder;
        ws.name = w.name + "_" + side;
        ws.body = body_name(w.body, side);
        ws.origin = "generic_model/wrap_objects.csv";
        const double f = sc.of(w.dataset, w.body);
        ws.translation = mirrored(place(w.body, w.position * f), left);
        Vec3 r = w.rotation_deg * kDeg;
        if (w.body == "torso") r = body_xyz_from_rotation(R_stand * rotation_body_xyz(r));
        if (w.body == "foot") r = body_xyz_from_rotation(R_foot * rotation_body_xyz(r));
        ws.xyz_body_rotation = left ? Vec3(-r.x(), -r.y(), r.z()) : r;
        ws.radius = w.radius * f;
        ws.length = w.length * f;
        ws.quadrant = w.quadrant;
        for (auto& b : spec.bodies)
          if (b.name == ws.body) b.wrap_objects.push_back(ws);
        for (const auto& m : w.muscles)
          for (auto& ms : spec.muscles)
            if (ms.name == m + "_" + side) ms.path.wraps.push_back({ws.name, "hybrid", -1, -1});
      }
    }
    for (const auto& ms : spec.muscles) spec.force_order.push_back(ms.name);

  }

  void set_tendon_slack_lengths() {
    // ---- tendon slack: fibres at optimal length in the middle of each muscle's working range ----
    // A rule, not a measurement (tendon slack lengths of this geometry are unknown): the muscle-
    // tendon length halfway between its shortest and longest over the normal ranges of motion of
    // the joints it crosses (joint_ranges.csv; each coordinate swept with the others at zero, the
    // extremes added). It puts each muscle's force-length optimum mid-range, where dynamometry
    // finds peak isometric torque near (e.g. knee extension ~60-70 deg, Anderson et al. 2007); the
    // strength test against those norms checks the consequence.
    const Model model = compile_model(spec);
    Data data(model);
    const Eigen::Index nq = static_cast<Eigen::Index>(model.coordinates.size());
    Eigen::VectorXd q = Eigen::VectorXd::Zero(nq);
    for (Eigen::Index c = 0; c < nq; ++c) q[c] = model.coordinates[c].default_value;
    calc_forward_kinematics(model, data, q);
    calc_path_geometry(model, data, q);
    const Eigen::VectorXd l0 = data.muscle_length;
    Eigen::VectorXd lo = l0, hi = l0;
    for (Eigen::Index c = 0; c < nq; ++c) {
      const auto& co = model.coordinates[c];
      if (co.motion_type != MotionType::Rotational || co.name.rfind("pelvis_", 0) == 0) continue;
      Eigen::VectorXd dmin = Eigen::VectorXd::Zero(l0.size()), dmax = Eigen::VectorXd::Zero(l0.size());
      constexpr int kSteps = 24;
      for (int k = 0; k <= kSteps; ++k) {
        Eigen::VectorXd qc = q;
        qc[c] = co.range_min + (co.range_max - co.range_min) * k / kSteps;
        calc_forward_kinematics(model, data, qc);
        calc_path_geometry(model, data, qc);
        dmin = dmin.cwiseMin(data.muscle_length - l0);
        dmax = dmax.cwiseMax(data.muscle_length - l0);
      }
      lo += dmin;
      hi += dmax;
    }
    for (std::size_t k = 0; k < spec.muscles.size(); ++k) {
      auto& p = spec.muscles[k].params;
      const int mi = model.find_muscle(spec.muscles[k].name);
      const double lmt = 0.5 * (lo[mi] + hi[mi]);
      double lts = lmt - p.optimal_fiber_length * std::cos(p.pennation_angle_at_optimal);
      if (lts < 0.1 * lmt) {
        // The measured fibres (another body) do not fit this path: keep a tendon of a tenth of the
        // path and shorten the fibres to fit, and say so.
        lts = 0.1 * lmt;
        const double fitted = 0.9 * lmt / std::cos(p.pennation_angle_at_optimal);
        spec.warnings.push_back(fmt::format("{}: optimal fibre length {:.4f} m does not fit its {:.4f} m mid-range path; set to {:.4f} m",
                                            spec.muscles[k].name, p.optimal_fiber_length, lmt, fitted));
        p.optimal_fiber_length = fitted;
      }
      p.tendon_slack_length = lts;
      finalize_muscle_params(p);
    }
    calibrate_iliopsoas_optimum(model, data, q);
  }

  void calibrate_iliopsoas_optimum(const Model& model, Data& data, Eigen::VectorXd q) {
    // The mid-range rule contradicts dynamometry for the iliopsoas: people produce their peak
    // hip-flexion torque with the hip slightly extended (Anderson et al. 2007, Table 3), so the
    // iliopsoas works on its ascending limb around standing. Garner & Pandy (2003) calibrate a
    // muscle's operating range to the measured torque-angle curve; here only its peak angle is
    // used: iliacus and psoas fibres are at optimal length at that hip angle, lumbar neutral. The
    // strength test then checks the magnitude, which this calibration does not touch.
    const double angle = t.constant("hip_flexion_peak_torque_angle_deg") * kDeg;
    for (const char* side : {"r", "l"}) q[model.find_coordinate(std::string("hip_flexion_") + side)] = angle;
    calc_forward_kinematics(model, data, q);
    calc_path_geometry(model, data, q);
    for (auto& mu : spec.muscles) {
      const std::string base = mu.name.substr(0, mu.name.size() - 2);
      if (base != "iliacus" && base != "psoas") continue;
      auto& p = mu.params;
      p.tendon_slack_length = data.muscle_length[model.find_muscle(mu.name)] - p.optimal_fiber_length * std::cos(p.pennation_angle_at_optimal);
      finalize_muscle_params(p);
    }
  }
};

}  // namespace

std::vector<std::string> group_names(const GenericTables& tables) {
  std::vector<std::string> out;
  for (const auto& [g, m] : tables.groups)
    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
  return out;
}

std::vector<std::string> group_muscles(const GenericTables& tables, const std::string& group, const std::string& side) {
  std::vector<std::string> out;
  for (const auto& [g, m] : tables.groups) {
    if (g != group) continue;
    for (const auto& line : tables.muscle_order)
      if (line == m || base_name(line) == m) {
        const std::string name = line + "_" + side;
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
      }
  }
  if (out.empty()) {
    std::string known;
    for (const auto& g : group_names(tables)) known += (known.empty() ? "" : ", ") + g;
    throw InputError(fmt::format("unknown muscle group '{}' (known groups: {})", group, known));
  }
  return out;
}

ModelSpec build_generic_model(const Person& person) { return build_generic_model(person, GenericTables::builtin()); }

ModelSpec build_generic_model(const Person& person, const GenericTables& t) {
  validate_person(person, "person");
  GenericBuilder b(person, t);
  b.spec.name = fmt::format("weaklink_generic_{}_{:.0f}cm_{:.0f}kg", to_string(person.sex), person.height_m * 100, person.mass_kg);
  b.spec.source_file = "weaklink generic model";
  b.add_bodies();
  b.add_joints();
  b.add_markers();
  b.add_muscles();
  b.set_tendon_slack_lengths();
  return b.spec;
}

}  // namespace weaklink

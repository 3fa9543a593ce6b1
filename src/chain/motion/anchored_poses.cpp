// Non-periodic motions: poses meeting the angle tracks and the anchors frame by frame (inverse
// kinematics on the contact-site markers, warm-started), the surfaces placed through sites, and
// the worst anchor and track errors. The balance the poses also meet is in pose_balance.cpp.
#include "chain/motion/motion_builder.hpp"

#include <algorithm>
#include <cmath>

#include "kinematics/forward_kinematics.hpp"

namespace weaklink::motion_building {
namespace {

// Weight (per rad² or m²) of the pull of free coordinates towards the starting pose (anchored_poses);
// the anchors weigh 1 per m², the tracks 1e4.
constexpr double kFreeCoordinateWeight = 1e-6;

}  // namespace

// Poses meeting the angle tracks and the anchors, frame by frame, warm-started.
void MotionBuilder::anchored_poses() {
  PoseSolve s;
  add_anchor_goals(s);
  add_coordinate_goals(s);
  s.problem = std::make_unique<IKProblem>(m_, s.marker_goals, s.coordinate_goals);
  s.ws = std::make_unique<IKWorkspace>(*s.problem);
  s.observed.assign(3 * s.goals.size(), kNaN);
  s.targets.assign(tracks_.size(), 0.0);
  s.targets.insert(s.targets.end(), s.rest.begin(), s.rest.end());
  s.placed.assign(plan_.surfaces.size(), 0);
  s.surface_anchored.assign(plan_.surfaces.size(), 0);
  for (const auto& goal : s.goals) s.surface_anchored[static_cast<std::size_t>(goal.surface)] = 1;
  for (std::size_t k = 0; k < plan_.surfaces.size(); ++k) s.placed[k] = plan_.surfaces[k].through_site.empty();
  add_balances(s);
  add_hand_held_mass(s);

  bool first_repeated = false;
  Vec3 previous_com = Vec3::Zero();
  double previous_time = 0;
  for (int j = 0; j < frames_; ++j) {
    const int i = plan_.solve_backwards ? frames_ - 1 - j : j;
    const double t = time(i);
    s.now = t;
    set_balance_weights(s, t);
    solve_pose(s, t, j == 0);
    // Surfaces placed through a site in the first frame solved: those carrying anchors now, and
    // the frame solved again with those anchors (before balancing, so that balance acts on the
    // supported body); the others once the frame is balanced (below).
    if (j == 0 && place_surfaces_through_sites(s, t, true)) solve_pose(s, t, false);
    if (fix_anchors_starting_now(s, t)) solve_pose(s, t, false);
    start_capture_balances(s, t, j == 0, previous_com, previous_time);
    balance_pose(s, t);
    if (j == 0) place_surfaces_through_sites(s, t, false);
    record_pose_errors(s, t);
    out_.motion.q.row(i) = s.q.transpose();
    // The first frame once more, now that its anchors are fixed and its surfaces placed: the same
    // procedure as every later frame, so that the motion does not jump after its first frame.
    if (j == 0 && !first_repeated) {
      first_repeated = true;
      --j;
      continue;
    }
    previous_com = centre_of_mass(s);
    previous_time = t;
  }
  place_surfaces_at_later_times(s);
}

void MotionBuilder::add_anchor_goals(PoseSolve& s) const {
  for (const auto& a : plan_.anchors) {
    const int k = surface_index(a.surface);
    const PlanSurface& ps = plan_.surfaces[static_cast<std::size_t>(k)];
    const double first_time = plan_.solve_backwards ? plan_.duration : 0.0;
    if (!ps.through_site.empty() && std::abs(ps.through_time - first_time) > 1e-9)
      fail(name_, "anchor '" + a.site + "' is on surface '" + a.surface + "', which is placed after the first frame solved");
    s.goals.push_back({site(a.site), k, a.kind, a.begin, a.end});
    s.marker_goals.push_back({s.goals.back().site.marker, 1.0});
  }
}

// Tracks far outweigh the anchors' metres: where both can hold, both do (the free coordinates
// take the anchors); where they conflict the tracks win and the anchor error says so.
void MotionBuilder::add_coordinate_goals(PoseSolve& s) const {
  for (const auto& t : tracks_) s.coordinate_goals.push_back({t.coordinate, 1e4});
  s.q = m_.default_q();
  for (std::size_t k = 0; k < plan_.initial.size(); ++k) {
    const auto& [name, value] = plan_.initial[k];
    const int c = m_.find_coordinate(name);
    if (c < 0) fail_on_field(plan_.initial_fields, k, "the model has no coordinate '" + name + "'");
    s.q[c] = anatomical_sign(m_, c) * value;
  }
  // The free coordinates are pulled, a million times more weakly than the anchors, towards the
  // starting pose. Where the anchors leave a free direction (feet and shoulders on the floor
  // let the hips and ankles trade angles) the pose is then unique at every instant, not
  // wherever the warm start drifted: without this the drift is noise that the splines turn
  // into accelerations growing as 1/dt², and results that change with the number of frames.
  std::vector<char> tracked(static_cast<std::size_t>(m_.nq()), 0);
  for (const auto& t : tracks_) tracked[static_cast<std::size_t>(t.coordinate)] = 1;
  for (int c = 0; c < m_.nq(); ++c) {
    const Coordinate& co = m_.coordinates[static_cast<std::size_t>(c)];
    if (tracked[static_cast<std::size_t>(c)] || co.locked || co.coupler >= 0) continue;
    s.coordinate_goals.push_back({c, kFreeCoordinateWeight});
    s.rest.push_back(s.q[c]);
  }
}

bool MotionBuilder::anchor_active(const PoseSolve& s, const AnchorGoal& goal, double t) const {
  return t >= goal.begin - 1e-12 && t <= goal.end + 1e-12 && s.placed[static_cast<std::size_t>(goal.surface)];
}

// The nearest point of the anchor's surface to its site (needs forward kinematics).
Vec3 MotionBuilder::on_surface(const AnchorGoal& goal) const {
  const ContactSurface& sf = out_.contacts.surfaces[static_cast<std::size_t>(goal.surface)];
  const Vec3 p = site_position(goal.site);
  return p - (p - sf.point).dot(sf.normal) * sf.normal;
}

// The pose at time t meeting the tracks (with the balance offsets) and the active anchors.
void MotionBuilder::solve_pose(PoseSolve& s, double t, bool first) {
  for (std::size_t k = 0; k < tracks_.size(); ++k) s.targets[k] = tracks_[k].sign * (*tracks_[k].track)(t);
  for (const auto& bal : s.balances)
    for (const auto& [k, gain] : bal.tracks) s.targets[static_cast<std::size_t>(k)] += tracks_[static_cast<std::size_t>(k)].sign * gain * bal.offset;
  // Alternate: solve, then move the sliding anchors' targets to their projections on the
  // planes, until the projections stop moving.
  const int ng = static_cast<int>(s.goals.size());
  for (int pass = 0; pass < 20; ++pass) {
    double moved = 0;
    calc_forward_kinematics(m_, data_, s.q);
    for (int g = 0; g < ng; ++g) {
      AnchorGoal& goal = s.goals[static_cast<std::size_t>(g)];
      double* o = s.observed.data() + 3 * g;
      if (!anchor_active(s, goal, t)) {
        o[0] = o[1] = o[2] = kNaN;
        continue;
      }
      const Vec3 target = goal.kind == PlanAnchor::Kind::Fixed && goal.fixed_set ? goal.fixed : on_surface(goal);
      moved = std::isnan(o[0]) ? 1.0 : std::max(moved, (Vec3(o[0], o[1], o[2]) - target).norm());
      o[0] = target.x();
      o[1] = target.y();
      o[2] = target.z();
    }
    solve_ik_frame(*s.ws, s.observed.data(), s.targets.data(), s.q);
    if (moved < 1e-11 && !(first && pass == 0)) break;  // 10 pm
  }
  calc_forward_kinematics(m_, data_, s.q);
}

// Surfaces through a site at time t not placed yet, those carrying anchors or the others; true
// when one was placed.
bool MotionBuilder::place_surfaces_through_sites(PoseSolve& s, double t, bool anchored) {
  bool any = false;
  for (std::size_t k = 0; k < plan_.surfaces.size(); ++k)
    if (!s.placed[k] && s.surface_anchored[k] == anchored && std::abs(plan_.surfaces[k].through_time - t) < 0.5 * plan_.duration / (frames_ - 1)) {
      place_surface(k);
      s.placed[k] = 1;
      any = true;
    }
  return any;
}

// Fixed anchors starting in this frame stay where the tracks put them, before balancing
// (balance then moves the body over the feet, not the feet under the body); true when one was.
bool MotionBuilder::fix_anchors_starting_now(PoseSolve& s, double t) const {
  bool newly_fixed = false;
  for (auto& goal : s.goals) {
    if (goal.kind != PlanAnchor::Kind::Fixed || !anchor_active(s, goal, t) || goal.fixed_set) continue;
    goal.fixed = on_surface(goal);
    goal.fixed_set = true;
    newly_fixed = true;
  }
  return newly_fixed;
}

// The worst anchor and track errors so far, with this pose (needs forward kinematics).
void MotionBuilder::record_pose_errors(const PoseSolve& s, double t) {
  for (const auto& goal : s.goals) {
    if (!anchor_active(s, goal, t)) continue;
    const ContactSurface& sf = out_.contacts.surfaces[static_cast<std::size_t>(goal.surface)];
    const Vec3 p = site_position(goal.site);
    const double off_plane = std::abs((p - sf.point).dot(sf.normal));
    const double off_fixed = goal.kind == PlanAnchor::Kind::Fixed ? (p - goal.fixed).norm() : 0.0;
    out_.max_anchor_error = std::max(out_.max_anchor_error, std::max(off_plane, off_fixed));
  }
  for (std::size_t k = 0; k < tracks_.size(); ++k)
    out_.max_track_error = std::max(out_.max_track_error, std::abs(s.q[tracks_[k].coordinate] - s.targets[k]));
}

// Surfaces placed at a later time: through the site in the frame nearest that time.
void MotionBuilder::place_surfaces_at_later_times(const PoseSolve& s) {
  for (std::size_t k = 0; k < plan_.surfaces.size(); ++k) {
    if (s.placed[k]) continue;
    int best = 0;
    for (int i = 0; i < frames_; ++i)
      if (std::abs(time(i) - plan_.surfaces[k].through_time) < std::abs(time(best) - plan_.surfaces[k].through_time)) best = i;
    calc_forward_kinematics(m_, data_, out_.motion.q.row(best).transpose());
    place_surface(k);
  }
}

// A surface through its site in the current pose (needs forward kinematics).
void MotionBuilder::place_surface(std::size_t s) {
  const PlanSurface& ps = plan_.surfaces[s];
  const SiteRef ref = site(ps.through_site);
  out_.contacts.surfaces[s].point = site_position(ref);
  if (ps.normal_axis >= 0) out_.contacts.surfaces[s].normal = data_.X_GB[ref.body].R.col(ps.normal_axis);
}

}  // namespace weaklink::motion_building

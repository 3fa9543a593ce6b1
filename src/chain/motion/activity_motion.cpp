#include "chain/motion/activity_motion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "chain/activities/contact_sites.hpp"
#include "core/error.hpp"
#include "core/natural_spline.hpp"
#include "core/profiles.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "kinematics/center_of_mass.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "kinematics/inverse_kinematics.hpp"
#include "model/data.hpp"

namespace weaklink {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Weight (per rad² or m²) of the pull of free coordinates towards the starting pose (anchored_poses);
// the anchors weigh 1 per m², the tracks 1e4.
constexpr double kFreeCoordinateWeight = 1e-6;

// Arm length from the shoulder centre to the grip (mid-hand), as fractions of stature, and the
// hip-centre-to-ankle-centre length as a fraction of stature: Drillis R, Contini R (1966) Body
// segment parameters, Report 1166-03, New York University (via Winter DA 2009, Biomechanics and
// Motor Control of Human Movement, 4th ed., Fig. 4.1): upper arm 0.186, forearm 0.146, hand 0.108
// (half of it to the grip); greater trochanter 0.530 and ankle 0.039 above the floor.
constexpr double kArmToGripPerStature = 0.186 + 0.146 + 0.5 * 0.108;
constexpr double kLegPerStature = 0.530 - 0.039;

// 0, 1, ..., n − 1: the frames of a periodic motion as sample positions over its period n.
std::vector<double> frame_indices(int n) {
  std::vector<double> x(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = i;
  return x;
}

[[noreturn]] void fail(const std::string& activity, const std::string& what) {
  throw_input_error("activity '" + activity + "'", "", what);
}

struct SiteRef {
  int marker = -1, body = 0;
  Vec3 p_B = Vec3::Zero();
};

class Builder {
 public:
  Builder(const Model& model, const ActivityPlan& plan, const std::string& activity)
      : m_(model), plan_(plan), name_(activity), data_(model) {}

  ActivityMotion build() {
    const int n = plan_.frames;
    frames_ = n;
    if (n < 6) fail(name_, "needs at least 6 frames");
    if (!(plan_.duration > 0)) fail(name_, "needs a positive duration");
    out_.motion.time.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
      out_.motion.time[static_cast<std::size_t>(i)] =
          plan_.periodic ? plan_.duration * i / n : plan_.duration * i / (n - 1);
    resolve_tracks();
    resolve_surfaces();
    out_.motion.q.resize(n, m_.nq());
    if (plan_.periodic) {
      gait_poses();
      differentiate();
      if (!plan_.feet.empty()) gait_balance();
    } else {
      // The poses are solved on the activity's own grid (pose_rate) and the frames sample the
      // quintic splines through them: any number of frames samples the same motion, instead of
      // differentiating pose-solver noise (which grows as 1/dt²) or a path the sliding anchors
      // took differently on a different grid.
      const int poses = plan_.pose_rate > 0 ? std::max(6, static_cast<int>(std::ceil(plan_.pose_rate * plan_.duration - 1e-9)) + 1) : n;
      if (poses == n) {
        anchored_poses();
        differentiate();
      } else {
        const std::vector<double> frame_times = out_.motion.time;
        frames_ = poses;
        out_.motion.time.resize(static_cast<std::size_t>(poses));
        for (int i = 0; i < poses; ++i) out_.motion.time[static_cast<std::size_t>(i)] = plan_.duration * i / (poses - 1);
        out_.motion.q.resize(poses, m_.nq());
        anchored_poses();
        resample(frame_times);
        frames_ = n;
      }
    }
    resolve_contacts();
    sample_loads();
    return std::move(out_);
  }

 private:
  // Frames of the pose grid being solved (plan_.frames unless resampled).
  int frames_ = 0;

  SiteRef site(const std::string& name) const {
    const int k = find_contact_site(m_, name);
    if (k < 0) fail(name_, "the model has no contact site '" + name + "' (marker contact_" + name + ")");
    return {k, m_.markers[k].body, m_.markers[k].p_BM};
  }
  Vec3 site_position(const SiteRef& s) const { return data_.X_GB[s.body].apply(s.p_B); }
  int surface_index(const std::string& name) const {
    for (std::size_t k = 0; k < plan_.surfaces.size(); ++k)
      if (plan_.surfaces[k].name == name) return static_cast<int>(k);
    fail(name_, "no surface named '" + name + "'");
  }
  double time(int i) const { return out_.motion.time[static_cast<std::size_t>(i)]; }

  void resolve_tracks() {
    for (const auto& [coordinate, track] : plan_.tracks) {
      const int c = m_.find_coordinate(coordinate);
      if (c < 0) fail(name_, "the model has no coordinate '" + coordinate + "' that the activity drives");
      tracks_.push_back({c, anatomical_sign(m_, c), &track});
    }
  }

  void resolve_surfaces() {
    for (const auto& s : plan_.surfaces) {
      ContactSurface cs;
      cs.name = s.name;
      cs.point = s.point;
      cs.normal = s.normal.normalized();
      cs.friction = s.friction;
      cs.reach = s.reach;
      out_.contacts.surfaces.push_back(cs);
    }
  }

  void set_tracks(int i, Eigen::VectorXd& q) const {
    for (const auto& t : tracks_) q[t.coordinate] = t.sign * (*t.track)(time(i));
  }

  // ---- non-periodic motions: poses meeting the tracks, the anchors and the balance -----------------

  // An anchor as the pose solver meets it.
  struct AnchorGoal {
    SiteRef site;
    int surface;
    PlanAnchor::Kind kind;
    double begin, end;
    bool fixed_set = false;
    Vec3 fixed = Vec3::Zero();
  };
  // A balance entry being met: the tracks it offsets (index into tracks_, gain) and its support.
  struct BalanceState {
    const PlanBalance* spec;
    std::vector<std::pair<int, double>> tracks;
    std::vector<SiteRef> support;
    double full = 0, slope = 0;     // the offset that balances fully, and d(imbalance)/d(offset)
    double weight = 0, offset = 0;  // this frame's share of it, and the offset applied
    bool started = false;           // capture: the window has opened
    double xi = 0, x0 = 0, t0 = 0, omega = 0;
  };
  // The state of solving one motion's poses, frame after frame, each warm-started from the last.
  struct PoseSolve {
    std::vector<AnchorGoal> goals;
    std::vector<IKMarkerGoal> marker_goals;
    std::vector<IKCoordinateGoal> coordinate_goals;
    std::vector<double> rest;  // target per free coordinate, goals after the tracks
    std::unique_ptr<IKProblem> problem;
    std::unique_ptr<IKWorkspace> ws;
    Eigen::VectorXd q;
    std::vector<double> observed, targets;
    std::vector<char> placed, surface_anchored;  // per surface
    std::vector<BalanceState> balances;
    double hand_mass = 0, arm = 0;  // hand-held mass and the arm's length to the grip
    SiteRef shoulder_r, shoulder_l;
    double now = 0;  // the time of the frame being solved
  };

  // Poses meeting the angle tracks and the anchors, frame by frame, warm-started.
  void anchored_poses() {
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

  void add_anchor_goals(PoseSolve& s) const {
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
  void add_coordinate_goals(PoseSolve& s) const {
    for (const auto& t : tracks_) s.coordinate_goals.push_back({t.coordinate, 1e4});
    s.q = m_.default_q();
    for (const auto& [name, value] : plan_.initial) {
      const int c = m_.find_coordinate(name);
      if (c < 0) fail(name_, "the model has no coordinate '" + name + "'");
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

  void add_balances(PoseSolve& s) const {
    for (const auto& b : plan_.balance) {
      BalanceState bal{&b, {}, {}};
      for (const auto& [name, gain] : b.coordinates) {
        int k = -1;
        for (std::size_t j = 0; j < tracks_.size(); ++j)
          if (m_.coordinates[static_cast<std::size_t>(tracks_[j].coordinate)].name == name) k = static_cast<int>(j);
        if (k < 0) fail(name_, "balance adjusts '" + name + "', which the activity does not track");
        bal.tracks.emplace_back(k, gain);
      }
      for (const auto& sname : b.support_sites) bal.support.push_back(site(sname));
      s.balances.push_back(std::move(bal));
    }
  }

  void add_hand_held_mass(PoseSolve& s) {
    for (const auto& l : plan_.loads)
      if (l.kind == PlanLoad::Kind::HandHeld) s.hand_mass += l.mass;
    s.arm = s.hand_mass > 0 ? kArmToGripPerStature * stature() : 0.0;
    s.shoulder_r = s.hand_mass > 0 ? site("shoulder_centre_r") : SiteRef{};
    s.shoulder_l = s.hand_mass > 0 ? site("shoulder_centre_l") : SiteRef{};
  }

  bool anchor_active(const PoseSolve& s, const AnchorGoal& goal, double t) const {
    return t >= goal.begin - 1e-12 && t <= goal.end + 1e-12 && s.placed[static_cast<std::size_t>(goal.surface)];
  }
  // The nearest point of the anchor's surface to its site (needs forward kinematics).
  Vec3 on_surface(const AnchorGoal& goal) const {
    const ContactSurface& sf = out_.contacts.surfaces[static_cast<std::size_t>(goal.surface)];
    const Vec3 p = site_position(goal.site);
    return p - (p - sf.point).dot(sf.normal) * sf.normal;
  }

  // Each balance's share of its full offset at time t: all of it inside its window, faded in and
  // out over its ramp (minimum-jerk); capture balances act inside their window only.
  void set_balance_weights(PoseSolve& s, double t) const {
    for (auto& bal : s.balances) {
      const PlanBalance& b = *bal.spec;
      if (b.capture) {
        bal.weight = t >= b.begin && t <= b.end ? 1.0 : 0.0;
      } else {
        const double before = b.ramp > 0 ? min_jerk((t - (b.begin - b.ramp)) / b.ramp) : (t >= b.begin ? 1.0 : 0.0);
        const double after = b.ramp > 0 ? 1.0 - min_jerk((t - b.end) / b.ramp) : (t <= b.end ? 1.0 : 0.0);
        bal.weight = std::min(before, after);
      }
      bal.offset = bal.weight * bal.full;
    }
  }

  // The pose at time t meeting the tracks (with the balance offsets) and the active anchors.
  void solve_pose(PoseSolve& s, double t, bool first) {
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
  bool place_surfaces_through_sites(PoseSolve& s, double t, bool anchored) {
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
  bool fix_anchors_starting_now(PoseSolve& s, double t) const {
    bool newly_fixed = false;
    for (auto& goal : s.goals) {
      if (goal.kind != PlanAnchor::Kind::Fixed || !anchor_active(s, goal, t) || goal.fixed_set) continue;
      goal.fixed = on_surface(goal);
      goal.fixed_set = true;
      newly_fixed = true;
    }
    return newly_fixed;
  }

  // Capture balances start from the state the motion reaches when their window opens.
  void start_capture_balances(PoseSolve& s, double t, bool first_frame, const Vec3& previous_com, double previous_time) {
    for (auto& bal : s.balances) {
      if (!bal.spec->capture || bal.weight <= 0 || bal.started) continue;
      if (first_frame) fail(name_, "a capture balance cannot start at the first frame solved");
      const int axis = bal.spec->axis;
      const Vec3 com = centre_of_mass(s);
      bal.x0 = com[axis];
      bal.omega = std::sqrt(m_.gravity.norm() / com.y());
      bal.xi = bal.x0 + (com[axis] - previous_com[axis]) / std::abs(t - previous_time) / bal.omega;
      double lo = 1e9, hi = -1e9;
      for (const auto& sref : bal.support) {
        lo = std::min(lo, site_position(sref)[axis]);
        hi = std::max(hi, site_position(sref)[axis]);
      }
      const double clamped = std::clamp(bal.xi, lo + 0.01, hi - 0.01);
      if (clamped != bal.xi)
        out_.warnings.push_back(fmt::format("{}: the motion's capture point at {:.2f} s lies {:.0f} mm outside the support; the pose was "
                                            "adjusted to stop over the support's edge",
                                            name_, t, 1000 * std::abs(clamped - bal.xi)));
      bal.xi = clamped;
      bal.t0 = t;
      bal.started = true;
    }
  }

  // Balance by secant steps on each full offset in turn (they barely interact: different axes),
  // then apply this frame's share of it.
  void balance_pose(PoseSolve& s, double t) {
    for (auto& bal : s.balances) {
      if (bal.weight <= 0) continue;
      const double share = bal.weight;
      bal.offset = bal.full;
      if (share < 1) solve_pose(s, t, false);
      double e = imbalance(s, bal);
      for (int it = 0; it < 12 && std::abs(e) > 1e-10; ++it) {
        if (bal.slope == 0) {  // first use: measure the slope with a small step
          const double step = 0.01;
          bal.full += step;
          bal.offset = bal.full;
          solve_pose(s, t, false);
          const double e2 = imbalance(s, bal);
          bal.slope = (e2 - e) / step;
          e = e2;
          if (std::abs(bal.slope) < 1e-6) fail(name_, "the balance coordinates do not move the centre of mass");
        }
        // Newton–secant step, limited to 0.2 (rad or m) per step and 1.2 in all, so that a poor
        // slope estimate cannot throw the pose away.
        const double before = e, delta = std::clamp(-e / bal.slope, -0.2, 0.2);
        if (std::abs(bal.full + delta) > 1.2) break;
        bal.full += delta;
        bal.offset = bal.full;
        solve_pose(s, t, false);
        e = imbalance(s, bal);
        if (std::abs(e - before) > 1e-12) bal.slope = (e - before) / delta;
      }
      if (share >= 1) out_.max_balance_error = std::max(out_.max_balance_error, std::abs(e));
      if (share < 1) {
        bal.offset = share * bal.full;
        solve_pose(s, t, false);
      }
    }
  }

  // Whole-body centre of mass with any hand-held mass (needs forward kinematics).
  Vec3 centre_of_mass(const PoseSolve& s) const {
    double mass = s.hand_mass;
    for (std::size_t b = 1; b < m_.bodies.size(); ++b) mass += m_.bodies[b].mass;
    Vec3 moment = calc_mass_moment_in_world(m_, data_);
    if (s.hand_mass > 0) moment += s.hand_mass * (0.5 * (site_position(s.shoulder_r) + site_position(s.shoulder_l)) - s.arm * Vec3::UnitY());
    return Vec3(moment / mass);
  }

  // Centre of mass along the balance's axis minus its target: the support centroid, or the
  // capture trajectory (needs forward kinematics).
  double imbalance(const PoseSolve& s, const BalanceState& bal) const {
    const double x = centre_of_mass(s)[bal.spec->axis];
    if (bal.spec->capture) return x - (bal.xi - (bal.xi - bal.x0) * std::exp(-bal.omega * std::abs(s.now - bal.t0)));
    double centroid = 0;
    for (const auto& sref : bal.support) centroid += site_position(sref)[bal.spec->axis];
    return x - centroid / static_cast<double>(bal.support.size());
  }

  // The worst anchor and track errors so far, with this pose (needs forward kinematics).
  void record_pose_errors(const PoseSolve& s, double t) {
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
  void place_surfaces_at_later_times(const PoseSolve& s) {
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
  void place_surface(std::size_t s) {
    const PlanSurface& ps = plan_.surfaces[s];
    const SiteRef ref = site(ps.through_site);
    out_.contacts.surfaces[s].point = site_position(ref);
    if (ps.normal_axis >= 0) out_.contacts.surfaces[s].normal = data_.X_GB[ref.body].R.col(ps.normal_axis);
  }

  // Walking: tracks set the angles; the pelvis keeps the lowest support site on the floor (its
  // height smoothed by a truncated Fourier series) and moves forward at the speed that keeps that
  // site still on average.
  void gait_poses() {
    const int n = plan_.frames;
    const int tx = m_.find_coordinate("pelvis_tx"), ty = m_.find_coordinate("pelvis_ty");
    if (tx < 0 || ty < 0) fail(name_, "walking needs the pelvis translations pelvis_tx and pelvis_ty");
    std::vector<SiteRef> support;
    for (const auto& s : plan_.support_sites) support.push_back(site(s));
    Eigen::VectorXd q = m_.default_q();
    q[tx] = q[ty] = 0;
    std::vector<double> height(static_cast<std::size_t>(n)), lowest_x(static_cast<std::size_t>(n));
    std::vector<int> lowest(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      set_tracks(i, q);
      apply_couplers(m_, q);
      calc_forward_kinematics(m_, data_, q);
      double low = std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < support.size(); ++k) {
        const Vec3 p = site_position(support[k]);
        if (p.y() < low) {
          low = p.y();
          lowest[static_cast<std::size_t>(i)] = static_cast<int>(k);
          lowest_x[static_cast<std::size_t>(i)] = p.x();
        }
      }
      height[static_cast<std::size_t>(i)] = -low;
      out_.motion.q.row(i) = q.transpose();
    }
    // Forward speed: the mean rate at which the lowest site moves backwards relative to the
    // pelvis while it stays the lowest.
    double dx = 0, dt = 0;
    for (int i = 0; i < n; ++i) {
      const int j = (i + 1) % n;
      if (lowest[static_cast<std::size_t>(i)] != lowest[static_cast<std::size_t>(j)]) continue;
      dx += lowest_x[static_cast<std::size_t>(i)] - lowest_x[static_cast<std::size_t>(j)];
      dt += plan_.duration / n;
    }
    speed_ = dt > 0 ? dx / dt : 0;
    // With the feet's phases known, better: the rate at which each foot's sites move backwards
    // relative to the pelvis in its mid-stance (15–45 % of the cycle after its heel strike), when
    // it alone carries the body.
    if (!plan_.feet.empty()) {
      dx = dt = 0;
      for (const auto& [side, phase] : plan_.feet) {
        std::vector<SiteRef> sites;
        for (const char* name : {"heel_", "first_metatarsal_", "fifth_metatarsal_", "toe_"}) sites.push_back(site(name + side));
        std::vector<double> centroid_x(static_cast<std::size_t>(n), 0.0);  // once per frame
        for (int i = 0; i < n; ++i) {
          calc_forward_kinematics(m_, data_, out_.motion.q.row(i).transpose());
          for (const auto& sref : sites) centroid_x[static_cast<std::size_t>(i)] += site_position(sref).x() / static_cast<double>(sites.size());
        }
        for (int i = 0; i < n; ++i) {
          double psi = time(i) / plan_.duration - phase;
          psi -= std::floor(psi);
          if (psi < 0.15 || psi > 0.45) continue;
          dx += centroid_x[static_cast<std::size_t>(i)] - centroid_x[static_cast<std::size_t>((i + 1) % n)];
          dt += plan_.duration / n;
        }
      }
      if (dt > 0) speed_ = dx / dt;
    }
    // Truncated Fourier series of the pelvis height over the cycle.
    const std::vector<double> smooth = fourier_low_pass(height, std::min(plan_.harmonics, n / 2 - 1));
    for (int i = 0; i < n; ++i) {
      out_.motion.q(i, ty) = smooth[static_cast<std::size_t>(i)];
      out_.motion.q(i, tx) = speed_ * time(i);
    }
    forward_coordinate_ = tx;
  }

  // Walking's balance (see ActivityPlan::feet): the pelvis' periodic forward and sideways motion is
  // corrected until the zero-moment point of the motion (from inverse dynamics, no contacts)
  // follows the feet's centres of pressure. Each correction uses the linear inverted pendulum's
  // response, Δp = −(h/g)Δẍ per harmonic (Kajita S et al. 2003 IEEE ICRA, "Biped walking pattern
  // generation by using preview control of zero-moment point"); the mean offset along the walking
  // direction is left to the feet (where in the foot the mean pressure sits).
  void gait_balance() {
    const int n = plan_.frames;
    const int tx = m_.find_coordinate("pelvis_tx"), tz = m_.find_coordinate("pelvis_tz");
    if (tz < 0) fail(name_, "walking's balance needs pelvis_tz");
    struct Foot {
      SiteRef heel, mt1, mt5, toe;
      double phase;
    };
    std::vector<Foot> feet;
    for (const auto& [side, phase] : plan_.feet)
      feet.push_back({site("heel_" + side), site("first_metatarsal_" + side), site("fifth_metatarsal_" + side), site("toe_" + side), phase});
    const double stance = plan_.stance_fraction, ds = stance - 0.5;  // double support, fraction of the cycle
    if (!(ds > 0 && ds < 0.25)) fail(name_, "stance_fraction must be between 0.5 and 0.75");
    const double mass = calc_total_mass(m_);
    const double g = m_.gravity.norm(), omega = 2 * M_PI / plan_.duration;
    const int K = std::min(20, n / 2 - 1);
    const std::vector<double> frame = frame_indices(n);
    Eigen::VectorXd q(m_.nq()), u(m_.nq()), qdd(m_.nq()), tau(m_.nq());
    std::vector<double> ex(static_cast<std::size_t>(n)), ez(static_cast<std::size_t>(n));
    for (int iteration = 0; iteration < 20; ++iteration) {
      double height = 0, worst = 0;
      for (int i = 0; i < n; ++i) {
        q = out_.motion.q.row(i).transpose();
        u = out_.motion.u.row(i).transpose();
        qdd = out_.motion.qddot.row(i).transpose();
        calc_forward_kinematics(m_, data_, q);
        clear_applied_loads(data_);
        calc_inverse_dynamics(m_, data_, q, u, qdd, tau);
        const int root = m_.joints[0].child_body;
        const Vec3 F = data_.joint_force[root], M = data_.joint_moment[root];
        const Vec3 zmp(M.z() / F.y(), 0, -M.x() / F.y());
        // Target: the feet's centres of pressure weighted by their share of the load.
        Vec3 target = Vec3::Zero();
        double total = 0;
        for (const auto& f : feet) {
          double psi = time(i) / plan_.duration - f.phase;
          psi -= std::floor(psi);
          if (psi >= stance) continue;
          double w = 1;
          if (psi < ds) w = min_jerk(psi / ds);
          else if (psi > stance - ds) w = 1 - min_jerk((psi - (stance - ds)) / ds);
          // The centre of pressure rolls from the heel to the metatarsal heads by 70 % of stance
          // (heel-off), then a third of the way on towards the toe (chosen after the typical
          // heel-to-toe progression, e.g. Perry 1992; recalled).
          const Vec3 heel = site_position(f.heel), fore = 0.5 * (site_position(f.mt1) + site_position(f.mt5));
          const double roll = psi / (0.7 * stance);
          target += w * (roll <= 1 ? Vec3(heel + roll * (fore - heel))
                                   : Vec3(fore + (roll - 1) / (1 / 0.7 - 1) * (1.0 / 3) * (site_position(f.toe) - fore)));
          total += w;
        }
        target /= total;
        ex[static_cast<std::size_t>(i)] = zmp.x() - target.x();
        ez[static_cast<std::size_t>(i)] = zmp.z() - target.z();
        height += calc_mass_moment_in_world(m_, data_).y() / mass / n;
      }
      auto centre = [&](std::vector<double>& e) {
        double mean = 0;
        for (double v : e) mean += v / n;
        for (double& v : e) v -= mean;
      };
      centre(ex);
      centre(ez);
      for (int i = 0; i < n; ++i) worst = std::max({worst, std::abs(ex[static_cast<std::size_t>(i)]), std::abs(ez[static_cast<std::size_t>(i)])});
      out_.max_balance_error = worst;
      if (worst < 1e-3) break;
      // Δx_k = −(g/h) E_k / (kΩ)² per harmonic, added to the pelvis translation with its derivatives.
      for (const auto& [coordinate, e] : {std::pair<int, const std::vector<double>*>{tx, &ex}, {tz, &ez}}) {
        const FourierSeries error = FourierSeries::fit(frame, *e, n, K);
        for (int k = 1; k <= K; ++k) {
          const double a = error.a[static_cast<std::size_t>(k)], b = error.b[static_cast<std::size_t>(k)];
          const double wk = k * omega, gain = -(g / height) / (wk * wk);
          for (int i = 0; i < n; ++i) {
            const double w = 2 * M_PI * k * i / n;
            const double c = std::cos(w), sn = std::sin(w);
            out_.motion.q(i, coordinate) += gain * (a * c + b * sn);
            out_.motion.u(i, coordinate) += gain * wk * (-a * sn + b * c);
            out_.motion.qddot(i, coordinate) += -gain * wk * wk * (a * c + b * sn);
          }
        }
      }
    }
  }

  // Speeds and accelerations: quintic natural splines through the poses (periodic motions are
  // padded with a quarter cycle on each side, the forward coordinate shifted by a stride, so that
  // the splines' free ends are far from the frames).
  void differentiate() {
    const int n = plan_.frames, nq = m_.nq();
    out_.motion.u.resize(n, nq);
    out_.motion.qddot.resize(n, nq);
    const int pad = plan_.periodic ? std::max(6, n / 4) : 0;
    std::vector<double> x(static_cast<std::size_t>(n + 2 * pad)), y(x.size());
    for (int c = 0; c < nq; ++c) {
      for (int k = -pad; k < n + pad; ++k) {
        const int i = ((k % n) + n) % n;
        const int cycle = (k - i) / n;  // -1, 0 or 1
        x[static_cast<std::size_t>(k + pad)] = time(i) + cycle * plan_.duration;
        double v = out_.motion.q(i, c);
        if (c == forward_coordinate_) v += cycle * speed_ * plan_.duration;
        y[static_cast<std::size_t>(k + pad)] = v;
      }
      const NaturalSpline spline(x, y, 5);
      for (int i = 0; i < n; ++i) {
        const FunctionValue f = spline.eval(time(i));
        out_.motion.u(i, c) = f.df;
        out_.motion.qddot(i, c) = f.ddf;
      }
    }
  }

  // Coordinates, speeds and accelerations at `times` from quintic natural splines through the
  // poses solved at out_.motion.time (non-periodic motions), which then become `times`.
  void resample(const std::vector<double>& times) {
    const int np = static_cast<int>(out_.motion.time.size()), n = static_cast<int>(times.size()), nq = m_.nq();
    Eigen::MatrixXd q(n, nq);
    out_.motion.u.resize(n, nq);
    out_.motion.qddot.resize(n, nq);
    std::vector<double> y(static_cast<std::size_t>(np));
    for (int c = 0; c < nq; ++c) {
      for (int k = 0; k < np; ++k) y[static_cast<std::size_t>(k)] = out_.motion.q(k, c);
      const NaturalSpline spline(out_.motion.time, y, 5);
      for (int i = 0; i < n; ++i) {
        const FunctionValue f = spline.eval(times[static_cast<std::size_t>(i)]);
        q(i, c) = f.f;
        out_.motion.u(i, c) = f.df;
        out_.motion.qddot(i, c) = f.ddf;
      }
    }
    out_.motion.q = std::move(q);
    out_.motion.time = times;
  }

  void resolve_contacts() {
    for (const auto& c : plan_.contacts) {
      const int s = surface_index(c.surface);
      const SiteRef ref = site(c.site);
      ContactPair pair;
      pair.name = c.site;
      pair.body = ref.body;
      pair.p_B = ref.p_B;
      pair.surface = s;
      out_.contacts.pairs.push_back(pair);
      out_.pair_attached.push_back(plan_.surfaces[static_cast<std::size_t>(s)].attached ? 1 : 0);
    }
    const int n = plan_.frames, ns = static_cast<int>(plan_.surfaces.size());
    out_.surface_load = Eigen::MatrixXd::Constant(n, ns, kNaN);
    for (int s = 0; s < ns; ++s)
      if (plan_.surfaces[static_cast<std::size_t>(s)].normal_load)
        for (int i = 0; i < n; ++i) out_.surface_load(i, s) = plan_.surfaces[static_cast<std::size_t>(s)].normal_load(time(i));
  }

  // Stature estimated from the leg (hip to ankle centre) for the arm length of hand-held loads.
  double stature() {
    const Eigen::VectorXd q0 = m_.default_q();
    calc_forward_kinematics(m_, data_, q0);
    auto centre = [&](const char* coordinate) {
      const int c = m_.find_coordinate(coordinate);
      if (c < 0) fail(name_, std::string("hand-held loads need the coordinate ") + coordinate);
      const Joint& j = m_.joints[m_.coordinates[c].joint];
      return (data_.X_GB[j.child_body] * j.X_BM).p;
    };
    return (centre("hip_flexion_r").y() - centre("ankle_angle_r").y()) / kLegPerStature;
  }

  void sample_loads() {
    const int n = plan_.frames;
    const Vec3 g = m_.gravity;
    for (const auto& load : plan_.loads) {
      auto active = [&](int i) { return time(i) >= load.begin - 1e-12 && time(i) <= load.end + 1e-12; };
      if (load.kind == PlanLoad::Kind::HandHeld) {
        const SiteRef r = site("shoulder_centre_r"), l = site("shoulder_centre_l");
        const double arm = kArmToGripPerStature * stature();
        // Grip midway between the hands, hanging straight down from the shoulder centres; the
        // load's acceleration from a spline through its path.
        std::vector<Vec3> grip(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
          calc_forward_kinematics(m_, data_, out_.motion.q.row(i).transpose());
          grip[static_cast<std::size_t>(i)] = 0.5 * (site_position(r) + site_position(l)) - arm * Vec3::UnitY();
        }
        KnownLoad k{load.name, r.body, grip, std::vector<Vec3>(static_cast<std::size_t>(n), Vec3::Zero()), {}};
        for (int axis = 0; axis < 3; ++axis) {
          std::vector<double> x(static_cast<std::size_t>(n)), y(x.size());
          for (int i = 0; i < n; ++i) {
            x[static_cast<std::size_t>(i)] = time(i);
            y[static_cast<std::size_t>(i)] = grip[static_cast<std::size_t>(i)][axis];
          }
          const NaturalSpline s(x, y, 5);
          for (int i = 0; i < n; ++i)
            if (active(i)) k.force[static_cast<std::size_t>(i)][axis] = load.mass * (g[axis] - s.eval(time(i)).ddf);
        }
        out_.loads.push_back(std::move(k));
        continue;
      }
      // Band: tension k·(length − rest) when stretched, pulling each end towards the other.
      const SiteRef a = site(load.site);
      const bool two_sites = !load.site_b.empty();
      const SiteRef b = two_sites ? site(load.site_b) : SiteRef{};
      KnownLoad on_a{load.name + (two_sites ? "_" + load.site : ""), a.body, {}, {}, {}};
      KnownLoad on_b{load.name + "_" + load.site_b, b.body, {}, {}, {}};
      double rest = load.rest_length;
      Vec3 anchor = load.anchor;
      if (rest < 0) {
        calc_forward_kinematics(m_, data_, out_.motion.q.row(0).transpose());
        if (two_sites) {
          rest = (site_position(b) - site_position(a)).norm();
        } else {
          rest = -rest;
          const double medial = m_.markers[static_cast<std::size_t>(a.marker)].name.back() == 'l' ? 1.0 : -1.0;
          anchor = site_position(a) + medial * 1.5 * rest * Vec3::UnitZ();
        }
      }
      for (int i = 0; i < n; ++i) {
        calc_forward_kinematics(m_, data_, out_.motion.q.row(i).transpose());
        const Vec3 pa = site_position(a), pb = two_sites ? site_position(b) : anchor;
        const Vec3 d = pb - pa;
        const double length = d.norm();
        const double tension = active(i) && length > rest ? load.stiffness * (length - rest) : 0.0;
        const Vec3 f = length > 0 ? Vec3(tension * d / length) : Vec3::Zero();
        on_a.point.push_back(pa);
        on_a.force.push_back(f);
        on_b.point.push_back(pb);
        on_b.force.push_back(-f);
      }
      out_.loads.push_back(std::move(on_a));
      if (two_sites) out_.loads.push_back(std::move(on_b));
    }
  }

  struct ResolvedTrack {
    int coordinate;
    double sign;
    const Track* track;
  };
  const Model& m_;
  const ActivityPlan& plan_;
  std::string name_;
  Data data_;
  ActivityMotion out_;
  std::vector<ResolvedTrack> tracks_;
  int forward_coordinate_ = -1;
  double speed_ = 0;
};

}  // namespace

double anatomical_sign(const Model& model, int coordinate) {
  const Coordinate& c = model.coordinates[static_cast<std::size_t>(coordinate)];
  if (c.name.rfind("knee_angle", 0) == 0 && c.range_max < 0.5 && c.range_min < -1.0) return -1.0;
  return 1.0;
}

double contact_availability(double height, double speed, double reach) {
  constexpr double kDepthLimit = -0.10, kSpeedLimit = 0.8;
  if (height >= reach || height < kDepthLimit || speed >= kSpeedLimit) return 0.0;
  const double h = height <= 0.8 * reach ? 1.0 : (reach - height) / (0.2 * reach);
  const double v = speed <= 0.15 * kSpeedLimit ? 1.0 : (kSpeedLimit - speed) / (0.85 * kSpeedLimit);
  return h * v;
}

ActivityMotion build_activity_motion(const Model& model, const ActivityPlan& plan, const std::string& activity) {
  return Builder(model, plan, activity).build();
}

}  // namespace weaklink

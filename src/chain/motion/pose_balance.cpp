// Balance of non-periodic poses: static (the centre of mass over the support's centroid, faded in
// and out) and capture-point (the centre of mass following the linear inverted pendulum's path to
// its capture point), each met by offsetting tracked coordinates.
#include "chain/motion/motion_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/profiles.hpp"
#include "kinematics/center_of_mass.hpp"

namespace weaklink::motion_building {

void MotionBuilder::add_balances(PoseSolve& s) const {
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

void MotionBuilder::add_hand_held_mass(PoseSolve& s) {
  for (const auto& l : plan_.loads)
    if (l.kind == PlanLoad::Kind::HandHeld) s.hand_mass += l.mass;
  s.arm = s.hand_mass > 0 ? kArmToGripPerStature * stature() : 0.0;
  s.shoulder_r = s.hand_mass > 0 ? site("shoulder_centre_r") : SiteRef{};
  s.shoulder_l = s.hand_mass > 0 ? site("shoulder_centre_l") : SiteRef{};
}

// Each balance's share of its full offset at time t: all of it inside its window, faded in and
// out over its ramp (minimum-jerk); capture balances act inside their window only.
void MotionBuilder::set_balance_weights(PoseSolve& s, double t) const {
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

// Capture balances start from the state the motion reaches when their window opens.
void MotionBuilder::start_capture_balances(PoseSolve& s, double t, bool first_frame, const Vec3& previous_com, double previous_time) {
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
void MotionBuilder::balance_pose(PoseSolve& s, double t) {
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
Vec3 MotionBuilder::centre_of_mass(const PoseSolve& s) const {
  double mass = s.hand_mass;
  for (std::size_t b = 1; b < m_.bodies.size(); ++b) mass += m_.bodies[b].mass;
  Vec3 moment = calc_mass_moment_in_world(m_, data_);
  if (s.hand_mass > 0) moment += s.hand_mass * (0.5 * (site_position(s.shoulder_r) + site_position(s.shoulder_l)) - s.arm * Vec3::UnitY());
  return Vec3(moment / mass);
}

// Centre of mass along the balance's axis minus its target: the support centroid, or the
// capture trajectory (needs forward kinematics).
double MotionBuilder::imbalance(const PoseSolve& s, const BalanceState& bal) const {
  const double x = centre_of_mass(s)[bal.spec->axis];
  if (bal.spec->capture) return x - (bal.xi - (bal.xi - bal.x0) * std::exp(-bal.omega * std::abs(s.now - bal.t0)));
  double centroid = 0;
  for (const auto& sref : bal.support) centroid += site_position(sref)[bal.spec->axis];
  return x - centroid / static_cast<double>(bal.support.size());
}

}  // namespace weaklink::motion_building

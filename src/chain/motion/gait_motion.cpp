// Periodic walking: poses from the angle tracks with the pelvis on the lowest support site and
// moving forward, then the pelvis corrected until the zero-moment point follows the feet.
#include "chain/motion/motion_builder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/profiles.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "kinematics/center_of_mass.hpp"
#include "kinematics/forward_kinematics.hpp"

namespace weaklink::motion_building {
namespace {

// 0, 1, ..., n − 1: the frames of a periodic motion as sample positions over its period n.
std::vector<double> frame_indices(int n) {
  std::vector<double> x(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = i;
  return x;
}

}  // namespace

void MotionBuilder::set_tracks(int i, Eigen::VectorXd& q) const {
  for (const auto& t : tracks_) q[t.coordinate] = t.sign * (*t.track)(time(i));
}

// Walking: tracks set the angles; the pelvis keeps the lowest support site on the floor (its
// height smoothed by a truncated Fourier series) and moves forward at the speed that keeps that
// site still on average.
void MotionBuilder::gait_poses() {
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
void MotionBuilder::gait_balance() {
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

}  // namespace weaklink::motion_building

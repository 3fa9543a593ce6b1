// Loads known in advance, sampled at every frame: hand-held masses (weight and inertia at the grip)
// and elastic bands (tension from their stretch).
#include "chain/motion/motion_builder.hpp"

#include "core/natural_spline.hpp"
#include "kinematics/forward_kinematics.hpp"

namespace weaklink::motion_building {

void MotionBuilder::sample_loads() {
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

}  // namespace weaklink::motion_building

// The contact pairs (site on a surface) and the surfaces' prescribed normal loads, as the
// contact-solving static optimization takes them; and when a site may press (contact_availability).
#include "chain/motion/motion_builder.hpp"

namespace weaklink::motion_building {

void MotionBuilder::resolve_contacts() {
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

}  // namespace weaklink::motion_building

namespace weaklink {

double contact_availability(double height, double speed, double reach) {
  constexpr double kDepthLimit = -0.10, kSpeedLimit = 0.8;
  if (height >= reach || height < kDepthLimit || speed >= kSpeedLimit) return 0.0;
  const double h = height <= 0.8 * reach ? 1.0 : (reach - height) / (0.2 * reach);
  const double v = speed <= 0.15 * kSpeedLimit ? 1.0 : (kSpeedLimit - speed) / (0.85 * kSpeedLimit);
  return h * v;
}

}  // namespace weaklink

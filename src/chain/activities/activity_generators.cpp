#include "chain/activities/activity_generators.hpp"

#include <array>

namespace weaklink {

// A function-local table: the activity library may be read during another file's static
// initialisation (the benchmarks register one per activity), and the entries hold vectors, which a
// namespace-scope table would build only at its own dynamic initialisation.
std::span<const ActivityGenerator> activity_generators() {
  static const std::array<ActivityGenerator, 5> generators{{
    {"anchored_poses", GeneratorRole::Motion, {},
     "the default: every pose solved so that the tracks and anchors hold, the balance entries adjusting it "
     "(chain/motion/activity_motion.cpp)"},
    {"periodic_gait", GeneratorRole::Motion, {"support_sites", "feet", "stance_fraction", "harmonics"},
     "one periodic cycle of walking: the pelvis moves forward at the speed that keeps the stance foot still and "
     "keeps the lowest support site on the floor; with `feet`, it sways so that the zero-moment point follows "
     "the feet's centres of pressure"},
    {"fourier_curve", GeneratorRole::ComputedTrack, {"table", "x", "y", "period", "harmonics", "phase"},
     "a periodic curve from a data table (data/), smoothed by its Fourier series truncated at `harmonics`, "
     "shifted by `phase` (fraction of the cycle)"},
    {"static_balance", GeneratorRole::Balance, {"axis", "coordinates", "support_sites", "window", "ramp"},
     "quasi-static: one offset on the listed coordinates puts the centre of mass over the support sites' centroid"},
    {"capture_point", GeneratorRole::Balance, {"axis", "coordinates", "support_sites", "window"},
     "dynamic: from the window's first frame the centre of mass converges on its capture point, kept within "
     "the support (Hof et al. 2005; Kajita et al. 2003)"},
}};
  return generators;
}

const ActivityGenerator* find_activity_generator(std::string_view name, GeneratorRole role) {
  for (const auto& g : activity_generators())
    if (g.name == name && g.role == role) return &g;
  return nullptr;
}

std::string activity_generator_names(GeneratorRole role) {
  std::string out;
  for (const auto& g : activity_generators())
    if (g.role == role) out += (out.empty() ? "" : ", ") + std::string(g.name);
  return out;
}

}  // namespace weaklink

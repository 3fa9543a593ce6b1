#pragma once
// Contact sites: the named body points activities put on floors, seats, benches and plates, and
// where the hands hang. The generic model carries them as markers "contact_<site>". An OpenSim
// model (gait2392, Rajagopal, ...) gets them mapped from the generic model: each site keeps its
// offset from a joint centre of its body (ankle for the foot, knee or hip for the thigh, hips for
// the pelvis, lumbar joint for the torso) in the upright default pose, scaled by the ratio of leg
// lengths (hip to ankle centre). The mapping needs the models' shared conventions: x forward,
// y up, z right at zero angles, and gait2392/Rajagopal coordinate names.
#include <string>
#include <vector>

#include "model/model.hpp"
#include "model/model_spec.hpp"

namespace weaklink {

constexpr const char* kContactMarkerPrefix = "contact_";

// Every site name (without the prefix), right and left sides included.
const std::vector<std::string>& contact_site_names();

// The model's spec with every missing "contact_<site>" marker added (a no-op for the generic
// model). Throws InputError naming the model when a body or coordinate the mapping needs is missing.
ModelSpec with_contact_sites(ModelSpec spec);

// Index of marker "contact_<site>" in a compiled model, -1 when absent.
int find_contact_site(const Model& model, const std::string& site);

}  // namespace weaklink

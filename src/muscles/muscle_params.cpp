#include "muscles/muscle_params.hpp"

#include <initializer_list>

namespace weaklink {

std::string_view muscle_class_name(MuscleType type) {
  switch (type) {
    case MuscleType::Thelen2003: return "Thelen2003Muscle";
    case MuscleType::Millard2012Equilibrium: return "Millard2012EquilibriumMuscle";
    case MuscleType::DeGrooteFregly2016: return "DeGrooteFregly2016Muscle";
  }
  return "";
}

std::optional<MuscleType> muscle_type_from_class_name(std::string_view tag) {
  for (MuscleType t : {MuscleType::Thelen2003, MuscleType::Millard2012Equilibrium, MuscleType::DeGrooteFregly2016})
    if (muscle_class_name(t) == tag) return t;
  return std::nullopt;
}

MuscleParams default_muscle_params(MuscleType type) {
  MuscleParams p;
  p.type = type;
  // Thelen and Millard share the struct's defaults (docs/opensim-semantics.md#muscles).
  if (type == MuscleType::DeGrooteFregly2016) {  // docs/opensim-semantics.md#muscles: Muscle's min_control 0, no activation floor
    p.min_control = 0.0;
    p.minimum_activation = 0.0;
    p.default_activation = 0.5;
  }
  finalize_muscle_params(p);
  return p;
}

void finalize_muscle_params(MuscleParams& p) {
  if (p.type == MuscleType::Millard2012Equilibrium) build_millard_curves(p.millard, p.ignore_tendon_compliance);
}

}  // namespace weaklink

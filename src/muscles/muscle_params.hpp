#pragma once
// Muscle parameters of the three supported OpenSim muscle classes (docs/opensim-semantics.md#muscles
// for properties and defaults); io/muscle_params_reader.hpp reads them from a model file.
#include <cmath>
#include <optional>
#include <string_view>

#include "muscles/degroote2016.hpp"
#include "muscles/millard2012.hpp"
#include "muscles/thelen2003.hpp"

namespace weaklink {

enum class MuscleType { Thelen2003, Millard2012Equilibrium, DeGrooteFregly2016 };

// XML tag / OpenSim class name of a type, and back (nullopt for any other tag).
std::string_view muscle_class_name(MuscleType type);
std::optional<MuscleType> muscle_type_from_class_name(std::string_view tag);

// Plain data, copyable; evaluation never allocates. Only the block of `type` is meaningful.
// Defaults are the OpenSim 4.5 class defaults of Thelen2003Muscle; use default_muscle_params()
// for another class.
struct MuscleParams {
  MuscleType type = MuscleType::Thelen2003;
  // Common muscle properties (docs/opensim-semantics.md#muscles).
  double max_isometric_force = 1000.0;    // F0 [N]
  double optimal_fiber_length = 0.1;      // l0 [m]
  double tendon_slack_length = 0.2;       // lts [m]
  double pennation_angle_at_optimal = 0;  // phi0 [rad]
  double max_contraction_velocity = 10;   // vmax [l0/s]
  bool applies_force = true;
  bool ignore_tendon_compliance = false;
  double min_control = 0.01, max_control = 1.0;  // SO bounds; Muscle default min is 0, Thelen/Millard 0.01
  // Thelen/Millard (DeGroote: maximum angle unused, minimum activation 0).
  double maximum_pennation_angle = std::acos(0.1);
  double minimum_activation = 0.01;
  // Initial activation of the state (ActivationFiberLengthMuscle and Millard 0.05, DeGroote 0.5).
  double default_activation = 0.05;
  // Initial fibre length state (Thelen/Millard). Its class default is evaluated when the object is
  // constructed, before the file's optimal_fiber_length is read, so it is Muscle's default l0 = 0.1 m;
  // OpenSim 4.5's MuscleAnalysis reports it on frames where the equilibrium solve failed.
  double default_fiber_length = 0.1;

  ThelenParams thelen;
  MillardParams millard;  // its curves are built by finalize_muscle_params()
  DeGrooteParams degroote;
};

// Class defaults of `type`, finalized.
MuscleParams default_muscle_params(MuscleType type);

// Recomputes derived data (Millard curves) after fields were changed in code; a Millard
// MuscleParams must be finalized before evaluation.
void finalize_muscle_params(MuscleParams& p);

}  // namespace weaklink

#pragma once
// Plausible ranges for the physical parameters of a model read from a file. Values outside them
// are input errors, not models: a 1e308 kg body makes every inverse-dynamics result infinite.
// The limits are chosen to be generous for any human or animal model OpenSim users build (the
// largest values in OpenSim's own example models are 34 kg, 1.7 kg·m², 6200 N and 0.7 m; see
// docs/reliability.md), so that they catch only nonsense, never an unusual but real model.
namespace weaklink::plausible {

inline constexpr double kMaxBodyMass = 1000.0;           // kg: one rigid body (a horse is ~500 kg in all)
inline constexpr double kMaxInertia = 1000.0;            // kg·m²: 1000 kg at 1 m radius of gyration
inline constexpr double kMaxLength = 10.0;               // m: any offset, location or centre of mass in a body
inline constexpr double kMaxMuscleForce = 1.0e5;         // N: ~15 times the strongest muscle in OpenSim's models
inline constexpr double kMaxMuscleLength = 5.0;          // m: optimal fibre or tendon slack length
inline constexpr double kMaxContractionVelocity = 100.0; // optimal fibre lengths per second (10 is usual)

}  // namespace weaklink::plausible

#pragma once
// Force elements of a model that weaklink does not model (UnsupportedElement::unmodelled_force):
// every tool whose results they would change says so, on stderr (warnings) and in the header of
// each result file (`unmodelledForces=<name>:<class>,...`, a key OpenSim's readers ignore).
#include <string>
#include <vector>

#include "io/storage.hpp"
#include "model/model.hpp"
#include "model/model_spec.hpp"

namespace weaklink {

// One warning per unmodelled force element, naming it, its class and what the tool leaves out;
// `tool` names the results ("inverse dynamics", "static optimization and joint reactions", ...).
std::vector<std::string> unmodelled_force_warnings(const Model& model, const std::string& tool);

// "name:Class,name:Class" (names made header-safe), empty when every force is modelled.
std::string unmodelled_forces_header(const Model& model);

// Adds the unmodelledForces header line to a result table when the model has unmodelled forces.
void note_unmodelled_forces(const Model& model, io::Table& table);

// Removes the unmodelled force entries (replace_force_set, or every force excluded).
void drop_unmodelled_forces(std::vector<UnsupportedElement>& unsupported);

// A setup's replace_force_set: the model's own ForceSet goes (muscles, actuators, passive
// elements, unmodelled forces) before the setup's force set files are appended.
void drop_model_force_set(ModelSpec& spec);

}  // namespace weaklink

#pragma once
// weaklink's own full-body model, built from the project's data tables (data/generic_model/) for
// one person: segments scaled from height, mass and sex (de Leva 1996), muscle geometry scaled
// per segment from the source datasets, muscle strength scaled with body size. No file is read:
// the tables are compiled in. Personalised strength is applied afterwards (chain/strength).
#include <string>
#include <vector>

#include "generic_model/generic_tables.hpp"
#include "generic_model/person.hpp"
#include "model/model_spec.hpp"

namespace weaklink {

// Throws InputError when `person` is out of the data's range (validate_person).
ModelSpec build_generic_model(const Person& person);
ModelSpec build_generic_model(const Person& person, const GenericTables& tables);

// Muscles of a group named as trainers name them ("hip external rotators", ...) on one side
// ("r" or "l"); the model's muscle names. Throws InputError for an unknown group, listing them.
std::vector<std::string> group_muscles(const GenericTables& tables, const std::string& group, const std::string& side);
std::vector<std::string> group_names(const GenericTables& tables);

}  // namespace weaklink

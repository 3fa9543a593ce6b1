#pragma once
// Reads a muscle's parameters from its model-file element: properties, the document's <defaults>
// and the old names and control bounds of earlier file versions (docs/opensim-semantics.md#muscles).
#include <pugixml.hpp>
#include <string>

#include "muscles/muscle_params.hpp"

namespace weaklink {

// Reads the muscle's own properties from its XML element (tag = class name). `defaults` is the
// document's <defaults> object of the same class, or an empty node: a property missing in
// `muscle` is taken from `defaults`, else the class default. Handles old names (pennation_angle,
// isDisabled) and, for document_version < 30513, discards min_control 0 / max_control 1.
// Invalid values throw InputError naming `file`, the muscle and what was expected.
MuscleParams read_muscle_params(const pugi::xml_node& muscle, const pugi::xml_node& defaults, int document_version,
                                const std::string& file);

}  // namespace weaklink

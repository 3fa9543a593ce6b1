#pragma once
// Reads an OpenSim model document (.osim; Version 40000 and the older 1.x–3.x forms) into a
// name-based ModelSpec. Unknown elements are recorded in ModelSpec::unsupported, never dropped
// silently; malformed content throws InputError naming the file, line and element.
#include <filesystem>
#include <string>

#include "model/model_spec.hpp"

namespace weaklink::io {

ModelSpec read_osim(const std::filesystem::path& path);
// Appends the forces of a ForceSet file (an AnalyzeTool's force_set_files: reserve and residual
// actuators) to spec, after the model's own, as OpenSim does.
void append_force_set_file(const std::filesystem::path& path, ModelSpec& spec);
// Same, from text in memory (`name` appears in messages).
ModelSpec read_osim_text(std::string text, const std::string& name);

}  // namespace weaklink::io

#pragma once
// Writes a ModelSpec as an OpenSim 4 model document (<OpenSimDocument Version="40000">), the
// inverse of io::read_osim: reading the written text back gives the same ModelSpec in everything
// weaklink models (numbers in shortest round-trip form, so bit-identical). What the reader kept
// only as ModelSpec::unsupported (and properties weaklink does not read: geometry, activation
// time constants, prescribed functions, ...) is not written.
#include <filesystem>
#include <string>

#include "model/model_spec.hpp"

namespace weaklink::io {

// The document as text. Throws InputError when the spec cannot be expressed as a Version 40000
// document that OpenSim 4.x (and read_osim) accepts: a Thelen2003Muscle with minimum_activation
// below 0.01, or a Thelen/Millard muscle whose min_control is below its minimum_activation (both
// allowed only in pre-4.0 documents such as OpenSim's arm26 test model).
std::string osim_text(const ModelSpec& spec);

// Writes osim_text(spec) to `path` atomically (io::write_file_atomically).
void write_osim(const ModelSpec& spec, const std::filesystem::path& path);

}  // namespace weaklink::io

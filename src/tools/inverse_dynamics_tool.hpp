#pragma once
// OpenSim's InverseDynamicsTool (docs/opensim-semantics.md#inverse-dynamics): coordinates (optionally low-pass
// filtered) → quintic splines → generalized forces under gravity and external loads, written with OpenSim's
// file name, column labels and multibody-tree column order.
#include <filesystem>

#include "tools/analyze_tool.hpp"

namespace weaklink {

RunToolReport run_inverse_dynamics_tool(const std::filesystem::path& setup, const RunToolOptions& options);

}  // namespace weaklink

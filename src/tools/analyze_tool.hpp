#pragma once
// OpenSim's AnalyzeTool (docs/opensim-semantics.md#analyze-tool) for the analyses weaklink implements so far:
// BodyKinematics, MuscleAnalysis, InverseDynamics, StaticOptimization, JointReaction. Output files have OpenSim's names and columns.
#include <filesystem>
#include <string>
#include <vector>

#include "core/result_validity.hpp"

namespace weaklink {

struct RunToolOptions {
  std::filesystem::path model_override;    // --model: use this model instead of model_file
  std::filesystem::path results_override;  // --results-dir
  int threads = 0;                          // worker threads for frame loops (0: all cores)
};

struct RunToolReport {
  std::vector<std::filesystem::path> written;
  std::vector<std::string> warnings;
  int frames = 0;
  ResultValidity validity;  // invalid: every file says valid=false and why; the caller throws InvalidResultError
};

// Runs the AnalyzeTool setup file. Throws InputError for bad setups or inputs.
RunToolReport run_analyze_tool(const std::filesystem::path& setup, const RunToolOptions& options);

// Dispatches on the setup's tool element (AnalyzeTool, ...); throws InputError for others.
RunToolReport run_tool(const std::filesystem::path& setup, const RunToolOptions& options);

}  // namespace weaklink

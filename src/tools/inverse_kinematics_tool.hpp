#pragma once
// OpenSim's InverseKinematicsTool (docs/opensim-semantics.md#inverse-kinematics): marker and coordinate tasks →
// references → the per-frame solve of kinematics/inverse_kinematics.hpp → OpenSim's outputs: the motion file ("Coordinates", inDegrees=yes, every coordinate in CoordinateSet order,
// rotational ones in degrees), `<tool>_ik_marker_errors.sto` and, when asked,
// `<tool>_ik_model_marker_locations.sto`. The worst marker of each frame is not an OpenSim column:
// it goes to a separate `<tool>_ik_worst_markers.csv` so the .sto keeps OpenSim's layout.
//
// Two entry points: run_inverse_kinematics() works on a Model and a MarkerTable already in memory
// (no setup file); run_inverse_kinematics_tool() runs a setup file as `opensim-cmd run-tool`.
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "io/storage.hpp"
#include "io/trc.hpp"
#include "kinematics/inverse_kinematics.hpp"
#include "model/model.hpp"
#include "tools/analyze_tool.hpp"

namespace weaklink {

struct IKMarkerTask {
  std::string name;
  bool apply = true;
  double weight = 1.0;
};

enum class IKValueType { DefaultValue, ManualValue, FromFile };

struct IKCoordinateTask {
  std::string name;
  bool apply = true;
  double weight = 1.0;
  IKValueType value_type = IKValueType::DefaultValue;
  double value = 0.0;  // manual_value: used as given (radians for rotational coordinates)
};

struct IKTaskSet {
  std::vector<IKMarkerTask> markers;
  std::vector<IKCoordinateTask> coordinates;
};

struct InverseKinematicsSettings {
  IKTaskSet tasks;  // no applied marker task: every marker of the file with weight 1
  double time_start = -std::numeric_limits<double>::infinity();
  double time_end = std::numeric_limits<double>::infinity();
  // For from_file coordinate tasks: the coordinates file (rotational columns taken as degrees).
  const io::Table* coordinate_file = nullptr;
  std::string coordinate_file_name;  // for messages
  bool report_marker_locations = false;
  // Frames are solved in fixed chunks of `chunk_frames` (each chunk starting from the default
  // pose, warm starts inside it), so results never depend on the number of threads.
  int threads = 1;
  int chunk_frames = 256;
  bool extrapolate_warm_start = true;
  IKSolverOptions solver;
};

struct InverseKinematicsResult {
  io::Table coordinates;       // OpenSim's motion file layout (degrees for rotational coordinates)
  io::Table marker_errors;     // total_squared_error, marker_error_RMS, marker_error_max (m², m, m)
  io::Table marker_locations;  // <marker>_tx/_ty/_tz in Ground (m); empty unless asked
  std::vector<std::string> markers;       // marker goals in use, file order
  std::vector<std::string> worst_marker;  // per frame: the marker with the largest error ("" if none)
  std::vector<IKFrameStatus> status;      // per frame
  std::vector<std::string> warnings;
};

// Solves every selected frame. `markers` in its file units (converted with to_meters). Throws
// InputError naming `markers_file` (or the coordinate file) for unusable inputs, e.g. no marker of
// the file in the model, or a from_file task without a column.
InverseKinematicsResult run_inverse_kinematics(const Model& model, const io::MarkerTable& markers,
                                               const InverseKinematicsSettings& settings,
                                               const std::string& markers_file = "marker table");

// A parsed InverseKinematicsTool setup with every file name resolved against the setup's folder.
struct InverseKinematicsSetup {
  std::string tool_name = "ik";
  std::filesystem::path model_file, marker_file, coordinate_file;  // coordinate_file may be empty
  std::filesystem::path output_motion_file;                         // empty: <results>/<tool>_ik.mot
  std::filesystem::path results_directory = ".";
  IKTaskSet tasks;
  double time_start = -std::numeric_limits<double>::infinity();
  double time_end = std::numeric_limits<double>::infinity();
  double accuracy = 1e-5;  // OpenSim's tolerance; weaklink always converges far tighter
  bool report_errors = true, report_marker_locations = false;
  int threads = 1;
  // Where the setup names each file ("setup.xml: line 12 <marker_file>"), prefixed to the errors
  // of reading it; empty when the path came from the command line.
  std::string model_source, marker_source, coordinate_source;
};

// Reads the setup (docs/opensim-semantics.md#inverse-kinematics), including an IKTaskSet given by file="...". Throws
// InputError naming the file and element.
InverseKinematicsSetup read_inverse_kinematics_setup(const std::filesystem::path& setup);

// Reads a marker file: .trc, or .sto/.mot with <marker>_x/_y/_z, _tx/_ty/_tz or _1/_2/_3 columns.
io::MarkerTable read_marker_file(const std::filesystem::path& path);

// --results-dir over a setup (`run-tool`, `ik --setup`): every output lands inside `results_dir`;
// the setup's output_motion_file keeps its file name only (InputError naming `setup_name` when that
// name is not a plain file name).
void put_outputs_in(InverseKinematicsSetup& setup, const std::filesystem::path& results_dir, const std::string& setup_name);

// Reads the model and data the setup names, solves, writes the outputs (docs/opensim-semantics.md#inverse-kinematics).
RunToolReport run_inverse_kinematics_setup(const InverseKinematicsSetup& setup);

// `run-tool` entry: read_inverse_kinematics_setup + options (--model; --results-dir: the motion
// file then goes to the results directory too; threads, 0 = all cores) + run_inverse_kinematics_setup.
RunToolReport run_inverse_kinematics_tool(const std::filesystem::path& setup, const RunToolOptions& options);

}  // namespace weaklink

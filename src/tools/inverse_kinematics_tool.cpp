#include "tools/inverse_kinematics_tool.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "core/ascii_lower.hpp"
#include "core/error.hpp"
#include "core/for_each_chunk.hpp"
#include "core/natural_spline.hpp"
#include "io/output_set.hpp"
#include "io/osim_reader.hpp"
#include "io/xml_document.hpp"
#include "tools/held_outputs.hpp"
#include "tools/setup_paths.hpp"

namespace weaklink {

namespace fs = std::filesystem;

namespace {

constexpr double kRadToDeg = 180.0 / std::numbers::pi;

// "a, b, c" with at most `limit` names and a count of the rest.
std::string name_list(const std::vector<std::string>& names, std::size_t limit = 8) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > limit) out += fmt::format(" and {} more", names.size() - limit);
  return out;
}

// Row with the time nearest to t (first of equals), docs/opensim-semantics.md#inverse-kinematics.
int nearest_row(const std::vector<double>& time, double t) {
  int best = 0;
  for (int i = 1; i < static_cast<int>(time.size()); ++i)
    if (std::abs(time[i] - t) < std::abs(time[best] - t)) best = i;
  return best;
}

struct CoordinateTarget {
  int coordinate = -1;
  double weight = 0;
  double constant = 0;
  int spline = -1;  // index into splines, or -1 for a constant target
};

// The marker goals: the file's markers that are in the model and tracked with a positive weight.
struct MarkerGoals {
  std::vector<IKMarkerGoal> goals;
  std::vector<int> column;  // file marker index per goal
};

// Marker references (docs/opensim-semantics.md#inverse-kinematics): the applied marker tasks, or without any every marker of the file
// with weight 1. Names the goals in result.markers; warns about markers on one side only.
MarkerGoals marker_goals(const Model& model, const io::MarkerTable& table, const InverseKinematicsSettings& settings,
                         const std::string& markers_file, InverseKinematicsResult& result) {
  const std::size_t nfile = table.names.size();
  std::unordered_map<std::string, double> task_weight;
  for (const auto& t : settings.tasks.markers)
    if (t.apply) task_weight[t.name] = t.weight;
  const bool use_tasks = !task_weight.empty();
  std::unordered_map<std::string, int> in_file;
  for (std::size_t k = 0; k < nfile; ++k) in_file.emplace(table.names[k], static_cast<int>(k));

  MarkerGoals out;
  std::vector<std::string> not_in_model;
  for (std::size_t k = 0; k < nfile; ++k) {
    double w = 1.0;
    if (use_tasks) {
      const auto it = task_weight.find(table.names[k]);
      if (it == task_weight.end()) continue;
      w = it->second;
    }
    if (!(w > 0)) continue;  // weight 0 (or negative): not tracked
    const int m = model.find_marker(table.names[k]);
    if (m < 0) {
      if (use_tasks) not_in_model.push_back(table.names[k]);
      continue;
    }
    out.goals.push_back({m, w});
    out.column.push_back(static_cast<int>(k));
    result.markers.push_back(table.names[k]);
  }
  if (!not_in_model.empty())
    result.warnings.push_back(fmt::format("marker tasks for {} marker(s) of {} not in the model, not tracked: {}",
                                          not_in_model.size(), markers_file, name_list(not_in_model)));
  std::vector<std::string> missing;
  if (use_tasks) {
    for (const auto& t : settings.tasks.markers)
      if (t.apply && t.weight > 0 && !in_file.count(t.name)) missing.push_back(t.name);
    if (!missing.empty())
      result.warnings.push_back(fmt::format("{} applied marker task(s) have no marker in {}, not tracked: {}",
                                            missing.size(), markers_file, name_list(missing)));
  } else {
    for (const auto& mk : model.markers)
      if (!in_file.count(mk.name)) missing.push_back(mk.name);
    if (!missing.empty())
      result.warnings.push_back(fmt::format("{} model marker(s) are not in {}, not tracked: {}", missing.size(),
                                            markers_file, name_list(missing)));
  }
  return out;
}

struct CoordinateGoals {
  std::vector<IKCoordinateGoal> goals;
  std::vector<CoordinateTarget> targets;  // per goal
  std::vector<NaturalSpline> splines;     // of the from_file targets
};

// The from_file target of coordinate task `t`: a quintic spline through the coordinate file's column.
NaturalSpline coordinate_file_spline(const InverseKinematicsSettings& settings, const IKCoordinateTask& t, const Coordinate& co) {
  const std::string file = settings.coordinate_file_name.empty() ? "coordinate_file" : settings.coordinate_file_name;
  if (!settings.coordinate_file)
    throw_input_error(file, "", fmt::format("coordinate task '{}' takes its value from_file but no coordinate_file is given", t.name));
  const io::Table& ct = *settings.coordinate_file;
  const int col = ct.find_column(t.name);
  if (col < 0) throw_input_error(file, "", fmt::format("expected a column '{}' for the coordinate task of that name", t.name));
  std::vector<double> y(ct.time.size());
  // Rotational columns are taken as degrees whatever the header says (docs/opensim-semantics.md#inverse-kinematics).
  const double factor = co.motion_type == MotionType::Rotational ? std::numbers::pi / 180.0 : 1.0;
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = factor * ct.data(static_cast<Eigen::Index>(i), col);
  try {
    return NaturalSpline(ct.time, y, 5);
  } catch (const std::invalid_argument& e) {
    throw_input_error(file, fmt::format("column '{}'", t.name),
                      fmt::format("cannot fit the quintic spline: {} (expected at least 6 rows, increasing times)", e.what()));
  }
}

// Coordinate references (docs/opensim-semantics.md#inverse-kinematics): applied tasks with a positive weight on a coordinate of the model.
CoordinateGoals coordinate_goals(const Model& model, const InverseKinematicsSettings& settings, std::vector<std::string>& warnings) {
  CoordinateGoals out;
  for (const auto& t : settings.tasks.coordinates) {
    if (!t.apply || !(t.weight > 0)) continue;
    const int c = model.find_coordinate(t.name);
    if (c < 0) {
      warnings.push_back(fmt::format("coordinate task '{}': no such coordinate in the model; ignored", t.name));
      continue;
    }
    const Coordinate& co = model.coordinates[c];
    if (co.locked) warnings.push_back(fmt::format("coordinate task '{}': the coordinate is locked; the task has no effect", t.name));
    CoordinateTarget target{c, t.weight, 0.0, -1};
    switch (t.value_type) {
      case IKValueType::DefaultValue: target.constant = co.default_value; break;
      case IKValueType::ManualValue: target.constant = t.value; break;
      case IKValueType::FromFile:
        out.splines.push_back(coordinate_file_spline(settings, t, co));
        target.spline = static_cast<int>(out.splines.size()) - 1;
        break;
    }
    out.goals.push_back({c, t.weight});
    out.targets.push_back(target);
  }
  return out;
}

// The frames to solve, rows r0..r1 of the marker table, with what each observes: marker positions
// in metres (row-major, 3 per goal; NaN where a marker is missing) and coordinate targets.
struct FrameObservations {
  int r0 = 0, r1 = -1, nframes = 0;
  std::vector<double> observed, target_values;
};

// Frames (docs/opensim-semantics.md#inverse-kinematics): nearest rows to the clipped time range.
FrameObservations frame_observations(const io::MarkerTable& table, const InverseKinematicsSettings& settings, const MarkerGoals& markers,
                                     const CoordinateGoals& coordinates, const std::string& markers_file) {
  FrameObservations f;
  const std::vector<double>& time = table.time;
  f.r0 = nearest_row(time, std::max(time.front(), settings.time_start));
  f.r1 = nearest_row(time, std::min(time.back(), settings.time_end));
  if (f.r1 < f.r0) throw_input_error(markers_file, "", "the time range selects no frames");
  f.nframes = f.r1 - f.r0 + 1;
  const int ng = static_cast<int>(markers.goals.size()), nc = static_cast<int>(coordinates.goals.size());
  f.observed.resize(static_cast<std::size_t>(f.nframes) * 3 * ng);
  f.target_values.resize(static_cast<std::size_t>(f.nframes) * nc);
  for (int i = 0; i < f.nframes; ++i) {
    for (int g = 0; g < ng; ++g) {
      bool ok = true;
      double v[3];
      for (int a = 0; a < 3; ++a) {
        v[a] = table.xyz(f.r0 + i, 3 * markers.column[g] + a) * table.to_meters;
        ok = ok && std::isfinite(v[a]);
      }
      for (int a = 0; a < 3; ++a)
        f.observed[(static_cast<std::size_t>(i) * ng + g) * 3 + a] = ok ? v[a] : std::numeric_limits<double>::quiet_NaN();
    }
    for (int k = 0; k < nc; ++k) {
      const CoordinateTarget& t = coordinates.targets[k];
      f.target_values[static_cast<std::size_t>(i) * nc + k] = t.spline < 0 ? t.constant : coordinates.splines[t.spline].eval(time[f.r0 + i]).f;
    }
  }
  return f;
}

// Frames without a single tracked marker (and no coordinate task) have nothing to solve: their
// pose would be the warm start, reported as if measured. None at all is an error; some, a warning.
void check_frames_have_markers(const std::vector<double>& time, const FrameObservations& f, int ng, int nc,
                               const std::string& markers_file, std::vector<std::string>& warnings) {
  if (nc != 0 || ng == 0) return;
  std::vector<double> empty_times;
  for (int i = 0; i < f.nframes; ++i) {
    bool any = false;
    for (int g = 0; g < ng && !any; ++g) any = std::isfinite(f.observed[(static_cast<std::size_t>(i) * ng + g) * 3]);
    if (!any) empty_times.push_back(time[f.r0 + i]);
  }
  if (static_cast<int>(empty_times.size()) == f.nframes)
    throw_input_error(markers_file, "", "no frame in the time range has data for any tracked marker (all values missing)");
  if (!empty_times.empty())
    warnings.push_back(fmt::format(
        "{}: {} of {} frames have no data for any tracked marker (first at t = {}, last at t = {}): their coordinates are "
        "the solver's starting guess (earlier frames extrapolated), not measured",
        markers_file, empty_times.size(), f.nframes, empty_times.front(), empty_times.back()));
}

// What the solve produces per frame.
struct SolvedFrames {
  Eigen::MatrixXd q, errors, locations;  // coordinates; squared total, RMS, max marker error; marker positions
  std::vector<int> worst;                 // goal with the largest error, -1 if none
};

// Solve: fixed chunks, each from the default pose, warm starts inside.
SolvedFrames solve_frames(const Model& model, const IKProblem& problem, const FrameObservations& f,
                          const InverseKinematicsSettings& settings, std::vector<IKFrameStatus>& status) {
  const int nq = model.nq(), nframes = f.nframes;
  const int ng = static_cast<int>(problem.markers().size()), nc = static_cast<int>(problem.coordinates().size());
  SolvedFrames out;
  out.q.resize(nframes, nq);
  out.errors.resize(nframes, 3);
  out.locations.resize(settings.report_marker_locations ? nframes : 0, 3 * ng);
  out.worst.assign(nframes, -1);
  status.resize(nframes);
  const ThreadOptions threads{std::max(1, settings.threads), settings.chunk_frames};
  std::vector<std::unique_ptr<IKWorkspace>> spaces(static_cast<std::size_t>(worker_threads(threads.threads)));
  for_each_chunk(nframes, threads, [&](int t, int begin, int end) {
    auto& ws = spaces[static_cast<std::size_t>(t)];
    if (!ws) ws = std::make_unique<IKWorkspace>(problem);
    Eigen::VectorXd q = model.default_q();
    for (int i = begin; i < end; ++i) {
      // Warm start: the previous frame's solution, extrapolated linearly from the two before.
      if (i >= begin + 2 && settings.extrapolate_warm_start) q = 2.0 * out.q.row(i - 1).transpose() - out.q.row(i - 2).transpose();
      const double* obs = f.observed.data() + static_cast<std::size_t>(i) * 3 * ng;
      const double* tv = nc ? f.target_values.data() + static_cast<std::size_t>(i) * nc : nullptr;
      status[i] = solve_ik_frame(*ws, obs, tv, q);
      out.q.row(i) = q.transpose();
      const IKMarkerErrors e = ik_marker_errors(*ws, obs);
      out.errors(i, 0) = e.total_squared;
      out.errors(i, 1) = e.rms;
      out.errors(i, 2) = e.max;
      out.worst[i] = e.worst;
      if (settings.report_marker_locations)
        for (int g = 0; g < ng; ++g) out.locations.block<1, 3>(i, 3 * g) = ws->marker_G[g].transpose();
    }
  });
  return out;
}

// Coordinates no observed marker depends on (no tracked marker on a body at or below their
// joint, no coordinate task): their Jacobian columns are zero, the damped solver keeps their
// starting guess. A topological check: it does not see rank loss among observed coordinates.
void warn_unobserved_coordinates(const Model& model, const IKProblem& problem, const FrameObservations& f,
                                 const std::string& markers_file, std::vector<std::string>& warnings) {
  const std::vector<IKMarkerGoal>& goals = problem.markers();
  const int nb = static_cast<int>(model.bodies.size()), nq = model.nq(), ng = static_cast<int>(goals.size());
  std::vector<std::vector<char>> moves(ng, std::vector<char>(model.joints.size(), 0));  // goal g's marker moves with joint j
  for (int g = 0; g < ng; ++g)
    for (int b = model.markers[goals[g].marker].body; b > 0 && b < nb; b = model.joints[model.bodies[b].joint].parent_body)
      moves[g][model.bodies[b].joint] = 1;
  std::vector<char> tasked(nq, 0);
  for (const auto& cg : problem.coordinates()) tasked[cg.coordinate] = 1;
  std::vector<int> unobserved_frames(nq, 0);
  for (int i = 0; i < f.nframes; ++i) {
    std::vector<char> seen(model.joints.size(), 0);
    bool any = false;
    for (int g = 0; g < ng; ++g)
      if (std::isfinite(f.observed[(static_cast<std::size_t>(i) * ng + g) * 3])) {
        any = true;
        for (std::size_t j = 0; j < seen.size(); ++j) seen[j] |= moves[g][j];
      }
    if (!any) continue;  // a frame without any marker is reported above
    for (int c = 0; c < nq; ++c) {
      const Coordinate& co = model.coordinates[c];
      if (!co.locked && co.coupler < 0 && !tasked[c] && !seen[co.joint]) ++unobserved_frames[c];
    }
  }
  std::string list;
  for (int c = 0; c < nq; ++c)
    if (unobserved_frames[c] > 0) list += fmt::format("{}{} ({} frames)", list.empty() ? "" : ", ", model.coordinates[c].name, unobserved_frames[c]);
  if (!list.empty())
    warnings.push_back(fmt::format("{}: no tracked marker moves with {}: those coordinates keep the solver's starting guess "
                                   "there, not a measurement",
                                   markers_file, list));
}

// Tables (docs/opensim-semantics.md#inverse-kinematics): coordinates (degrees for rotational ones), marker errors, marker locations.
void fill_result_tables(const Model& model, const std::vector<double>& time, const FrameObservations& f, SolvedFrames& solved,
                        const InverseKinematicsSettings& settings, InverseKinematicsResult& result) {
  io::Table& co = result.coordinates;
  co.name = "Coordinates";
  co.in_degrees = true;
  co.metadata = {{"", ""},
                 {"", "Units are S.I. units (second, meters, Newtons, ...)"},
                 {"", "If the header above contains a line with 'inDegrees', this indicates whether rotational values "
                      "are in degrees (yes) or radians (no)."},
                 {"", ""}};
  for (const auto& c : model.coordinates) co.labels.push_back(c.name);
  co.time.assign(time.begin() + f.r0, time.begin() + f.r1 + 1);
  co.data = std::move(solved.q);
  for (int c = 0; c < model.nq(); ++c)
    if (model.coordinates[c].motion_type == MotionType::Rotational) co.data.col(c) *= kRadToDeg;

  io::Table& me = result.marker_errors;
  me.name = "Model Marker Errors from IK";
  me.in_degrees = false;
  me.labels = {"total_squared_error", "marker_error_RMS", "marker_error_max"};
  me.time = co.time;
  me.data = std::move(solved.errors);
  for (int i = 0; i < f.nframes; ++i) result.worst_marker.push_back(solved.worst[i] < 0 ? "" : result.markers[solved.worst[i]]);

  if (settings.report_marker_locations) {
    io::Table& ml = result.marker_locations;
    ml.name = "Model Marker Locations from IK";
    ml.in_degrees = false;
    for (const auto& name : result.markers)
      for (const char* s : {"_tx", "_ty", "_tz"}) ml.labels.push_back(name + s);
    ml.time = co.time;
    ml.data = std::move(solved.locations);
  }
}

}  // namespace

InverseKinematicsResult run_inverse_kinematics(const Model& model, const io::MarkerTable& table,
                                               const InverseKinematicsSettings& settings,
                                               const std::string& markers_file) {
  InverseKinematicsResult result;
  if (table.xyz.rows() != static_cast<Eigen::Index>(table.time.size()) ||
      table.xyz.cols() != static_cast<Eigen::Index>(3 * table.names.size()))
    throw std::invalid_argument("run_inverse_kinematics: marker table xyz is not frames x 3*markers");
  if (table.time.empty()) throw_input_error(markers_file, "", "the marker file has no frames");

  MarkerGoals markers = marker_goals(model, table, settings, markers_file, result);
  CoordinateGoals coordinates = coordinate_goals(model, settings, result.warnings);
  if (markers.goals.empty() && coordinates.goals.empty()) {
    bool use_tasks = false;
    for (const auto& t : settings.tasks.markers) use_tasks = use_tasks || t.apply;
    throw_input_error(markers_file, "",
                      use_tasks ? "no applied marker task names a marker that is both in this file and in the model"
                                : "no marker of this file is in the model (expected marker names of the model's MarkerSet)");
  }
  const FrameObservations frames = frame_observations(table, settings, markers, coordinates, markers_file);
  check_frames_have_markers(table.time, frames, static_cast<int>(markers.goals.size()), static_cast<int>(coordinates.goals.size()),
                            markers_file, result.warnings);

  const IKProblem problem(model, std::move(markers.goals), std::move(coordinates.goals), settings.solver);
  SolvedFrames solved = solve_frames(model, problem, frames, settings, result.status);
  warn_unobserved_coordinates(model, problem, frames, markers_file, result.warnings);
  int not_converged = 0;
  for (const auto& s : result.status) not_converged += !s.converged;
  if (not_converged)
    result.warnings.push_back(fmt::format("{} of {} frames stopped before the solver's tolerance (iteration limit)",
                                          not_converged, frames.nframes));
  fill_result_tables(model, table.time, frames, solved, settings, result);
  return result;
}

// ---- Setup files (docs/opensim-semantics.md#inverse-kinematics) ---------------------------------

namespace {

void read_tasks(const io::XmlDocument& doc, const pugi::xml_node& set, IKTaskSet& tasks) {
  for (auto node : set.child("objects").children()) {
    const std::string tag = node.name();
    if (tag == "IKMarkerTask") {
      IKMarkerTask t;
      t.name = node.attribute("name").value();
      t.apply = doc.boolean(node, "apply", true);
      t.weight = doc.number(node, "weight", 1.0);
      if (t.name.empty()) doc.fail(node, "expected a name attribute (the marker's name)");
      if (!std::isfinite(t.weight) || t.weight < 0) doc.fail(node.child("weight"), "expected a finite, non-negative weight");
      tasks.markers.push_back(t);
    } else if (tag == "IKCoordinateTask") {
      IKCoordinateTask t;
      t.name = node.attribute("name").value();
      t.apply = doc.boolean(node, "apply", true);
      t.weight = doc.number(node, "weight", 1.0);
      t.value = doc.number(node, "value", 0.0);
      if (t.name.empty()) doc.fail(node, "expected a name attribute (the coordinate's name)");
      if (!std::isfinite(t.weight) || t.weight < 0) doc.fail(node.child("weight"), "expected a finite, non-negative weight");
      const std::string vt = ascii_lower(doc.text(node, "value_type"));
      if (node.child("value_type")) {
        if (vt == "default_value") t.value_type = IKValueType::DefaultValue;
        else if (vt == "manual_value") t.value_type = IKValueType::ManualValue;
        else if (vt == "from_file") t.value_type = IKValueType::FromFile;
        else doc.fail(node.child("value_type"), "expected default_value, manual_value or from_file, found '" + quote_input(vt) + "'");
      } else if (node.child("from_file")) {  // pre-4.0 form: <from_file> true|false </from_file> + <value>
        t.value_type = doc.boolean(node, "from_file", false) ? IKValueType::FromFile : IKValueType::ManualValue;
      }
      tasks.coordinates.push_back(t);
    } else if (node.type() == pugi::node_element) {
      doc.fail(node, "expected IKMarkerTask or IKCoordinateTask");
    }
  }
}

bool is_unassigned(const std::string& s) { return s.empty() || s == "Unassigned"; }

}  // namespace

InverseKinematicsSetup read_inverse_kinematics_setup(const fs::path& setup_path) {
  io::XmlDocument doc(setup_path);
  const auto tool = require_setup_tool(doc, setup_path, "InverseKinematicsTool");
  const fs::path dir = setup_path.parent_path();
  InverseKinematicsSetup s;
  if (const std::string name = tool.attribute("name").value(); !name.empty())
    s.tool_name = io::output_file_name(name, setup_path.string(), fmt::format("line {} <InverseKinematicsTool name>", doc.line_of(tool)));

  const std::string model = doc.text(tool, "model_file");
  if (!is_unassigned(model)) s.model_file = resolve_setup_path(dir, model);
  const std::string markers = doc.text(tool, "marker_file");
  if (!is_unassigned(markers)) s.marker_file = resolve_setup_path(dir, markers);
  const std::string coords = doc.text(tool, "coordinate_file");
  if (!is_unassigned(coords)) s.coordinate_file = resolve_setup_path(dir, coords);
  s.model_source = setup_source(doc, tool.child("model_file"));
  s.marker_source = setup_source(doc, tool.child("marker_file"));
  s.coordinate_source = setup_source(doc, tool.child("coordinate_file"));
  const std::string out = doc.text(tool, "output_motion_file");
  if (!is_unassigned(out)) s.output_motion_file = resolve_setup_path(dir, out);
  const std::string results = doc.text(tool, "results_directory");
  s.results_directory = resolve_setup_path(dir, is_unassigned(results) ? "." : results);

  const std::vector<double> range = doc.numbers(tool, "time_range");
  if (!range.empty() && range.size() != 2) doc.fail(tool.child("time_range"), "expected two numbers (start and end time)");
  if (range.size() == 2) {
    s.time_start = range[0];
    s.time_end = range[1];
  }
  s.accuracy = doc.number(tool, "accuracy", 1e-5);
  s.report_errors = doc.boolean(tool, "report_errors", true);
  s.report_marker_locations = doc.boolean(tool, "report_marker_locations", false);

  const auto set = tool.child("IKTaskSet");
  if (set) {
    const std::string file = set.attribute("file").value();
    if (!is_unassigned(file)) {
      const fs::path task_path = resolve_setup_path(dir, file);
      if (!fs::exists(task_path)) doc.fail(set, "task file '" + quote_input(task_path.string(), 200) + "' does not exist");
      const io::XmlDocument tasks_doc(task_path);
      auto root = tasks_doc.doc().child("IKTaskSet");
      if (!root) root = tasks_doc.doc().child("OpenSimDocument").child("IKTaskSet");
      if (!root) throw_input_error(task_path.string(), "", "expected an <IKTaskSet> root element");
      read_tasks(tasks_doc, root, s.tasks);
    } else {
      read_tasks(doc, set, s.tasks);
    }
  }
  return s;
}

io::MarkerTable read_marker_file(const fs::path& path) {
  if (io::content_extension(path) == ".trc") return io::read_trc(path);  // also walk.trc.gz
  const io::Table t = io::read_storage(path);
  io::MarkerTable m;
  m.warnings = t.warnings;
  m.time = t.time;
  for (const auto& [key, value] : t.metadata)
    if (ascii_lower(key) == "units") m.units = value;
  const std::string u = ascii_lower(m.units);
  m.to_meters = u == "mm" || u == "millimeters" ? 0.001 : u == "cm" || u == "centimeters" ? 0.01 : 1.0;
  std::vector<std::array<int, 3>> cols;
  const char* const suffixes[3][3] = {{"_x", "_y", "_z"}, {"_tx", "_ty", "_tz"}, {"_1", "_2", "_3"}};
  for (std::size_t j = 0; j + 2 < t.labels.size(); ++j) {
    for (const auto& sfx : suffixes) {
      const std::string& l = t.labels[j];
      const std::size_t n = std::strlen(sfx[0]);
      if (l.size() <= n || l.compare(l.size() - n, n, sfx[0]) != 0) continue;
      const std::string base = l.substr(0, l.size() - n);
      if (t.labels[j + 1] == base + sfx[1] && t.labels[j + 2] == base + sfx[2]) {
        m.names.push_back(base);
        cols.push_back({static_cast<int>(j), static_cast<int>(j + 1), static_cast<int>(j + 2)});
        j += 2;
        break;
      }
    }
  }
  if (m.names.empty())
    throw_input_error(path.string(), "column labels",
                      "expected marker columns named <marker>_x/_y/_z, <marker>_tx/_ty/_tz or <marker>_1/_2/_3");
  m.xyz.resize(static_cast<Eigen::Index>(m.time.size()), static_cast<Eigen::Index>(3 * m.names.size()));
  for (std::size_t k = 0; k < cols.size(); ++k)
    for (int a = 0; a < 3; ++a) m.xyz.col(static_cast<Eigen::Index>(3 * k + a)) = t.data.col(cols[k][a]);
  return m;
}

namespace {

// Existence without throwing: a path that cannot be examined (too long, no permission) counts as absent.
bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// Whether two folder paths name the same folder (links resolved where they exist); a path that
// cannot be resolved counts as a different folder, and its OutputSet then says why it is unusable.
bool same_folder(const fs::path& a, const fs::path& b) {
  std::error_code ea, eb;
  const fs::path ca = fs::weakly_canonical(fs::absolute(a, ea), ea);
  const fs::path cb = fs::weakly_canonical(fs::absolute(b, eb), eb);
  return !ea && !eb && ca == cb;
}

}  // namespace

void put_outputs_in(InverseKinematicsSetup& s, const fs::path& results_dir, const std::string& setup_name) {
  s.results_directory = results_dir;
  if (!s.output_motion_file.empty())
    s.output_motion_file =
        results_dir / io::output_file_name(s.output_motion_file.filename().string(), quote_input(setup_name, 200), "<output_motion_file>");
}

RunToolReport run_inverse_kinematics_setup(const InverseKinematicsSetup& s) {
  if (s.model_file.empty()) throw_input_error("setup", "<model_file>", "expected a model file (or pass --model)");
  if (s.marker_file.empty()) throw_input_error("setup", "<marker_file>", "expected a marker file (.trc or .sto)");
  if (!path_exists(s.model_file)) throw_input_error(quote_input(s.model_file.string(), 200), "", "the model file does not exist");
  if (!path_exists(s.marker_file)) throw_input_error(quote_input(s.marker_file.string(), 200), "", "the marker file does not exist");
  RunToolReport report;
  // Output sets, checked before any computation: the marker error files in the results directory,
  // and the motion file with them or, when the setup puts it elsewhere (OpenSim's semantics for
  // an explicit output_motion_file), as a set of its own committed last.
  io::output_file_name(s.tool_name, s.marker_file.string(), "tool name");
  const fs::path motion = s.output_motion_file.empty() ? s.results_directory / (s.tool_name + "_ik.mot") : s.output_motion_file;
  const std::string motion_name = motion.filename().string();
  std::error_code ec;
  if (motion_name.empty() || motion_name == "." || motion_name == ".." || fs::is_directory(motion, ec))
    throw InputError(fmt::format("'{}': expected a motion file name (.mot), not a folder", quote_input(motion.string(), 200)));
  const fs::path motion_dir = motion.has_parent_path() ? motion.parent_path() : fs::path(".");
  const bool reports = s.report_errors || s.report_marker_locations;
  // Both folders are checked (OutputSet) before any computation. When they differ, the marker
  // error files commit first and the motion, the main product, last: a failure between the two
  // leaves error files without a motion, never a motion without its errors.
  const bool motion_with_reports = reports && same_folder(motion_dir, s.results_directory);
  std::optional<io::OutputSet> results, motion_set;
  if (reports) results.emplace(s.results_directory, io::OutputMode::SharedFolder, "results directory");
  io::OutputSet& motion_out = motion_with_reports ? *results : motion_set.emplace(motion_dir, io::OutputMode::SharedFolder, "motion file folder");
  // Errors of a file the setup names also name the setup and its element.
  const Model model = read_named_by_setup(s.model_source, [&] { return compile_model(io::read_osim(s.model_file)); });
  report.warnings.insert(report.warnings.end(), model.warnings.begin(), model.warnings.end());
  const io::MarkerTable markers = read_named_by_setup(s.marker_source, [&] { return read_marker_file(s.marker_file); });
  report.warnings.insert(report.warnings.end(), markers.warnings.begin(), markers.warnings.end());

  InverseKinematicsSettings settings;
  settings.tasks = s.tasks;
  settings.time_start = s.time_start;
  settings.time_end = s.time_end;
  settings.report_marker_locations = s.report_marker_locations;
  settings.threads = s.threads;
  io::Table coordinates;
  const bool from_file = std::any_of(s.tasks.coordinates.begin(), s.tasks.coordinates.end(),
                                     [](const IKCoordinateTask& t) { return t.apply && t.value_type == IKValueType::FromFile; });
  if (!s.coordinate_file.empty() && from_file) {
    coordinates = read_named_by_setup(s.coordinate_source, [&] { return io::read_storage(s.coordinate_file); });
    report.warnings.insert(report.warnings.end(), coordinates.warnings.begin(), coordinates.warnings.end());
    settings.coordinate_file = &coordinates;
    settings.coordinate_file_name = s.coordinate_file.string();
  }
  const InverseKinematicsResult r = run_inverse_kinematics(model, markers, settings, s.marker_file.string());
  report.warnings.insert(report.warnings.end(), r.warnings.begin(), r.warnings.end());
  report.frames = static_cast<int>(r.coordinates.time.size());

  // Every output is checked for non-finite numbers and carries the run's validity.
  HeldOutputs motion_held, held;
  motion_held.table(motion_name, r.coordinates);
  if (s.report_errors) {
    held.table(s.tool_name + "_ik_marker_errors.sto", r.marker_errors);
    std::string csv = "time,worst_marker,error_m\n";
    for (std::size_t i = 0; i < r.worst_marker.size(); ++i)
      csv += fmt::format("{:.8f},{},{:.8f}\n", r.marker_errors.time[i], r.worst_marker[i],
                         r.marker_errors.data(static_cast<Eigen::Index>(i), 2));
    held.text(s.tool_name + "_ik_worst_markers.csv", csv);
  }
  if (s.report_marker_locations) held.table(s.tool_name + "_ik_model_marker_locations.sto", r.marker_locations);
  for (const auto& reason : held.validity.reasons) motion_held.validity.fail(reason);
  held.validity = motion_held.validity;
  motion_held.write_into(motion_out, 8);
  if (results) held.write_into(*results, 8);
  report.validity = held.validity;
  if (results) report.written = results->commit();
  if (motion_set) {
    const auto written = motion_set->commit();
    report.written.insert(report.written.begin(), written.begin(), written.end());
  }
  return report;
}

RunToolReport run_inverse_kinematics_tool(const fs::path& setup, const RunToolOptions& options) {
  InverseKinematicsSetup s = read_inverse_kinematics_setup(setup);
  if (!options.model_override.empty()) {
    s.model_file = options.model_override;
    s.model_source.clear();
  }
  s.threads = worker_threads(options.threads);
  if (!options.results_override.empty()) put_outputs_in(s, options.results_override, setup.string());
  if (s.model_file.empty()) throw_input_error(quote_input(setup.string(), 200), "<model_file>", "expected a model file (or pass --model)");
  if (s.marker_file.empty()) throw_input_error(quote_input(setup.string(), 200), "<marker_file>", "expected a marker file (.trc or .sto)");
  if (!path_exists(s.model_file))
    throw_input_error(quote_input(setup.string(), 200), "<model_file>",
                      "model file '" + quote_input(s.model_file.string(), 200) + "' does not exist (pass --model to use another file)");
  if (!path_exists(s.marker_file))
    throw_input_error(quote_input(setup.string(), 200), "<marker_file>",
                      "marker file '" + quote_input(s.marker_file.string(), 200) + "' does not exist");
  return run_inverse_kinematics_setup(s);
}

}  // namespace weaklink

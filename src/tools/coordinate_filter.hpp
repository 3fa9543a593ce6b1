#pragma once
// OpenSim's low-pass pipeline for a coordinates file (docs/opensim-semantics.md#filtering): pad every
// column by odd reflection, resample on a t_first + k·dt_min grid when the times are not uniform
// (quintic interpolating spline, docs/opensim-semantics.md#functions), then the forward–backward Butterworth filter.
// Padded rows stay in the result, so ID/Analyze time grids come out exactly as OpenSim's.
#include <string>
#include <vector>

#include "io/storage.hpp"
#include "io/xml_document.hpp"

namespace weaklink {

// What the pipeline did (for logs and tests).
struct CoordinateFilterInfo {
  int pad = 0;             // P = floor(N/2) rows added at each end
  bool resampled = false;  // dt_avg − dt_min > eps
  double dt = 0;           // sample interval T given to the filter (dt_min, or enlarged)
  double cutoff = 0;       // Hz actually used (clamped to 0.49/T when fc ≥ 0.5/T)
};

// Step 1: `pad` rows at each end by odd reflection about the end samples, time column included:
// prepend 2·x_0 − x_k, append 2·x_{N−1} − x_{N−1−k} (k = 1..pad). Needs pad < N (the reflection
// uses x_pad); otherwise throws InputError naming `file_name`.
io::Table pad_odd_reflection(const io::Table& table, int pad, const std::string& file_name);

// Step 2's grid: t_first, t_first + dt, ... by repeated floating-point addition while t ≤ t_last.
// When (t_last − t_first)/dt > 100000, dt is first enlarged to (t_last − t_first)/100000 (OpenSim's
// Storage::resample); `dt` returns the step used.
std::vector<double> resample_grid(double t_first, double t_last, double& dt);

// Step 2 on an already padded table: when dt_avg − dt_min > eps (evaluated literally, eps = 2^−52)
// replaces time by resample_grid(t_first, t_last, dt_min) and every column by its quintic natural
// interpolating spline there (needs ≥ 6 rows then). Returns the filter's T (dt_min, or the
// enlarged step); `resampled` says whether the table changed. Times must increase strictly.
double resample_if_nonuniform(io::Table& table, bool& resampled);

// The whole pipeline at cutoff fc (Hz; fc < 0 means "off" and returns the table unchanged). Needs
// ≥ 4 rows and strictly increasing times; otherwise throws InputError naming `file_name`. Name,
// labels, degrees flag and metadata are kept; time and data are replaced.
io::Table lowpass_coordinates(const io::Table& coordinates, double cutoff_hz, const std::string& file_name,
                              CoordinateFilterInfo* info = nullptr);

// A setup's <lowpass_cutoff_frequency_for_coordinates>: negative (OpenSim's -1) or absent means off;
// otherwise a finite cut-off of at least kMinLowpassCutoffHz. Anything else (nan, inf, 0.05) throws
// InputError naming the element, as it would otherwise be silently ignored or filter to nonsense.
constexpr double kMinLowpassCutoffHz = 0.1;
double setup_lowpass_cutoff(const io::XmlDocument& doc, const pugi::xml_node& tool);

}  // namespace weaklink

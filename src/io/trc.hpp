#pragma once
// .trc marker trajectories (docs/opensim-semantics.md#marker-files), read tolerantly: a marker with an empty
// field in a frame is missing (NaN) in that frame; columns beyond the named markers (extra data
// columns, X/Y/Z labels without a marker name) are ignored with a warning; tabs or runs of spaces;
// LF, CRLF or CR line ends; Units mm, cm or m in any common spelling (values stay in file units,
// `to_meters` converts); a file without the X1 Y1 Z1 line; frame numbers that are empty or
// written as decimals. Anything else that is malformed is an InputError naming file and line.
#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

namespace weaklink::io {

struct MarkerTable {
  double data_rate = 0, camera_rate = 0;
  std::string units;       // as in the file ("mm", "m", ...); empty when the file has none
  double to_meters = 1.0;  // 0.001 for mm, 0.01 for cm, 1 for m or missing units
  std::vector<std::string> names;
  std::vector<int> frame;  // as in the file (OpenSim ignores them)
  std::vector<double> time;
  Eigen::MatrixXd xyz;  // frames x 3*names.size(), in FILE units; NaN = marker missing
  std::vector<std::string> warnings;  // what the reader tolerated (file and line named)
};

MarkerTable read_trc(const std::filesystem::path& path);

// Tab-separated PathFileType 4 file; missing markers (NaN) are written as empty fields and
// numbers in shortest round-trip form. Written atomically. An empty `frame` writes 1, 2, ...
void write_trc(const std::filesystem::path& path, const MarkerTable& m);

}  // namespace weaklink::io

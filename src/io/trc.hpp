#pragma once
// .trc marker trajectories (spec section 8.1).
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
};

MarkerTable read_trc(const std::filesystem::path& path);

// Tab-separated PathFileType 4 file; missing markers (NaN) are written as empty fields and
// numbers in shortest round-trip form. Written atomically. An empty `frame` writes 1, 2, ...
void write_trc(const std::filesystem::path& path, const MarkerTable& m);

}  // namespace weaklink::io

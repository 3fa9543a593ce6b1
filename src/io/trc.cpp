#include "io/trc.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

#include "core/ascii_lower.hpp"
#include "core/error.hpp"
#include "io/atomic_write.hpp"
#include "io/storage.hpp"

namespace weaklink::io {
namespace {

std::string line_at(std::size_t n) { return fmt::format("line {}", n); }

// Splits a .trc line into trimmed fields. Tab-separated lines keep their empty fields (an empty
// field is a missing marker coordinate); lines without tabs are split on runs of spaces.
void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  if (line.find('\t') == std::string_view::npos) {
    for (std::size_t pos = line.find_first_not_of(" \r"); pos != std::string_view::npos;) {
      const std::size_t end = std::min(line.find_first_of(" \r", pos), line.size());
      fields.push_back(line.substr(pos, end - pos));
      pos = line.find_first_not_of(" \r", end);
    }
    return;
  }
  for (std::size_t pos = 0;;) {
    const std::size_t tab = line.find('\t', pos);
    fields.push_back(trim(line.substr(pos, tab == std::string_view::npos ? line.npos : tab - pos)));
    if (tab == std::string_view::npos) return;
    pos = tab + 1;
  }
}

void drop_empty(std::vector<std::string_view>& fields) {
  std::erase_if(fields, [](std::string_view f) { return f.empty(); });
}

double units_to_meters(std::string_view units, const std::string& file) {
  const std::string u = ascii_lower(units);
  if (u.empty() || u == "m" || u == "meter" || u == "meters" || u == "metre" || u == "metres") return 1.0;
  if (u == "mm" || u == "millimeter" || u == "millimeters" || u == "millimetre" || u == "millimetres") return 0.001;
  if (u == "cm" || u == "centimeter" || u == "centimeters" || u == "centimetre" || u == "centimetres") return 0.01;
  throw_input_error(file, "line 3", fmt::format("unknown Units '{}'; expected mm, cm or m", quote_input(units)));
}

struct Header {
  MarkerTable m;
  long long num_frames = -1;
  std::size_t extra_columns = 0;  // X/Y/Z labels beyond the named markers (ignored)
  bool pending = false;           // line 5 was already a data row (no X1 Y1 Z1 line)
  std::string_view pending_line;
  std::size_t pending_number = 0;
};

Header read_header(LineCursor& cur, const std::string& file) {
  Header h;
  std::string_view line;
  std::vector<std::string_view> keys, values, fields;

  if (!cur.next(line) || !trim(line).starts_with("PathFileType"))
    throw_input_error(file, "line 1", "expected a .trc header starting with 'PathFileType'");
  if (!cur.next(line))
    throw_input_error(file, "line 2",
                      "the file ends early; expected the header keys (DataRate ...)");
  split_fields(line, keys);
  drop_empty(keys);
  if (!cur.next(line))
    throw_input_error(file, "line 3", "the file ends early; expected the header values");
  split_fields(line, values);
  drop_empty(values);
  if (values.size() != keys.size())
    throw_input_error(file, "line 3",
                      fmt::format("expected {} values (one per key on line 2), found {}",
                                  keys.size(), values.size()));

  long long num_markers = -1;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string_view key = keys[i], value = values[i];
    const auto number = [&] {
      double v = 0;
      if (!parse_double(value, v))
        throw_input_error(file, "line 3",
                          fmt::format("expected a number for {}, found '{}'", key, quote_input(value)));
      return v;
    };
    const auto count = [&] {
      long long v = -1;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || ptr != value.data() + value.size() || v < 0)
        throw_input_error(
            file, "line 3",
            fmt::format("expected a non-negative integer for {}, found '{}'", key, quote_input(value)));
      return v;
    };
    if (key == "DataRate")
      h.m.data_rate = number();
    else if (key == "CameraRate")
      h.m.camera_rate = number();
    else if (key == "NumFrames")
      h.num_frames = count();
    else if (key == "NumMarkers")
      num_markers = count();
    else if (key == "Units")
      h.m.units = value;
  }
  h.m.to_meters = units_to_meters(h.m.units, file);

  if (!cur.next(line))
    throw_input_error(file, "line 4",
                      "the file ends early; expected 'Frame#', 'Time' and marker names");
  split_fields(line, fields);
  drop_empty(fields);  // names sit above their X column; the Y and Z columns are empty
  if (fields.size() < 2)
    throw_input_error(file, "line 4", "expected 'Frame#', 'Time' and the marker names");
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 2; i < fields.size(); ++i) {
    if (!seen.insert(fields[i]).second)
      throw_input_error(file, "line 4", fmt::format("duplicate marker name '{}'", quote_input(fields[i])));
    h.m.names.emplace_back(fields[i]);
  }
  if (num_markers >= 0 && static_cast<std::size_t>(num_markers) != h.m.names.size())
    throw_input_error(file, "line 4",
                      fmt::format("header says NumMarkers={} but this line names {} markers",
                                  num_markers, h.m.names.size()));

  if (!cur.next(line))
    throw_input_error(file, "line 5", "the file ends early; expected the X1 Y1 Z1 ... line");
  split_fields(line, fields);
  drop_empty(fields);
  double number = 0;
  if (fields.size() >= 2 && parse_double(fields[0], number) && parse_double(fields[1], number)) {
    // No X1 Y1 Z1 line: this is the first data row.
    h.pending = true;
    h.pending_line = line;
    h.pending_number = cur.line_number();
    h.m.warnings.push_back(fmt::format("{}: line 5: no X1 Y1 Z1 ... line; read as data", file));
    return h;
  }
  const std::size_t named = 3 * h.m.names.size();
  bool ok = fields.size() >= named;
  for (std::size_t i = 0; ok && i < fields.size(); ++i)
    ok = std::toupper(static_cast<unsigned char>(fields[i][0])) == "XYZ"[i % 3];
  if (!ok)
    throw_input_error(
        file, "line 5",
        fmt::format("expected X1 Y1 Z1 ... for {} markers ({} labels), found {} labels",
                    h.m.names.size(), named, fields.size()));
  if (fields.size() > named) {
    h.extra_columns = fields.size() - named;
    h.m.warnings.push_back(fmt::format("{}: line 5: {} X/Y/Z columns have no marker name on line 4; ignored",
                                       file, h.extra_columns));
  }
  return h;
}

}  // namespace

MarkerTable read_trc(const std::filesystem::path& path) {
  const std::string file = path.string();
  const std::string text = read_text_file(path);
  LineCursor cur(text);
  Header h = read_header(cur, file);
  MarkerTable& m = h.m;
  const std::size_t nmarkers = m.names.size();
  const std::size_t expected = 2 + 3 * nmarkers;
  check_table_size(0, expected, file, "line 4");
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();

  std::vector<double> xyz;  // row-major; grows with the data, never sized from NumFrames
  std::vector<std::string_view> fields;
  std::string_view line;
  bool in_data = false, warned_extra = false;
  for (;;) {
    std::size_t n = 0;
    if (h.pending) {
      line = h.pending_line;
      n = h.pending_number;
      h.pending = false;
    } else if (cur.next(line)) {
      n = cur.line_number();
    } else {
      break;
    }
    if (trim(line).empty()) {
      if (in_data) break;  // reading stops at the first empty line after the data
      continue;
    }
    in_data = true;
    check_table_size(m.time.size() + 1, expected, file, line_at(n));
    split_fields(line, fields);
    while (fields.size() > expected && fields.back().empty()) fields.pop_back();
    if (fields.size() < expected)
      throw_input_error(file, line_at(n),
                        fmt::format("expected {} fields (Frame#, Time and X/Y/Z of {} markers), "
                                    "found {}",
                                    expected, nmarkers, fields.size()));
    if (fields.size() > expected && !warned_extra) {  // unlabelled columns: ignored
      warned_extra = true;
      if (h.extra_columns == 0)
        m.warnings.push_back(fmt::format("{}: {}: {} fields beyond the {} of the named markers; extra columns ignored",
                                         file, line_at(n), fields.size() - expected, expected));
    }

    // Frame numbers are ignored by OpenSim: accept empty ones and decimals ("12.0").
    double frame = static_cast<double>(m.frame.size() + 1);
    if (!fields[0].empty() && !parse_double(fields[0], frame))
      throw_input_error(
          file, line_at(n),
          fmt::format("expected an integer in column 'Frame#', found '{}'", quote_input(fields[0])));
    double t = 0;
    if (!parse_double(fields[1], t) || !std::isfinite(t))
      throw_input_error(file, line_at(n),
                        fmt::format("expected a number in column 'Time', found '{}'", quote_input(fields[1])));
    if (!m.time.empty() && t < m.time.back())
      throw_input_error(file, line_at(n),
                        fmt::format("time {} is earlier than the previous frame's {}; expected non-decreasing time", t,
                                    m.time.back()));
    m.frame.push_back(std::isfinite(frame) && std::abs(frame) < 2e9 ? static_cast<int>(std::lround(frame)) : 0);
    m.time.push_back(t);

    for (std::size_t k = 0; k < nmarkers; ++k) {
      const std::string_view* f = &fields[2 + 3 * k];
      if (f[0].empty() || f[1].empty() || f[2].empty()) {  // any empty component: missing marker
        xyz.insert(xyz.end(), {nan, nan, nan});
        continue;
      }
      for (int axis = 0; axis < 3; ++axis) {
        double v = 0;
        if (!parse_double(f[axis], v) || std::isinf(v))  // NaN marks a missing marker; Inf is an error
          throw_input_error(file, line_at(n),
                            fmt::format("expected a number in column '{} {}', found '{}'",
                                        quote_input(m.names[k]), "XYZ"[axis], quote_input(f[axis])));
        xyz.push_back(v);
      }
    }
  }
  if (h.num_frames > static_cast<long long>(m.time.size()))
    throw_input_error(file, "",
                      fmt::format("header says {} frames, found {}", h.num_frames, m.time.size()));

  m.xyz = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      xyz.data(), static_cast<Eigen::Index>(m.time.size()),
      static_cast<Eigen::Index>(3 * nmarkers));
  return std::move(h.m);
}

void write_trc(const std::filesystem::path& path, const MarkerTable& m) {
  const std::size_t nframes = m.time.size(), nmarkers = m.names.size();
  if (m.xyz.rows() != static_cast<Eigen::Index>(nframes) ||
      m.xyz.cols() != static_cast<Eigen::Index>(3 * nmarkers))
    throw std::invalid_argument("write_trc: xyz is not time.size() x 3*names.size()");
  if (!m.frame.empty() && m.frame.size() != nframes)
    throw std::invalid_argument("write_trc: frame and time differ in length");
  for (const std::string& name : m.names)
    if (name.empty() || name.find_first_of("\t\r\n") != std::string::npos)
      throw std::invalid_argument(fmt::format("write_trc: bad marker name '{}'", name));

  std::string units = m.units;
  if (units.empty()) units = m.to_meters == 0.001 ? "mm" : m.to_meters == 0.01 ? "cm" : "m";
  const int first_frame = m.frame.empty() ? 1 : m.frame.front();

  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "PathFileType\t4\t(X/Y/Z)\t{}\n", path.filename().string());
  fmt::format_to(it,
                 "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\t"
                 "OrigDataStartFrame\tOrigNumFrames\n");
  fmt::format_to(it, "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", m.data_rate, m.camera_rate, nframes,
                 nmarkers, units, m.data_rate, first_frame, nframes);
  out += "Frame#\tTime";
  for (const std::string& name : m.names) fmt::format_to(it, "\t{}\t\t", name);
  out += "\n\t";
  for (std::size_t k = 1; k <= nmarkers; ++k) fmt::format_to(it, "\tX{0}\tY{0}\tZ{0}", k);
  out += "\n\n";
  for (std::size_t i = 0; i < nframes; ++i) {
    const auto row = static_cast<Eigen::Index>(i);
    fmt::format_to(it, "{}\t{}", m.frame.empty() ? static_cast<int>(i) + 1 : m.frame[i], m.time[i]);
    for (std::size_t k = 0; k < nmarkers; ++k) {
      const auto c = static_cast<Eigen::Index>(3 * k);
      if (m.xyz.row(row).segment(c, 3).hasNaN())
        out += "\t\t\t";
      else
        fmt::format_to(it, "\t{}\t{}\t{}", m.xyz(row, c), m.xyz(row, c + 1), m.xyz(row, c + 2));
    }
    out += '\n';
  }
  write_file_atomically(path, out);
}

}  // namespace weaklink::io

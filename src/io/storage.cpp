#include "io/storage.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "core/ascii_lower.hpp"
#include "core/error.hpp"
#include "io/atomic_write.hpp"
#include "io/input_file.hpp"

namespace weaklink::io {
namespace {

constexpr std::string_view kBlank = " \t\r\n";

// A plain comparison: string_view::find_first_of calls memchr once per character, which made it
// the bottleneck of reading large files.
constexpr bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Calls f(token) for each run of non-blank characters.
template <class F>
void for_each_token(std::string_view line, F&& f) {
  const std::size_t n = line.size();
  for (std::size_t pos = 0; pos < n;) {
    while (pos < n && is_blank(line[pos])) ++pos;
    std::size_t end = pos;
    while (end < n && !is_blank(line[end])) ++end;
    if (end > pos) f(line.substr(pos, end - pos));
    pos = end;
  }
}

std::size_t count_tokens(std::string_view line) {
  std::size_t n = 0;
  for_each_token(line, [&](std::string_view) { ++n; });
  return n;
}

std::string line_at(std::size_t n) { return fmt::format("line {}", n); }

// A header count (nRows, nColumns, version): a non-negative integer.
long long parse_count(std::string_view text, const std::string& file, std::size_t line,
                      std::string_view key) {
  long long value = -1;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0)
    throw_input_error(
        file, line_at(line),
        fmt::format("expected a non-negative integer for '{}', found '{}'", key, quote_input(text)));
  return value;
}

// DataType of the table dialect: how many numbers one column holds and how they are flattened.
struct ElementType {
  int width = 1;
  std::vector<std::string> suffixes;  // empty for scalars
};

ElementType element_type(std::string_view data_type, const std::string& file, std::size_t line) {
  ElementType e;
  if (data_type == "double") return e;
  if (data_type == "Vec3" || data_type == "UnitVec3") {
    e.suffixes = {"_x", "_y", "_z"};
  } else if (data_type == "SpatialVec") {
    e.suffixes = {"_rx", "_ry", "_rz", "_tx", "_ty", "_tz"};
  } else {
    int n = 0;
    if (data_type == "Quaternion") {
      n = 4;
    } else if (data_type.starts_with("Vec")) {
      const std::string_view digits = data_type.substr(3);
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec != std::errc() || ptr != digits.data() + digits.size()) n = 0;
    }
    if (n < 2 || n > 12)
      throw_input_error(file, line_at(line),
                        fmt::format("unsupported DataType '{}'; expected double, Vec2..Vec12, "
                                    "UnitVec3, Quaternion or SpatialVec",
                                    quote_input(data_type)));
    for (int i = 1; i <= n; ++i) e.suffixes.push_back(fmt::format("_{}", i));
  }
  e.width = static_cast<int>(e.suffixes.size());
  return e;
}

// Header lines that the reader consumes; metadata must not contain them or a re-read changes.
bool is_reserved_key(std::string_view key) {
  static const std::unordered_set<std::string_view> reserved = {
      "name",    "nr",        "nRows",     "datarows",       "nc",      "nColumns", "datacolumns",
      "version", "inDegrees", "endheader", "OpenSimVersion", "DataType"};
  return reserved.contains(key);
}

struct Header {
  Table table;                        // name, version, in_degrees, metadata
  long long rows = -1, columns = -1;  // -1: not given
  std::string data_type = "double";
  std::size_t data_type_line = 0;
};

Header parse_header(LineCursor& cur, const std::filesystem::path& path, const std::string& file) {
  Header h;
  Table& t = h.table;
  t.version = 0;  // a file without `version=` is a version-0 (SIMM-era) file
  bool first_line = true;
  std::string_view raw;
  while (cur.next(raw)) {
    const std::string_view line = trim(raw);
    const std::size_t n = cur.line_number();
    if (line.empty()) {
      if (!first_line) t.metadata.emplace_back("", "");
      continue;
    }
    // OpenSim's rule: the key ends at the first space, tab or '='; the value follows them.
    const std::size_t key_end = std::min(line.find_first_of(" \t="), line.size());
    const std::string_view key = line.substr(0, key_end);
    const std::size_t value_pos = line.find_first_not_of(" \t=", key_end);
    const std::string_view value =
        value_pos == std::string_view::npos ? std::string_view() : line.substr(value_pos);

    if (key == "endheader") {
      // SIMM .mot files carry no version and are always in degrees (docs/opensim-semantics.md#storage-files).
      if (t.version < 1 && content_extension(path) == ".mot") t.in_degrees = true;
      return h;
    }
    if (key == "name") {
      t.name = value;
    } else if (key == "nr" || key == "nRows" || key == "datarows") {
      h.rows = parse_count(value, file, n, key);
    } else if (key == "nc" || key == "nColumns" || key == "datacolumns") {
      h.columns = parse_count(value, file, n, key);
    } else if (key == "version") {
      t.version = static_cast<int>(std::min(parse_count(value, file, n, key), 1000LL));
    } else if (key == "inDegrees") {
      t.in_degrees = ascii_lower(value) == "yes" || ascii_lower(value) == "y";
    } else if (key == "DataType") {
      h.data_type = value;
      h.data_type_line = n;
    } else if (key == "OpenSimVersion") {
      // A writer stamp; format_storage writes its own header.
    } else if (first_line) {
      t.name = line;  // Storage files start with their name, without a key
    } else {
      if (key == "Angles" && t.version == 0) {  // version-0 way of saying inDegrees
        if (line == "Angles are in degrees.") t.in_degrees = true;
        if (line == "Angles are in radians.") t.in_degrees = false;
      }
      const std::size_t eq = line.find('=');
      if (eq != std::string_view::npos && eq > 0 &&
          line.substr(0, eq).find_first_of(" \t") == std::string_view::npos)
        t.metadata.emplace_back(line.substr(0, eq), trim(line.substr(eq + 1)));
      else
        t.metadata.emplace_back("", line);
    }
    first_line = false;
  }
  throw_input_error(file, "",
                    "no 'endheader' line; the header of a .sto/.mot file must end with it");
}

// Renames repeated labels the way OpenSim's Storage::makeStorageLabelsUnique does ("1_x", ...).
void make_unique(std::vector<std::string>& labels) {
  std::unordered_set<std::string> all(labels.begin(), labels.end());
  std::unordered_set<std::string> seen;
  // Per label, the next prefix to try: the n-th repeat starts where the previous one stopped, so
  // n copies cost O(n), not O(n²) (a fuzzer found 10,000 copies took 9 s).
  std::unordered_map<std::string, int> next_prefix;
  for (std::string& label : labels) {
    if (seen.insert(label).second) continue;
    std::string renamed;
    for (int& c = next_prefix.try_emplace(label, 1).first->second;; ++c) {
      renamed = fmt::format("{}_{}", c, label);
      if (!all.contains(renamed)) break;
    }
    all.insert(renamed);
    seen.insert(renamed);
    label = std::move(renamed);
  }
}

void check_unique(const std::vector<std::string>& labels, const std::string& file,
                  std::size_t line) {
  std::unordered_map<std::string_view, std::size_t> first;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto [it, inserted] = first.emplace(labels[i], i);
    if (!inserted)
      throw_input_error(file, line_at(line),
                        fmt::format("duplicate column label '{}' (columns {} and {}); labels must "
                                    "be unique",
                                    quote_input(labels[i]), it->second + 1, i + 1));
  }
}

[[noreturn]] void throw_not_a_number(const std::string& file, std::size_t line,
                                     std::string_view label, std::string_view token) {
  throw_input_error(file, line_at(line),
                    fmt::format("expected a number in column '{}', found '{}'", quote_input(label), quote_input(token)));
}

// Legacy rows: whitespace-separated numbers; a row may continue on the next line (OpenSim reads
// a number stream) but a new row must start on a new line, so a miscounted row is reported where
// it happens instead of shifting every later value. Stops after `max_rows` rows (spec: exactly
// nRows rows are read).
void read_legacy_rows(LineCursor& cur, const std::vector<std::string>& labels, long long max_rows,
                      const std::string& file, std::vector<double>& time, std::vector<double>& values,
                      std::vector<std::size_t>& row_lines) {
  const std::size_t ncols = labels.size();
  std::size_t filled = 0, row_start = 0;
  std::string_view line;
  // `filled != 0`: the row in progress is already counted in time.size() but must be finished.
  while ((filled != 0 || max_rows < 0 || static_cast<long long>(time.size()) < max_rows) &&
         cur.next(line)) {
    const std::size_t n = cur.line_number();
    if (filled == 0) row_start = n;
    const std::size_t filled_before = filled;
    bool row_started = false;
    for_each_token(line, [&](std::string_view token) {
      if (filled == ncols) {
        const std::size_t found = filled_before + count_tokens(line);
        if (row_start == n)
          throw_input_error(file, line_at(n),
                            fmt::format("expected {} values per row (time + {} columns), found {}",
                                        ncols, ncols - 1, found));
        throw_input_error(file, line_at(n),
                          fmt::format("the row starting on line {} has {} values; expected {} "
                                      "(time + {} columns)",
                                      row_start, found, ncols, ncols - 1));
      }
      double v = 0;
      if (!parse_double(token, v)) throw_not_a_number(file, n, labels[filled], token);
      if (filled == 0 && !row_started) {
        row_started = true;
        check_table_size(time.size() + 1, ncols, file, line_at(n));
        row_lines.push_back(n);
      }
      (filled == 0 ? time : values).push_back(v);
      ++filled;
    });
    if (filled == ncols) filled = 0;
  }
  if (filled != 0)
    throw_input_error(file, line_at(row_start),
                      fmt::format("the file ends inside this row: found {} of {} values (time + {} "
                                  "columns)",
                                  filled, ncols, ncols - 1));
}

// Table-dialect rows: one row per line until the end or the first empty line. Composite elements
// ("~[1,2,3]") are split into `width` numbers.
void read_table_rows(LineCursor& cur, const std::vector<std::string>& labels, int width,
                     const std::string& file, std::vector<double>& time, std::vector<double>& values,
                     std::vector<std::size_t>& row_lines) {
  const std::size_t nelements = (labels.size() - 1) / static_cast<std::size_t>(width) + 1;
  std::string_view line;
  while (cur.next(line) && !trim(line).empty()) {
    const std::size_t n = cur.line_number();
    check_table_size(time.size() + 1, labels.size(), file, line_at(n));
    row_lines.push_back(n);
    std::size_t field = 0;
    for_each_token(line, [&](std::string_view token) {
      if (field >= nelements) return;  // counted below for the message
      if (field == 0 || width == 1) {
        double v = 0;
        if (!parse_double(token, v)) throw_not_a_number(file, n, labels[field], token);
        (field == 0 ? time : values).push_back(v);
      } else {
        const std::size_t first_column = 1 + (field - 1) * static_cast<std::size_t>(width);
        int parts = 0;
        std::size_t pos = token.find_first_not_of("~[],");
        while (pos != std::string_view::npos) {
          const std::size_t end = std::min(token.find_first_of("~[],", pos), token.size());
          double v = 0;
          if (parts == width || !parse_double(token.substr(pos, end - pos), v))
            throw_not_a_number(file, n, labels[first_column], token);
          values.push_back(v);
          ++parts;
          pos = token.find_first_not_of("~[],", end);
        }
        if (parts != width) throw_not_a_number(file, n, labels[first_column], token);
      }
      ++field;
    });
    const std::size_t found = count_tokens(line);
    if (found != nelements)
      throw_input_error(file, line_at(n),
                        fmt::format("expected {} values per row (time + {} columns), found {}",
                                    nelements, nelements - 1, found));
  }
}

// Times must be finite and must not decrease, or every tool (and `data info`'s time range) would
// read the rows in a wrong order. OpenSim's static optimization writes its last row twice: a row
// that repeats the row before exactly (same time, same values) is dropped with a warning; a
// different row at the same time is an error.
void check_times(std::vector<double>& time, std::vector<double>& values, std::size_t ncols,
                 const std::vector<std::size_t>& row_lines, const std::string& file,
                 std::vector<std::string>& warnings) {
  const auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
  std::size_t kept = 0, dropped = 0, first_dropped_line = 0;
  for (std::size_t i = 0; i < time.size(); ++i) {
    const double t = time[i];
    if (!std::isfinite(t))
      throw_input_error(file, line_at(row_lines[i]),
                        fmt::format("time is {}; expected a finite number", t));
    if (kept > 0) {
      const double previous = time[kept - 1];
      const std::size_t previous_line = row_lines[i - 1];
      if (t < previous)
        throw_input_error(file, line_at(row_lines[i]),
                          fmt::format("time {} is earlier than {} on line {}; times must not decrease", t,
                                      previous, previous_line));
      if (t == previous) {
        const double* a = values.data() + (kept - 1) * ncols;
        const double* b = values.data() + i * ncols;
        if (!std::equal(a, a + ncols, b, same))
          throw_input_error(file, line_at(row_lines[i]),
                            fmt::format("time {} repeats the time of line {} with different values; times must "
                                        "increase (only an exact copy of the row before is dropped)",
                                        t, previous_line));
        if (dropped++ == 0) first_dropped_line = row_lines[i];
        continue;
      }
    }
    if (kept != i) {
      time[kept] = t;
      std::copy_n(values.data() + i * ncols, ncols, values.data() + kept * ncols);
    }
    ++kept;
  }
  if (dropped == 0) return;
  time.resize(kept);
  values.resize(kept * ncols);
  warnings.push_back(dropped == 1
                         ? fmt::format("{}: line {} repeats the row before it exactly (same time and values); the "
                                       "duplicate row was dropped",
                                       file, first_dropped_line)
                         : fmt::format("{}: {} rows repeat the row before them exactly (the first on line {}); the "
                                       "duplicates were dropped",
                                       file, dropped, first_dropped_line));
}

std::string gzip(std::string_view text, const std::filesystem::path& path) {
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper (what gzopen/gunzip expect).
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw_input_error(path.string(), "", "cannot initialise gzip compression");
  std::string out(deflateBound(&zs, static_cast<uLong>(text.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw_input_error(path.string(), "", "gzip compression failed");
  return out;
}

}  // namespace

// ---- Text helpers ------------------------------------------------------------------------------

std::string_view trim(std::string_view s) {
  const std::size_t begin = s.find_first_not_of(kBlank);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kBlank) - begin + 1);
}

LineCursor::LineCursor(std::string_view text) : rest_(text) {
  if (rest_.starts_with("\xEF\xBB\xBF")) rest_.remove_prefix(3);
}

bool LineCursor::next(std::string_view& line) {
  if (rest_.empty()) return false;
  std::size_t end = 0;
  while (end < rest_.size() && rest_[end] != '\n' && rest_[end] != '\r') ++end;
  line = rest_.substr(0, end);
  std::size_t skip = end;
  if (skip < rest_.size()) skip += rest_.compare(skip, 2, "\r\n") == 0 ? 2 : 1;
  rest_.remove_prefix(skip);
  ++line_;
  return true;
}

bool parse_double(std::string_view s, double& out) {
  if (s.starts_with('+')) s.remove_prefix(1);  // from_chars rejects it, strtod does not
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, out);
  if (ec == std::errc() && ptr == end) return true;
  if (ec != std::errc::result_out_of_range || ptr != end || s.size() >= 64) return false;
  // Out of range: over/underflow; follow strtod (±HUGE_VAL or a denormal/zero) like OpenSim does.
  char buffer[64];
  std::memcpy(buffer, s.data(), s.size());
  buffer[s.size()] = '\0';
  out = std::strtod(buffer, nullptr);
  return true;
}

// ---- Table -------------------------------------------------------------------------------------

int Table::find_column(std::string_view label) const {
  const auto find = [this](std::string_view s) {
    const auto it = std::find(labels.begin(), labels.end(), s);
    return it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
  };
  if (const int i = find(label); i >= 0) return i;
  // 4.x state paths differ in their leading part; drop path elements one at a time. The last
  // iteration tries the last path element alone.
  std::string_view shorter = label;
  for (std::size_t slash = shorter.find('/'); slash != std::string_view::npos;
       slash = shorter.find('/')) {
    shorter.remove_prefix(slash + 1);
    if (const int i = find(shorter); i >= 0) return i;
  }
  // Pre-4.0 names for state variables.
  const std::size_t back = label.rfind('/');
  if (back == std::string_view::npos) return -1;
  const std::string_view prefix = label.substr(0, back), last = label.substr(back + 1);
  const std::string parent(prefix.substr(prefix.rfind('/') + 1));  // npos + 1 == 0
  if (last == "value") return find(parent);
  if (last == "speed") return find(parent + "_u");
  return find(parent + "." + std::string(last));  // <muscle>/activation -> <muscle>.activation
}

Table read_storage(const std::filesystem::path& path) { return read_storage(path, {}); }

Table read_storage(const std::filesystem::path& path, const StorageReadOptions& options) {
  const std::string file = path.string();
  const std::string text = read_text_file(path);
  LineCursor cur(text);
  Header h = parse_header(cur, path, file);
  Table& t = h.table;
  const bool table_dialect = t.version >= 2;

  // Column labels: the first non-blank line after endheader.
  std::string_view line;
  while (cur.next(line) && trim(line).empty()) {
  }
  if (trim(line).empty())
    throw_input_error(file, "", "the file ends after 'endheader'; expected the column labels line");
  const std::size_t labels_line = cur.line_number();
  check_table_size(0, count_tokens(line), file, line_at(labels_line));
  std::vector<std::string> labels;
  for_each_token(line, [&](std::string_view token) { labels.emplace_back(token); });
  if (h.columns >= 0 && static_cast<std::size_t>(h.columns) != labels.size())
    throw_input_error(file, line_at(labels_line),
                      fmt::format("header says nColumns={} (including time) but this label line "
                                  "has {} labels",
                                  h.columns, labels.size()));
  const bool time_first =
      table_dialect ? labels[0] == "time" : ascii_lower(labels[0]) == "time" || labels[0] == "range";
  if (!time_first)
    throw_input_error(
        file, line_at(labels_line),
        fmt::format("expected the first column label to be 'time', found '{}'", quote_input(labels[0])));

  ElementType element;
  if (table_dialect) {
    element = element_type(h.data_type, file, h.data_type_line);
    if (element.width > 1) {
      std::vector<std::string> flat{labels[0]};
      for (std::size_t i = 1; i < labels.size(); ++i)
        for (const std::string& suffix : element.suffixes) flat.push_back(labels[i] + suffix);
      labels = std::move(flat);
    }
  }
  check_table_size(0, labels.size(), file, line_at(labels_line));
  if (options.make_labels_unique)
    make_unique(labels);
  else
    check_unique(labels, file, labels_line);

  std::vector<double> values;  // row-major; grows with the data, never sized from the header
  std::vector<std::size_t> row_lines;  // where each row starts, for messages
  if (table_dialect)
    read_table_rows(cur, labels, element.width, file, t.time, values, row_lines);
  else
    read_legacy_rows(cur, labels, h.rows, file, t.time, values, row_lines);

  if (h.rows > static_cast<long long>(t.time.size()) && !options.allow_fewer_rows)
    throw_input_error(file, "", fmt::format("header says {} rows, found {}", h.rows, t.time.size()));
  check_times(t.time, values, labels.size() - 1, row_lines, file, t.warnings);
  const auto nrows = static_cast<long long>(t.time.size());

  t.labels.assign(labels.begin() + 1, labels.end());
  const auto ncols = static_cast<Eigen::Index>(t.labels.size());
  t.data = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      values.data(), static_cast<Eigen::Index>(nrows), ncols);
  return std::move(h.table);
}

// ---- Writing -----------------------------------------------------------------------------------

std::string format_storage(const Table& t, int precision) {
  if (precision < 0 || precision > 40) throw std::invalid_argument("format_storage: bad precision");
  if (t.data.rows() != static_cast<Eigen::Index>(t.time.size()) ||
      t.data.cols() != static_cast<Eigen::Index>(t.labels.size()))
    throw std::invalid_argument("format_storage: data is not time.size() x labels.size()");
  const auto has_newline = [](std::string_view s) { return s.find_first_of("\r\n") != s.npos; };
  if (has_newline(t.name)) throw std::invalid_argument("format_storage: name with a line break");
  for (const auto& [key, value] : t.metadata) {
    const std::string_view text = key.empty() ? std::string_view(value) : std::string_view(key);
    const std::string_view first_word = text.substr(0, text.find_first_of(" \t="));
    if (is_reserved_key(first_word) || has_newline(key) || has_newline(value))
      throw std::invalid_argument(
          fmt::format("format_storage: metadata '{}' would be read back as a header key", text));
  }
  for (const std::string& label : t.labels)
    if (label.empty() || label.find_first_of(kBlank) != std::string::npos)
      throw std::invalid_argument(fmt::format("format_storage: bad column label '{}'", label));

  std::string out;
  out.reserve(static_cast<std::size_t>((t.data.size() + t.data.rows()) * (9 + precision)) + 256);
  fmt::format_to(std::back_inserter(out), "{}\nversion=1\nnRows={}\nnColumns={}\ninDegrees={}\n",
                 t.name, t.time.size(), t.labels.size() + 1, t.in_degrees ? "yes" : "no");
  for (const auto& [key, value] : t.metadata) {
    if (key.empty())
      fmt::format_to(std::back_inserter(out), "{}\n", value);
    else
      fmt::format_to(std::back_inserter(out), "{}={}\n", key, value);
  }
  out += "endheader\ntime";
  for (const std::string& label : t.labels) (out += '\t') += label;
  out += '\n';

  // printf("%{8+p}.{p}f"); fmt's fixed format rounds exactly like glibc's printf.
  const int width = 8 + precision;
  const auto put = [&](double v) {
    if (std::isnan(v))
      fmt::format_to(std::back_inserter(out), "{:>{}}", "NaN", width);
    else if (std::isinf(v))
      fmt::format_to(std::back_inserter(out), "{:>{}}", v > 0 ? "Inf" : "-Inf", width);
    else
      fmt::format_to(std::back_inserter(out), "{:{}.{}f}", v, width, precision);
  };
  for (std::size_t i = 0; i < t.time.size(); ++i) {
    put(t.time[i]);
    for (Eigen::Index j = 0; j < t.data.cols(); ++j) {
      out += '\t';
      put(t.data(static_cast<Eigen::Index>(i), j));
    }
    out += '\n';
  }
  return out;
}

std::string storage_file_bytes(const std::filesystem::path& path, const Table& t, int precision) {
  std::string text = format_storage(t, precision);
  return is_gzip_name(path) ? gzip(text, path) : text;
}

void write_storage(const std::filesystem::path& path, const Table& t, int precision) {
  write_file_atomically(path, storage_file_bytes(path, t, precision));
}

}  // namespace weaklink::io

#pragma once
// OpenSim Storage files (.sto/.mot, optionally gzipped): reading both header dialects and writing
// the legacy format byte-compatibly with OpenSim (docs/opensim-semantics.md#storage-files).
#include <Eigen/Core>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/input_file.hpp"  // read_text_file: the bounded reader every data reader uses

namespace weaklink::io {

struct Table {
  std::string name;                 // first header line (e.g. "Coordinates") or SIMM `name`
  int version = 1;                  // 0 when the file has no `version=` line
  bool in_degrees = false;          // after the spec rules (version-0 .mot is forced to true)
  std::vector<std::string> labels;  // column labels EXCLUDING time
  std::vector<double> time;         // one per row
  Eigen::MatrixXd data;             // time.size() x labels.size(); row i is at time[i]
  // Header lines other than name/version/nRows/nColumns/inDegrees, in file order: `key=value`
  // lines as {key, value}; any other line (free text, SIMM keywords, blank) as {"", line}.
  std::vector<std::pair<std::string, std::string>> metadata;
  // What the reader accepted but changed (a duplicated last row dropped); not written back.
  std::vector<std::string> warnings;

  // Column index into `labels`/`data`, or -1. Exact match first, then OpenSim's fallbacks (spec
  // 8.2): strip leading path elements, the last path element, `<coord>/value` -> `<coord>`,
  // `<coord>/speed` -> `<coord>_u`, `<muscle>/activation` -> `<muscle>.activation`.
  int find_column(std::string_view label) const;
};

// Leniency for files that OpenSim itself accepts but that usually signal a broken file.
struct StorageReadOptions {
  bool allow_fewer_rows = false;    // header nRows is an upper bound instead of a promise
  bool make_labels_unique = false;  // rename repeated labels as OpenSim does: "x","x" -> "x","1_x"
};

Table read_storage(const std::filesystem::path& path);
Table read_storage(const std::filesystem::path& path, const StorageReadOptions& options);

// Legacy Storage text: name, version=1, nRows, nColumns (incl. time), inDegrees, metadata lines,
// endheader, labels with "time" first, then values as printf("%{8+p}.{p}f") separated by tabs.
std::string format_storage(const Table& t, int precision = 8);

// format_storage() written atomically; a name ending in ".gz" is gzip-compressed.
void write_storage(const std::filesystem::path& path, const Table& t, int precision = 8);
// The bytes write_storage() writes to `path` (for io::OutputSet, which writes them itself).
std::string storage_file_bytes(const std::filesystem::path& path, const Table& t, int precision = 8);

// ---- Text helpers shared by the data-file readers ----------------------------------------------

// Parses all of `s` as a double (leading '+', "NaN", "Inf" accepted). False if anything is left.
bool parse_double(std::string_view s, double& out);

// Iterates over lines without copying. Accepts LF, CRLF and lone CR line ends and skips a UTF-8
// byte-order mark. line_number() is 1-based and refers to the line last returned.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text);
  bool next(std::string_view& line);
  std::size_t line_number() const { return line_; }

 private:
  std::string_view rest_;
  std::size_t line_ = 0;
};

// Removes leading and trailing spaces, tabs, CR and LF.
std::string_view trim(std::string_view s);

}  // namespace weaklink::io

#include "io/csv_table.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <csv.h>

#include "core/error.hpp"
#include "io/input_file.hpp"

namespace weaklink::io {

namespace {

struct Collector {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> current;
};

void on_field(void* field, std::size_t len, void* data) {
  auto* c = static_cast<Collector*>(data);
  c->current.emplace_back(static_cast<const char*>(field), len);
}

void on_record(int, void* data) {
  auto* c = static_cast<Collector*>(data);
  c->records.push_back(std::move(c->current));
  c->current.clear();
}

// Parses one physical line. Fields spanning lines are not used by the project's tables, so a
// quote left open at the end of a line is reported as an error rather than joined to the next.
std::vector<std::string> parse_line(std::string_view line, const std::string& name, int line_no) {
  csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) throw std::bad_alloc();
  Collector c;
  const bool ok = csv_parse(&p, line.data(), line.size(), on_field, on_record, &c) == line.size() &&
                  csv_fini(&p, on_field, on_record, &c) == 0;
  const std::string why = ok ? "" : csv_strerror(csv_error(&p));
  csv_free(&p);
  if (!ok) throw_input_error(name, fmt::format("line {}", line_no), fmt::format("malformed CSV ({})", why));
  if (c.records.size() != 1)
    throw_input_error(name, fmt::format("line {}", line_no), "expected one CSV record on the line");
  return std::move(c.records.front());
}

}  // namespace

CsvTable CsvTable::parse(std::string_view text, std::string name) {
  CsvTable t;
  t.name_ = std::move(name);
  check_text_encoding(text, t.name_);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte-order mark
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    auto fields = parse_line(line, t.name_, line_no);
    if (t.header_.empty()) {
      t.header_ = std::move(fields);
      check_table_size(0, t.header_.size(), t.name_, fmt::format("line {}", line_no));
      for (std::size_t i = 0; i < t.header_.size(); ++i) {
        if (!t.columns_.emplace(t.header_[i], i).second)
          throw_input_error(t.name_, fmt::format("line {}", line_no), fmt::format("column '{}' appears twice", quote_input(t.header_[i])));
      }
      continue;
    }
    if (fields.size() != t.header_.size())
      throw_input_error(t.name_, fmt::format("line {}", line_no),
                        fmt::format("expected {} fields as in the header, found {}", t.header_.size(), fields.size()));
    check_table_size(t.rows_.size() + 1, t.header_.size(), t.name_, fmt::format("line {}", line_no));
    t.rows_.push_back(Row{line_no, std::move(fields)});
  }
  if (t.header_.empty()) throw_input_error(t.name_, "", "expected a header row, found no data");
  return t;
}

std::size_t CsvTable::index_of(const std::string& column) const {
  const auto it = columns_.find(column);
  if (it == columns_.end()) throw_input_error(name_, "header", fmt::format("expected a column named '{}'", column));
  return it->second;
}

void CsvTable::require_columns(const std::vector<std::string>& columns) const {
  for (const auto& c : columns) (void)index_of(c);
}

void CsvTable::fail(const Row& row, const std::string& what) const {
  throw_input_error(name_, fmt::format("line {}", row.line), what);
}

const std::string& CsvTable::text(const Row& row, const std::string& column) const {
  return row.fields[index_of(column)];
}

double CsvTable::number(const Row& row, const std::string& column) const {
  const std::string& s = text(row, column);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v))
    fail(row, fmt::format("column '{}': expected a finite number, found '{}'", column, quote_input(s)));
  return v;
}

double CsvTable::number_or(const Row& row, const std::string& column, double fallback) const {
  if (!has_column(column) || text(row, column).empty()) return fallback;
  return number(row, column);
}

int CsvTable::integer(const Row& row, const std::string& column) const {
  const double v = number(row, column);
  if (v != std::floor(v) || std::abs(v) > 1e9) fail(row, fmt::format("column '{}': expected a whole number", column));
  return static_cast<int>(v);
}

}  // namespace weaklink::io

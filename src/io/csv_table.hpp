#pragma once
// A small table read from CSV text (RFC 4180 quoting through libcsv): one header row, then rows;
// lines starting with '#' and blank lines are comments. Every accessor that can fail throws
// InputError naming the file, the line and the column, and what was expected.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace weaklink::io {

class CsvTable {
 public:
  struct Row {
    int line = 0;                     // 1-based line in the file
    std::vector<std::string> fields;  // one per header column
  };

  // `name` is the file name used in messages. Rows with a field count different from the
  // header's are an error.
  static CsvTable parse(std::string_view text, std::string name);

  const std::string& name() const { return name_; }
  const std::vector<Row>& rows() const { return rows_; }
  bool has_column(const std::string& column) const { return columns_.count(column) != 0; }

  // Field access by column name; `text` may be empty, `number` must parse completely and be
  // finite, `number_or` returns `fallback` for an empty field.
  const std::string& text(const Row& row, const std::string& column) const;
  double number(const Row& row, const std::string& column) const;
  double number_or(const Row& row, const std::string& column, double fallback) const;
  int integer(const Row& row, const std::string& column) const;
  // Throws unless every listed column exists.
  void require_columns(const std::vector<std::string>& columns) const;
  [[noreturn]] void fail(const Row& row, const std::string& what) const;

 private:
  std::size_t index_of(const std::string& column) const;
  std::string name_;
  std::vector<std::string> header_;
  std::map<std::string, std::size_t> columns_;
  std::vector<Row> rows_;
};

}  // namespace weaklink::io

#pragma once
// A tool's outputs held until every one is computed and checked for non-finite numbers, then written
// into its output set, each .sto header starting with valid=true, or valid=false and the reason
// (CSV files with a "# valid=false: ..." first line), so no file of an invalid run reads as normal.
#include <string>
#include <utility>
#include <vector>

#include "core/result_validity.hpp"
#include "io/output_set.hpp"
#include "io/storage.hpp"

namespace weaklink {

struct HeldOutputs {
  std::vector<std::pair<std::string, io::Table>> tables;
  std::vector<std::pair<std::string, std::string>> texts;  // CSV files
  ResultValidity validity;

  void table(const std::string& file, io::Table t) {
    validity.check_finite(t.data, file);
    tables.emplace_back(file, std::move(t));
  }
  void text(const std::string& file, std::string csv) { texts.emplace_back(file, std::move(csv)); }
  // Writes everything into `set` (not yet committed).
  void write_into(io::OutputSet& set, int precision) {
    const auto h = validity.header();
    for (auto& [file, t] : tables) {
      t.metadata.insert(t.metadata.begin(), h.begin(), h.end());
      set.write_storage(file, t, precision);
    }
    for (auto& [file, csv] : texts) set.write(file, validity.csv_comment() + csv);
    tables.clear();
    texts.clear();
  }
};

}  // namespace weaklink

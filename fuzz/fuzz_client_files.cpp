// libFuzzer target: the readers of client-side text files that are not OpenSim formats: client
// files (JSON, chain/client) and strength profiles (JSON, chain/strength_profile), CSV tables (io/csv_table, the format of the
// project's data tables and of wearable exports). Inputs starting with '{' or '[' go to the JSON
// reader, the rest to the CSV reader (then every field is read as a number, as the builder does).
// JSON inputs are also read from a file through read_client (the bounded reader, the encoding
// check, the duplicate-key check) and, with the byte limit lowered to 256 bytes, through
// read_text_file, which must refuse longer files.
//
// Contract: bad input throws weaklink::InputError. Any other exception, a crash, a sanitizer
// report or a hang is a finding.
#include <cstdint>
#include <string>

#include "chain/client/client.hpp"
#include "chain/client/strength_profile.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "io/csv_table.hpp"
#include "io/input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static weaklink::fuzz::TempFile json(".json");
  weaklink::fuzz::run_expecting_input_errors([&] {
    if (!text.empty() && (text[0] == '{' || text[0] == '[')) {
      const std::string& path = json.write(data, size);
      try {
        (void)weaklink::read_client(path);
      } catch (const weaklink::InputError&) {
      }
      try {
        const std::string read = weaklink::io::read_text_file(path, weaklink::io::ReadLimits{256});
        if (read.size() > 256 || read != text) weaklink::fuzz::finding("read_text_file returned other bytes", "");
      } catch (const weaklink::InputError&) {
      }
      try {
        const auto client = weaklink::parse_client(text, "fuzz.json");
        if (client.activities.empty()) weaklink::fuzz::finding("client without activities", "");
        if (!(client.person.mass_kg >= 30 && client.person.mass_kg <= 250)) weaklink::fuzz::finding("mass not validated", "");
      } catch (const weaklink::InputError&) {
      }
      const auto profile = weaklink::parse_strength_profile(text, "fuzz.json");
      for (const auto& t : profile.tests)
        if (t.side != "r" && t.side != "l" && t.side != "both") weaklink::fuzz::finding("side not normalised", t.side);
      return;
    }
    const auto table = weaklink::io::CsvTable::parse(text, "fuzz.csv");
    for (const auto& row : table.rows()) {
      if (row.line < 1) weaklink::fuzz::finding("row without a line number", std::to_string(row.line));
      try {
        (void)table.number(row, "value");
      } catch (const weaklink::InputError&) {
      }
    }
  });
  return 0;
}

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/storage.hpp"
#include "support/io_helpers.hpp"
#include "support/reference.hpp"

namespace fs = std::filesystem;
using weaklink::InputError;
using weaklink::io::Table;

using weaklink::test::expect_input_error;
using weaklink::test::TempDir;

namespace {

fs::path data_dir() { return weaklink::test::source_dir() / "tests" / "data" / "io"; }

std::vector<std::string> split_ws(const std::string& line) {
  std::vector<std::string> out;
  std::string token;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r') {
      if (!token.empty()) out.push_back(token);
      token.clear();
    } else {
      token += c;
    }
  }
  if (!token.empty()) out.push_back(token);
  return out;
}

// An independent, deliberately naive reading of a Storage file: header counts, labels and the
// raw data lines (the reference files never wrap rows).
struct Oracle {
  long rows = -1, columns = -1;
  std::vector<std::string> labels;
  std::vector<std::string> data_lines;
};

Oracle oracle(const std::string& text) {
  Oracle o;
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const auto blank = [](const std::string& line) {
    return line.find_first_not_of(" \t\r") == std::string::npos;
  };
  std::size_t i = 0;
  for (; i < lines.size(); ++i) {
    const auto words = split_ws(lines[i]);
    if (words.empty()) continue;
    if (words[0] == "endheader") break;
    const std::string key = words[0].substr(0, words[0].find('='));
    const std::string value = words[0].find('=') != std::string::npos
                                  ? words[0].substr(words[0].find('=') + 1)
                                  : (words.size() > 1 ? words[1] : "");
    if (key == "nRows" || key == "datarows") o.rows = std::stol(value);
    if (key == "nColumns" || key == "datacolumns") o.columns = std::stol(value);
  }
  for (++i; i < lines.size() && blank(lines[i]); ++i) {
  }
  o.labels = split_ws(lines.at(i));
  for (++i; i < lines.size(); ++i)
    if (!blank(lines[i])) o.data_lines.push_back(lines[i]);
  return o;
}

bool is_storage_file(const fs::path& p) {
  const std::string name = p.filename().string();
  for (const char* ext : {".sto", ".mot", ".sto.gz", ".mot.gz"})
    if (name.ends_with(ext)) return true;
  return false;
}

// A data line of the oracle must equal row `r` of the table exactly.
void expect_row(const Table& t, Eigen::Index r, const std::string& line, const fs::path& p) {
  const auto tokens = split_ws(line);
  ASSERT_EQ(tokens.size(), t.labels.size() + 1) << p;
  EXPECT_EQ(t.time[static_cast<std::size_t>(r)], std::strtod(tokens[0].c_str(), nullptr)) << p;
  for (std::size_t j = 0; j < t.labels.size(); ++j)
    EXPECT_EQ(t.data(r, static_cast<Eigen::Index>(j)), std::strtod(tokens[j + 1].c_str(), nullptr))
        << p << " column " << t.labels[j];
}

}  // namespace

// Every .sto/.mot(.gz) in the reference folder reads; counts and labels agree with the file's own
// header. Files whose header disagrees with their data must be reported as such.
TEST(StorageReference, ReadsEveryFileInTheReferenceFolder) {
  WEAKLINK_REQUIRE_REFERENCE();
  int files = 0, gz = 0, mot = 0;
  for (const auto& entry : fs::recursive_directory_iterator(weaklink::test::reference_dir())) {
    if (!entry.is_regular_file() || !is_storage_file(entry.path())) continue;
    const fs::path& p = entry.path();
    SCOPED_TRACE(p.string());
    ++files;
    gz += p.extension() == ".gz";
    mot += p.string().find(".mot") != std::string::npos;
    const Oracle o = oracle(weaklink::io::read_text_file(p));
    const long found = static_cast<long>(o.data_lines.size());
    const bool duplicates =
        std::set<std::string>(o.labels.begin(), o.labels.end()).size() != o.labels.size();

    weaklink::io::StorageReadOptions options;
    if (o.rows > found) {
      expect_input_error([&] { weaklink::io::read_storage(p); },
                         {p.string(), fmt::format("header says {} rows, found {}", o.rows, found)});
      options.allow_fewer_rows = true;
    } else if (duplicates) {
      expect_input_error([&] { weaklink::io::read_storage(p); }, {"duplicate column label"});
      options.make_labels_unique = true;
    }
    const Table t = weaklink::io::read_storage(p, options);

    EXPECT_EQ(static_cast<long>(t.time.size()), std::min(o.rows, found));
    EXPECT_EQ(t.data.rows(), static_cast<Eigen::Index>(t.time.size()));
    EXPECT_EQ(static_cast<long>(t.labels.size()) + 1, o.columns);
    EXPECT_EQ(t.data.cols(), static_cast<Eigen::Index>(t.labels.size()));
    EXPECT_EQ(std::set<std::string>(t.labels.begin(), t.labels.end()).size(), t.labels.size());
    if (!duplicates) {
      EXPECT_EQ(t.labels, std::vector<std::string>(o.labels.begin() + 1, o.labels.end()));
    }
    for (std::size_t i = 1; i < t.time.size(); ++i)
      ASSERT_GT(t.time[i], t.time[i - 1]) << "row " << i;
    ASSERT_FALSE(t.time.empty());
    expect_row(t, 0, o.data_lines.front(), p);
    expect_row(t, t.data.rows() - 1, o.data_lines[t.time.size() - 1], p);
  }
  EXPECT_GT(files, 0);
  EXPECT_GT(gz, 0) << "no .gz storage file exercised";
  EXPECT_GT(mot, 0) << "no .mot file exercised";
}

// Files written by OpenSim 4.5 come back byte for byte: header, description lines, labels and
// every value (the precision is taken from the file's first value).
TEST(StorageReference, RewritesOpenSim45OutputsByteForByte) {
  WEAKLINK_REQUIRE_REFERENCE();
  int files = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(weaklink::test::reference_dir() / "opensim45")) {
    if (!entry.is_regular_file() || !is_storage_file(entry.path())) continue;
    SCOPED_TRACE(entry.path().string());
    const std::string text = weaklink::io::read_text_file(entry.path());
    const Oracle o = oracle(text);
    const std::string first = split_ws(o.data_lines.at(0)).at(0);
    const int precision = static_cast<int>(first.size() - first.find('.') - 1);
    const std::string out =
        weaklink::io::format_storage(weaklink::io::read_storage(entry.path()), precision);
    EXPECT_TRUE(out == text) << "first difference at byte "
                             << std::mismatch(out.begin(), out.end(), text.begin(), text.end())
                                        .first -
                                    out.begin();
    ++files;
  }
  EXPECT_GT(files, 10);
}

TEST(StorageReference, CoordinatesFileAndColumnLookup) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Table t = weaklink::io::read_storage(weaklink::test::reference_dir() / "gait2392-so-jra" /
                                             "subject01_walk1_Kinematics.sto");
  EXPECT_EQ(t.name, "Coordinates");
  EXPECT_EQ(t.version, 1);
  EXPECT_TRUE(t.in_degrees);
  const int hip = t.find_column("hip_flexion_r");
  ASSERT_GE(hip, 0);
  EXPECT_EQ(t.find_column("/jointset/hip_r/hip_flexion_r/value"), hip);
  EXPECT_EQ(t.find_column("hip_r/hip_flexion_r"), hip);
  EXPECT_EQ(t.find_column("no_such_coordinate"), -1);
}

// SIMM header: no version line, keys separated by spaces, "time" label padded with spaces.
TEST(StorageReference, SimmHeaderMotIsVersionZeroAndInDegrees) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Table t = weaklink::io::read_storage(weaklink::test::reference_dir() / "gait2392-so-jra" /
                                             "subject01_walk1_grf.mot");
  EXPECT_EQ(t.version, 0);
  EXPECT_TRUE(t.in_degrees);  // forced for version-0 .mot
  EXPECT_EQ(t.name, "subject01_walk1_grf.mot");
  EXPECT_EQ(t.labels.front(), "right_foot_force_vx");
  bool has_range = false;
  for (const auto& [key, value] : t.metadata)
    has_range |= key.empty() && value.starts_with("range ");
  EXPECT_TRUE(has_range);
}

TEST(StorageReference, VersionZeroStoIsRadiansAndFindsThreeXStateNames) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Table t = weaklink::io::read_storage(weaklink::test::reference_dir() / "arm26" /
                                             "SinglePin_states.sto");
  EXPECT_EQ(t.version, 0);
  EXPECT_FALSE(t.in_degrees);
  const int q = t.find_column("r1_z"), u = t.find_column("r1_z_u");
  ASSERT_GE(q, 0);
  ASSERT_GE(u, 0);
  EXPECT_EQ(t.find_column("/jointset/pin1/r1_z/value"), q);
  EXPECT_EQ(t.find_column("/jointset/pin1/r1_z/speed"), u);
}

TEST(StorageReference, AnglesLineIsKeptAsDescription) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Table t = weaklink::io::read_storage(weaklink::test::reference_dir() / "gait2392-ik-id" /
                                             "subject01_walk1_ik.mot");
  EXPECT_EQ(t.version, 1);
  EXPECT_TRUE(t.in_degrees);
  bool has_angles = false;
  for (const auto& [key, value] : t.metadata) has_angles |= value == "Angles are in degrees.";
  EXPECT_TRUE(has_angles);
}

// ---- Hand-made malformed and unusual files ------------------------------------------------------

TEST(Storage, TruncatedFileNamesHeaderAndFoundRows) {
  const fs::path p = data_dir() / "truncated.sto";
  expect_input_error([&] { weaklink::io::read_storage(p); },
                     {"truncated.sto", "header says 3 rows, found 2"});
  weaklink::io::StorageReadOptions lenient;
  lenient.allow_fewer_rows = true;
  EXPECT_EQ(weaklink::io::read_storage(p, lenient).time.size(), 2u);
}

TEST(Storage, MissingEndheaderIsAnError) {
  expect_input_error([] { weaklink::io::read_storage(data_dir() / "no_endheader.sto"); },
                     {"no_endheader.sto", "endheader"});
}

TEST(Storage, WrongColumnCountNamesLineAndExpectedCount) {
  expect_input_error([] { weaklink::io::read_storage(data_dir() / "wrong_column_count.sto"); },
                     {"wrong_column_count.sto", "line 9", "expected 3 values per row", "found 4"});
}

TEST(Storage, ShortRowIsReportedWhereTheNextRowOverflows) {
  expect_input_error([] { weaklink::io::read_storage(data_dir() / "short_row.sto"); },
                     {"line 9", "row starting on line 8", "expected 3"});
}

TEST(Storage, NonNumericValueNamesLineAndColumn) {
  expect_input_error([] { weaklink::io::read_storage(data_dir() / "non_numeric.sto"); },
                     {"non_numeric.sto", "line 9", "column 'b'", "'abc'"});
}

TEST(Storage, DuplicateLabelsAreAnErrorUnlessRenamed) {
  const fs::path p = data_dir() / "duplicate_labels.sto";
  expect_input_error([&] { weaklink::io::read_storage(p); },
                     {"line 7", "duplicate column label 'a'"});
  weaklink::io::StorageReadOptions rename;
  rename.make_labels_unique = true;
  EXPECT_EQ(weaklink::io::read_storage(p, rename).labels, (std::vector<std::string>{"a", "1_a"}));
}

// The header claims 10^9 rows; reading must grow with the data instead of trusting that number.
TEST(Storage, HugeRowCountInHeaderDoesNotAllocateUpFront) {
  const fs::path p = data_dir() / "huge_nrows.sto";
  expect_input_error([&] { weaklink::io::read_storage(p); },
                     {"header says 1000000000 rows, found 2"});
  weaklink::io::StorageReadOptions lenient;
  lenient.allow_fewer_rows = true;
  const Table t = weaklink::io::read_storage(p, lenient);
  EXPECT_EQ(t.time.size(), 2u);
  EXPECT_EQ(t.data(1, 0), 2.0);
}

TEST(Storage, TabsSpacesTrailingBlanksAndSimmHeader) {
  const Table t = weaklink::io::read_storage(data_dir() / "tabs_spaces.mot");
  EXPECT_EQ(t.name, "mixed");
  EXPECT_EQ(t.version, 0);
  EXPECT_TRUE(t.in_degrees);
  EXPECT_EQ(t.labels, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t.time, (std::vector<double>{0.0, 0.1, 0.2}));
  Eigen::MatrixXd expected(3, 2);
  expected << 1, 2, 3, 4, 5, 6;
  EXPECT_EQ(t.data, expected);
}

TEST(Storage, LegacyRowsMayContinueOnTheNextLine) {
  const Table t = weaklink::io::read_storage(data_dir() / "wrapped_rows.sto");
  EXPECT_FALSE(t.in_degrees);  // version-0 .sto defaults to radians
  Eigen::MatrixXd expected(2, 3);
  expected << 1, 2, 3, 4, 5, 6;
  EXPECT_EQ(t.data, expected);
}

TEST(Storage, TableDialectVec3IsFlattened) {
  const Table t = weaklink::io::read_storage(data_dir() / "table_vec3.sto");
  EXPECT_EQ(t.version, 3);
  EXPECT_EQ(t.labels, (std::vector<std::string>{"A_x", "A_y", "A_z", "B_x", "B_y", "B_z"}));
  ASSERT_EQ(t.data.rows(), 2);
  EXPECT_EQ(t.data(1, 2), 9.0);
  EXPECT_TRUE(std::isnan(t.data(1, 4)));
  EXPECT_EQ(t.metadata, (std::vector<std::pair<std::string, std::string>>{{"Units", "m"}}));
}

TEST(Storage, CrlfAndByteOrderMarkReadLikePlainText) {
  TempDir dir;
  const std::string lf =
      "Coordinates\nversion=1\nnRows=2\nnColumns=2\ninDegrees=yes\nendheader\n"
      "time\tknee\n0\t1.5\n0.5\t-2\n\n";
  std::string crlf = "\xEF\xBB\xBF";
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const Table a = weaklink::io::read_storage(dir.write("lf.sto", lf));
  const Table b = weaklink::io::read_storage(dir.write("crlf.sto", crlf));
  EXPECT_EQ(b.name, "Coordinates");
  EXPECT_TRUE(b.in_degrees);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.data, b.data);
}

TEST(Storage, MissingFileIsAnInputError) {
  expect_input_error([] { weaklink::io::read_storage(data_dir() / "no_such_file.sto"); },
                     {"no_such_file.sto", "not found"});
}

TEST(Storage, FindColumnFallbacks) {
  Table t;
  t.labels = {"hip_flexion_r", "knee_angle_r_u", "soleus_r.activation",
              "hip_r/hip_flexion_l/value"};
  EXPECT_EQ(t.find_column("hip_flexion_r"), 0);
  EXPECT_EQ(t.find_column("/jointset/hip_r/hip_flexion_r/value"), 0);
  EXPECT_EQ(t.find_column("/jointset/hip_r/hip_flexion_l/value"), 3);  // shorter path first
  EXPECT_EQ(t.find_column("/jointset/knee_r/knee_angle_r/speed"), 1);
  EXPECT_EQ(t.find_column("/forceset/soleus_r/activation"), 2);
  EXPECT_EQ(t.find_column("/jointset/knee_r/knee_angle_r/value"), -1);
  EXPECT_EQ(t.find_column("time"), -1);
}

// ---- Writing -----------------------------------------------------------------------------------

TEST(Storage, FormatMatchesPrintf) {
  Table t;
  t.name = "Inverse Dynamics";
  t.labels = {"a", "b"};
  t.time = {0.0, 0.0083333333333};
  t.data.resize(2, 2);
  t.data << -1.23456789012, 1e6 / 3, std::numeric_limits<double>::quiet_NaN(), -0.0;
  t.metadata = {{"", "Units are S.I. units"}, {"", ""}, {"key", "value"}};
  const std::string text = weaklink::io::format_storage(t);
  const auto f = [](double v) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%16.8f", v);
    return std::string(buffer);
  };
  const std::string expected =
      "Inverse Dynamics\nversion=1\nnRows=2\nnColumns=3\ninDegrees=no\n"
      "Units are S.I. units\n\nkey=value\nendheader\ntime\ta\tb\n" +
      f(0.0) + "\t" + f(-1.23456789012) + "\t" + f(1e6 / 3) + "\n" + f(0.0083333333333) + "\t" +
      std::string(13, ' ') + "NaN\t" + f(-0.0) + "\n";
  EXPECT_EQ(text, expected);
  EXPECT_NE(weaklink::io::format_storage(t, 3).find("  -1.235\t"), std::string::npos);
}

TEST(Storage, WriteThenReadReproducesTheTableToPrintedPrecision) {
  TempDir dir;
  Table t;
  t.name = "Static Optimization";
  t.in_degrees = true;
  t.labels = {"glut_med1_r", "/jointset/knee_r/knee_angle_r/value", "FX"};
  t.metadata = {{"", "This file contains static optimization results."}, {"", ""}, {"units", "N"}};
  const int rows = 25;
  t.data.resize(rows, 3);
  for (int i = 0; i < rows; ++i) {
    t.time.push_back(0.5 + i / 120.0);
    t.data(i, 0) = std::sin(i) * 1234.56789;
    t.data(i, 1) = -std::exp(-i) / 7.0;
    t.data(i, 2) = i == 3 ? std::numeric_limits<double>::quiet_NaN() : i * 1e-9;
  }
  for (const char* name : {"round_trip.sto", "round_trip.mot.gz"}) {
    for (int precision : {8, 20}) {
      SCOPED_TRACE(fmt::format("{} precision {}", name, precision));
      weaklink::io::write_storage(dir.path / name, t, precision);
      const Table r = weaklink::io::read_storage(dir.path / name);
      EXPECT_EQ(r.name, t.name);
      EXPECT_EQ(r.version, 1);
      EXPECT_TRUE(r.in_degrees);
      EXPECT_EQ(r.labels, t.labels);
      EXPECT_EQ(r.metadata, t.metadata);
      ASSERT_EQ(r.time.size(), t.time.size());
      ASSERT_EQ(r.data.rows(), t.data.rows());
      const double tolerance = 0.5 * std::pow(10.0, -precision) * (1 + 1e-9) + 1e-12;
      for (int i = 0; i < rows; ++i) {
        EXPECT_NEAR(r.time[static_cast<std::size_t>(i)], t.time[static_cast<std::size_t>(i)],
                    tolerance);
        for (int j = 0; j < 3; ++j) {
          if (std::isnan(t.data(i, j)))
            EXPECT_TRUE(std::isnan(r.data(i, j)));
          else
            EXPECT_NEAR(r.data(i, j), t.data(i, j),
                        tolerance * std::max(1.0, std::abs(t.data(i, j))));
        }
      }
    }
  }
}

TEST(Storage, WriterRejectsMetadataThatWouldBeReadAsHeaderKeys) {
  Table t;
  t.metadata = {{"nRows", "5"}};
  EXPECT_THROW(weaklink::io::format_storage(t), std::invalid_argument);
  t.metadata = {{"", "endheader"}};
  EXPECT_THROW(weaklink::io::format_storage(t), std::invalid_argument);
}

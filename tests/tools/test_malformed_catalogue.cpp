// The malformed and adversarial file catalogue: every row of tests/data/catalogue/manifest.csv
// runs the weaklink CLI on one broken file and checks the exit code (1 for bad input, 0 only for a
// recoverable case, which must then print a warning), that the message names the file and contains
// each expected piece (element or line, what was expected), that nothing reports an internal error
// or dies of a signal, and that a failing run leaves no file in its output folder.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/cli.hpp"
#include "support/reference.hpp"

namespace fs = std::filesystem;

namespace {

using weaklink::test::CliResult;
using weaklink::test::run_cli;

struct Case {
  int line = 0;
  std::string file, command, what;
  int expected_exit = -1;
  std::vector<std::string> expected;
};

std::vector<std::string> split(const std::string& s, char sep, std::size_t max_parts = std::string::npos) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (out.size() + 1 < max_parts) {
    const auto k = s.find(sep, start);
    if (k == std::string::npos) break;
    out.push_back(s.substr(start, k - start));
    start = k + 1;
  }
  out.push_back(s.substr(start));
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto k = s.find(from); k != std::string::npos; k = s.find(from, k + to.size())) s.replace(k, from.size(), to);
}

std::string quoted(const fs::path& p) {
  std::string s(1, '"');
  s += p.string();
  s += '"';
  return s;
}

fs::path catalogue_dir() { return weaklink::test::source_dir() / "tests/data/catalogue"; }

std::vector<Case> read_manifest() {
  std::ifstream in(catalogue_dir() / "manifest.csv");
  std::vector<Case> cases;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (n == 1 || line.empty()) continue;  // header
    const auto f = split(line, ',', 5);    // the description (last column) may contain commas
    if (f.size() != 5) ADD_FAILURE() << "manifest.csv line " << n << ": expected 5 columns";
    if (f.size() != 5) continue;
    Case c;
    c.line = n;
    c.file = f[0];
    c.command = f[1];
    c.expected_exit = std::stoi(f[2]);
    for (const auto& s : split(f[3], '|'))
      if (!s.empty()) c.expected.push_back(s);
    c.what = f[4];
    cases.push_back(c);
  }
  return cases;
}

}  // namespace

TEST(MalformedCatalogue, ManifestListsAtLeast40ExistingFiles) {
  const auto cases = read_manifest();
  EXPECT_GE(cases.size(), 40u);
  for (const auto& c : cases) {
    EXPECT_TRUE(fs::exists(catalogue_dir() / c.file)) << "manifest line " << c.line << ": " << c.file;
    EXPECT_TRUE(c.expected_exit == 0 || c.expected_exit == 1) << "manifest line " << c.line;
    EXPECT_FALSE(c.expected.empty()) << "manifest line " << c.line << ": no expected message";
  }
}

TEST(MalformedCatalogue, EveryCaseFailsCleanlyOrWarns) {
  const fs::path demo = weaklink::test::source_dir() / "data/models/weaklink_demo_leg.osim";
  const fs::path motion = catalogue_dir() / "helper_motion.mot";
  const fs::path root = fs::temp_directory_path() / ("weaklink_catalogue_" + std::to_string(getpid()));
  int k = 0;
  for (const auto& c : read_manifest()) {
    SCOPED_TRACE("manifest line " + std::to_string(c.line) + ": " + c.file + " (" + c.what + ")");
    const fs::path out = root / std::to_string(k++);
    fs::create_directories(out);
    std::string args = c.command;
    replace_all(args, "{file}", quoted(catalogue_dir() / c.file));
    replace_all(args, "{demo}", quoted(demo));
    replace_all(args, "{motion}", quoted(motion));
    replace_all(args, "{out}", out.string());
    const CliResult r = run_cli(args);

    ASSERT_TRUE(r.exited) << "killed by a signal: " << args << "\n" << r.output;
    EXPECT_EQ(r.code, c.expected_exit) << args << "\n" << r.output;
    EXPECT_EQ(r.output.find("internal error"), std::string::npos) << r.output;
    // The message names the case's file, or the file it points to that holds the problem (a setup's
    // coordinates file), which the manifest then lists among the expected substrings.
    bool names_file = r.output.find(fs::path(c.file).filename().string()) != std::string::npos;
    for (const auto& s : c.expected)
      names_file = names_file || (fs::path(s).has_extension() && fs::exists(catalogue_dir() / s) && r.output.find(s) != std::string::npos);
    EXPECT_TRUE(names_file) << "the message must name the file: " << r.output;
    for (const auto& s : c.expected) EXPECT_NE(r.output.find(s), std::string::npos) << "expected '" << s << "' in:\n" << r.output;
    if (c.expected_exit == 0) {
      EXPECT_NE(r.output.find("warning"), std::string::npos) << "a recoverable case must print a warning: " << r.output;
    } else {
      EXPECT_EQ(r.output.find("error: "), 0u) << "expected one 'error: ' message: " << r.output;
      std::vector<std::string> left;
      for (const auto& e : fs::recursive_directory_iterator(out)) left.push_back(e.path().string());
      EXPECT_TRUE(left.empty()) << "a failing run left " << left.size() << " file(s), e.g. " << (left.empty() ? "" : left[0]);
    }
  }
  fs::remove_all(root);
}

// io::OutputSet and io::output_file_name: names from input files are never paths; an output set is
// replaced at once; unusable folders are refused when the set is opened; stale temporaries go.
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/output_set.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using weaklink::InputError;
using weaklink::io::EarlierSet;
using weaklink::io::OutputMode;
using weaklink::io::OutputSet;
using weaklink::io::output_file_name;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void put(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

// The pid of a process that has ended: what a killed run leaves behind is named after such a pid.
long dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

}  // namespace

TEST(OutputFileName, AcceptsNamesAndRefusesPaths) {
  EXPECT_EQ(output_file_name("subject01", "s.xml", "<Model name>"), "subject01");
  EXPECT_EQ(output_file_name("Rajagopal 2015 (v4)", "s.xml", "<Model name>"), "Rajagopal 2015 (v4)");
  EXPECT_EQ(output_file_name("", "s.xml", "<AnalyzeTool name>"), "");
  for (const std::string& bad : std::vector<std::string>{"../../x", "/tmp/x", "a/b", "..\\..\\x", ".", "..", std::string("a\0b", 3), "a\nb", "\x1b[2J"}) {
    const std::string m = message_of([&] { output_file_name(bad, "setup.xml", "line 3 <AnalyzeTool name>"); });
    EXPECT_NE(m.find("setup.xml: line 3 <AnalyzeTool name>: name '"), std::string::npos) << m;
    EXPECT_NE(m.find("a name is never a path"), std::string::npos) << m;
    EXPECT_EQ(m.find('\x1b'), std::string::npos) << "control characters are escaped in the message";
  }
  const std::string m = message_of([&] { output_file_name(std::string(10000, 'x'), "m.osim", "<Model name>"); });
  EXPECT_NE(m.find("longer than 128 bytes"), std::string::npos) << m;
  EXPECT_LT(m.size(), 400u) << "the long name is not echoed whole";
}

TEST(OutputSet, UnusableFoldersAreRefusedWhenOpened) {
  weaklink::test::ScratchDir scratch;
  const fs::path file = scratch.path() / "a_file";
  put(file, "x");
  fs::create_symlink(scratch.path() / "nowhere", scratch.path() / "dangling");
  for (const auto mode : {OutputMode::WholeFolder, OutputMode::SharedFolder}) {
    EXPECT_NE(message_of([&] { OutputSet s("", mode, "-o"); }).find("empty path"), std::string::npos);
    EXPECT_NE(message_of([&] { OutputSet s(file, mode, "-o"); }).find("it is a file"), std::string::npos);
    EXPECT_NE(message_of([&] { OutputSet s("/dev/null", mode, "-o"); }).find("it is a device"), std::string::npos);
    EXPECT_NE(message_of([&] { OutputSet s(scratch.path() / "dangling", mode, "-o"); }).find("which does not exist"), std::string::npos);
    EXPECT_NE(message_of([&] { OutputSet s(file / "sub", mode, "-o"); }).find("cannot create the output folder"), std::string::npos);
  }
  EXPECT_EQ(slurp(file), "x");
}

TEST(OutputSet, ReadOnlyFolderIsRefusedWhenOpened) {
  // Root ignores permission bits, so this case cannot be made as root (CI runs tests as root); the
  // path under a regular file above covers an uncreatable folder there.
  if (::geteuid() == 0) GTEST_SKIP() << "root may write into a read-only folder";
  weaklink::test::ScratchDir scratch;
  const fs::path ro = scratch.path() / "ro";
  fs::create_directories(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_NE(message_of([&] { OutputSet s(ro / "out", OutputMode::WholeFolder, "-o"); }).find("cannot"), std::string::npos);
  EXPECT_NE(message_of([&] { OutputSet s(ro, OutputMode::SharedFolder, "-o"); }).find("cannot write into"), std::string::npos);
  fs::permissions(ro, fs::perms::owner_all);
}

TEST(OutputSet, WholeFolderIsReplacedAtCommitAndUntouchedWithout) {
  weaklink::test::ScratchDir scratch;
  const fs::path out = scratch.path() / "report";
  {
    OutputSet s(out, OutputMode::WholeFolder, "-o");
    s.write("a.csv", "old a");
    s.write("b.csv", "old b");
    EXPECT_FALSE(fs::exists(out)) << "nothing is in place before commit";
    EXPECT_EQ(s.commit().size(), 2u);
  }
  EXPECT_EQ(slurp(out / "a.csv"), "old a");
  {
    OutputSet s(out, OutputMode::WholeFolder, "-o");
    s.write("a.csv", "new a");
  }  // a run that fails before commit
  EXPECT_EQ(slurp(out / "a.csv"), "old a");
  EXPECT_EQ(slurp(out / "b.csv"), "old b");
  {
    OutputSet s(out, OutputMode::WholeFolder, "-o");
    s.write("a.csv", "new a");
    s.commit();
  }
  EXPECT_EQ(slurp(out / "a.csv"), "new a");
  EXPECT_FALSE(fs::exists(out / "b.csv")) << "the folder holds the new set only";
  int entries = 0;
  for (const auto& e : fs::directory_iterator(scratch.path())) entries += e.path() != out ? 1 : 0;
  EXPECT_EQ(entries, 0) << "no staging folder left beside the output folder";
}

TEST(OutputSet, WholeFolderRefusesAFolderWithOtherFiles) {
  weaklink::test::ScratchDir scratch;
  const fs::path out = scratch.path() / "client";
  fs::create_directories(out);
  put(out / "client.json", "{}");
  const std::string m = message_of([&] { OutputSet s(out, OutputMode::WholeFolder, "-o"); });
  EXPECT_NE(m.find("holds 'client.json', which weaklink did not write"), std::string::npos) << m;
  EXPECT_EQ(slurp(out / "client.json"), "{}");
  // A folder of an earlier weaklink version (no marker yet) is recognised by its files' exact
  // names, its signature among them; a name that merely ends like one of them is not.
  const EarlierSet earlier{{"report.json", "loads.csv"}, "report.json"};
  fs::remove(out / "client.json");
  put(out / "my_loads.csv", "mine");
  EXPECT_NE(message_of([&] { OutputSet s(out, OutputMode::WholeFolder, "-o", earlier); }).find("holds 'my_loads.csv'"), std::string::npos);
  fs::remove(out / "my_loads.csv");
  put(out / "loads.csv", "old");
  EXPECT_NE(message_of([&] { OutputSet s(out, OutputMode::WholeFolder, "-o", earlier); }).find("holds no 'report.json'"), std::string::npos);
  EXPECT_EQ(slurp(out / "loads.csv"), "old");
  put(out / "report.json", "{}");
  OutputSet s(out, OutputMode::WholeFolder, "-o", earlier);
  s.write("report.json", "new");
  s.commit();
  EXPECT_EQ(slurp(out / "report.json"), "new");
  // Not the current folder: replacing it would pull it from under the shell.
  EXPECT_NE(message_of([&] { OutputSet c(".", OutputMode::WholeFolder, "-o"); }).find("other than the current one"), std::string::npos);
}

TEST(OutputSet, SharedFolderKeepsOtherFilesAndRemovesStaleTemporaries) {
  weaklink::test::ScratchDir scratch;
  const fs::path out = scratch.path();
  put(out / "setup.xml", "mine");
  put(out / "walking_joint_loads.sto", "old walking");
  const long dead = dead_pid();
  const std::string stale_tmp = ".report.json.tmp-" + std::to_string(dead) + "-3";
  const std::string live_tmp = ".report.json.tmp-" + std::to_string(::getppid()) + "-3";  // a running process's
  put(out / stale_tmp, "half");
  put(out / live_tmp, "busy");
  fs::create_directories(out / (".weaklink-staging-" + std::to_string(dead) + "-0"));
  put(out / (".weaklink-staging-" + std::to_string(dead) + "-0") / "squat_joint_loads.sto", "half");
  // A commit a killed run left half done: completed by the next run into the folder.
  const fs::path commit = out / (".weaklink-commit-" + std::to_string(dead) + "-1");
  fs::create_directories(commit);
  put(commit / "stand_joint_loads.sto", "committed");
  {
    OutputSet s(out, OutputMode::SharedFolder, "-o");
    EXPECT_FALSE(fs::exists(out / stale_tmp));
    EXPECT_TRUE(fs::exists(out / live_tmp));
    EXPECT_FALSE(fs::exists(out / (".weaklink-staging-" + std::to_string(dead) + "-0")));
    EXPECT_FALSE(fs::exists(commit));
    EXPECT_EQ(slurp(out / "stand_joint_loads.sto"), "committed");
    s.write("squat_joint_loads.sto", "new squat");
    EXPECT_FALSE(fs::exists(out / "squat_joint_loads.sto"));
    s.commit();
  }
  EXPECT_EQ(slurp(out / "squat_joint_loads.sto"), "new squat");
  EXPECT_EQ(slurp(out / "walking_joint_loads.sto"), "old walking");
  EXPECT_EQ(slurp(out / "setup.xml"), "mine");
  for (const auto& e : fs::directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().rfind(".weaklink-", 0), std::string::npos) << e.path();
}

TEST(OutputSet, FileNamesAreCheckedAgainAtWrite) {
  weaklink::test::ScratchDir scratch;
  OutputSet s(scratch.path() / "out", OutputMode::WholeFolder, "-o");
  for (const std::string& bad : std::vector<std::string>{"../x.sto", "/tmp/x.sto", "", ".weaklink-output", "..", std::string(300, 'x')})
    EXPECT_THROW(s.write(bad, "x"), InputError) << bad;
}

#include "io/output_set.hpp"

#include "io/atomic_write.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "core/error.hpp"
#include "core/version.hpp"
#include "io/storage.hpp"

namespace weaklink::io {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxNameBytes = 128;
constexpr const char* kMarker = ".weaklink-output";  // marks a folder that holds a weaklink set
constexpr const char* kSharedStaging = ".weaklink-staging-";
constexpr const char* kSharedCommit = ".weaklink-commit-";

std::string errno_text(int err) { return std::system_category().message(err); }

// Test-only fault injection, read once from the environment: every file written into a staging
// folder and every step of a commit counts one step; at step WEAKLINK_TEST_KILL_AT_OUTPUT_STEP the
// process kills itself (SIGKILL, as a crash or the OOM killer would), and the write of step
// WEAKLINK_TEST_ENOSPC_AT_OUTPUT_STEP fails as on a full disk. Tests use them to check that the
// output folder holds exactly one complete set whatever step a run dies at.
struct FaultInjection {
  long kill_at = 0, enospc_at = 0, step = 0;
  FaultInjection() {
    if (const char* s = std::getenv("WEAKLINK_TEST_KILL_AT_OUTPUT_STEP")) kill_at = std::atol(s);
    if (const char* s = std::getenv("WEAKLINK_TEST_ENOSPC_AT_OUTPUT_STEP")) enospc_at = std::atol(s);
  }
};

// Counts one step; returns true when this step's write must fail with ENOSPC.
bool output_step() {
  static FaultInjection faults;
  ++faults.step;
  if (faults.step == faults.kill_at) ::raise(SIGKILL);
  return faults.step == faults.enospc_at;
}

std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  return fmt::format("{}-{}", ::getpid(), counter++);
}

// The pid in a "<prefix><pid>-<n>" name, or -1.
long pid_after(const std::string& name, std::size_t at) {
  const std::size_t dash = name.find('-', at);
  if (dash == std::string::npos || dash == at) return -1;
  for (std::size_t i = at; i < name.size(); ++i)
    if (i != dash && !std::isdigit(static_cast<unsigned char>(name[i]))) return -1;
  return std::atol(name.substr(at, dash - at).c_str());
}

// True when the process that made a temporary no longer runs (it was killed, or the machine
// restarted): what it left is stale. A running process's temporaries are left alone, so two runs
// into one folder at the same time do not destroy each other's staging.
bool owner_gone(long pid) {
  if (pid <= 0) return false;
  if (pid == ::getpid()) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// `.<name>.tmp-<pid>-<n>`: a temporary of write_file_atomically (and of earlier weaklink versions).
long temporary_owner(const std::string& name) {
  if (name.empty() || name[0] != '.') return -1;
  const std::size_t at = name.rfind(".tmp-");
  if (at == std::string::npos || at == 0) return -1;
  return pid_after(name, at + 5);
}

void fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}
void sync_directory(const fs::path& dir) { fsync_path(dir, O_RDONLY | O_DIRECTORY); }


std::string kind_of(const fs::file_status& st) {
  switch (st.type()) {
    case fs::file_type::regular: return "a file";
    case fs::file_type::character:
    case fs::file_type::block: return "a device";
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    default: return "not a folder";
  }
}

// `p` made absolute, with "." and ".." and a trailing separator removed, links resolved where the
// path exists.
fs::path normalised(const fs::path& p, const std::string& option) {
  std::error_code ec;
  fs::path n = fs::absolute(p, ec);
  if (!ec) n = fs::weakly_canonical(n, ec);
  if (ec)
    throw InputError(fmt::format("{} '{}': cannot use this folder ({})", option, quote_input(p.string(), 200), ec.message()));
  if (n.filename().empty() && n.has_parent_path() && n != n.root_path()) n = n.parent_path();
  return n;
}

// Checks that `given` can be (or become) a folder; returns it normalised. `existed` says whether it
// is already there.
fs::path usable_folder(const fs::path& given, const std::string& option, bool& existed) {
  if (given.empty()) throw InputError(fmt::format("{}: the output folder is an empty path", option));
  const std::string shown = fmt::format("'{}'", quote_input(given.string(), 200));
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(given, ec);
  const fs::file_status st = fs::status(given, ec);
  if (fs::is_symlink(link) && !fs::exists(st)) {
    std::error_code ec2;
    const fs::path target = fs::read_symlink(given, ec2);
    throw InputError(fmt::format("{} {}: is a symbolic link to '{}', which does not exist", option, shown,
                                 quote_input(target.string(), 200)));
  }
  if (fs::exists(st)) {
    if (!fs::is_directory(st))
      throw InputError(fmt::format("{} {}: cannot be the output folder: it is {}", option, shown, kind_of(st)));
    existed = true;
    return normalised(given, option);
  }
  existed = false;
  // Absent: the nearest existing ancestor must be a folder (a path under a file cannot be made).
  fs::path a = fs::absolute(given, ec);
  while (a.has_relative_path() && !fs::exists(fs::symlink_status(a, ec))) a = a.parent_path();
  if (!fs::is_directory(fs::status(a, ec)))
    throw InputError(fmt::format("{} {}: cannot create the output folder: '{}' is {}", option, shown,
                                 quote_input(a.string(), 200), fs::exists(fs::status(a, ec)) ? kind_of(fs::status(a, ec)) : "a dangling link"));
  return normalised(given, option);
}

// Creates `dir` and the missing folders above it, listing those it made (deepest last), so that a
// set never committed can remove them again: a failed run leaves no trace, not even a folder.
void create_folder(const fs::path& dir, const std::string& option, std::vector<fs::path>& created) {
  std::error_code ec;
  std::vector<fs::path> missing;
  for (fs::path a = dir; a.has_relative_path() && !fs::exists(fs::symlink_status(a, ec)); a = a.parent_path()) missing.push_back(a);
  created.insert(created.end(), missing.rbegin(), missing.rend());
  fs::create_directories(dir, ec);
  if (ec)
    throw InputError(fmt::format("{} '{}': cannot create the output folder ({})", option, quote_input(dir.string(), 200), ec.message()));
}

// A fresh staging folder; failing to make one is how an unwritable (read-only, full) place shows.
void make_staging(const fs::path& staging, const fs::path& given, const std::string& option) {
  if (::mkdir(staging.c_str(), 0777) != 0)
    throw InputError(fmt::format("{} '{}': cannot write into '{}' ({})", option, quote_input(given.string(), 200),
                                 quote_input(staging.parent_path().string(), 200), errno_text(errno)));
}

// Completes a commit that a killed run left half done: its files are complete (fsynced before the
// commit began), so they are moved into place.
void roll_forward(const fs::path& commit_dir, const fs::path& folder) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(commit_dir, ec)) {
    std::error_code ec2;
    fs::rename(e.path(), folder / e.path().filename(), ec2);
  }
  sync_directory(folder);
  fs::remove_all(commit_dir, ec);
}

// What killed runs left in a shared folder: staging folders (dropped), commit folders (completed)
// and `.<name>.tmp-<pid>-<n>` temporaries (dropped).
void clean_shared_folder(const fs::path& folder) {
  std::error_code ec;
  std::vector<fs::path> stale_staging, stale_commit, stale_tmp;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const std::string n = e.path().filename().string();
    if (starts_with(n, kSharedStaging) && owner_gone(pid_after(n, std::string(kSharedStaging).size())))
      stale_staging.push_back(e.path());
    else if (starts_with(n, kSharedCommit) && owner_gone(pid_after(n, std::string(kSharedCommit).size())))
      stale_commit.push_back(e.path());
    else if (owner_gone(temporary_owner(n)) && e.is_regular_file(ec))
      stale_tmp.push_back(e.path());
  }
  for (const auto& p : stale_commit) roll_forward(p, folder);
  for (const auto& p : stale_staging) fs::remove_all(p, ec);
  for (const auto& p : stale_tmp) fs::remove(p, ec);
}

// The same for a whole-folder set: staging and set-aside siblings of `folder` in its parent.
void clean_whole_folder_siblings(const fs::path& folder) {
  std::error_code ec;
  // fmt, not chained operator+ (GCC 12 warns -Wrestrict on the latter, a known false positive).
  const std::string staging = fmt::format(".{}.weaklink-staging-", folder.filename().string());
  const std::string aside = fmt::format(".{}.weaklink-old-", folder.filename().string());
  for (const auto& e : fs::directory_iterator(folder.parent_path(), ec)) {
    const std::string n = e.path().filename().string();
    if (starts_with(n, staging) && owner_gone(pid_after(n, staging.size()))) {
      fs::remove_all(e.path(), ec);
    } else if (starts_with(n, aside) && owner_gone(pid_after(n, aside.size()))) {
      // A run killed between moving the old set aside and moving the new one in: restore the old.
      if (!fs::exists(fs::symlink_status(folder, ec))) fs::rename(e.path(), folder, ec);
      else fs::remove_all(e.path(), ec);
    }
  }
}

bool is_ancestor_or_same(const fs::path& a, const fs::path& b) {
  auto ia = a.begin(), ib = b.begin();
  for (; ia != a.end(); ++ia, ++ib)
    if (ib == b.end() || *ia != *ib) return false;
  return true;
}

// A whole-folder set replaces the folder, so the folder may hold only an earlier set: it is empty,
// carries the marker, or (folders of weaklink versions before the marker) holds only files named
// exactly as that set's, its signature among them, and temporaries.
void check_replaceable(const fs::path& folder, const std::string& option, const EarlierSet& earlier) {
  std::error_code ec;
  if (fs::exists(folder / kMarker, ec)) return;
  const auto refuse = [&](const std::string& why) {
    throw InputError(fmt::format("{} '{}': {}; weaklink replaces its output folder as a whole, so choose a new or empty folder "
                                 "(or one weaklink wrote before)",
                                 option, quote_input(folder.string(), 200), why));
  };
  bool signed_by_us = false, empty = true;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const std::string n = e.path().filename().string();
    if (temporary_owner(n) >= 0) continue;
    empty = false;
    const bool plain_file = e.is_regular_file(ec) && !e.is_symlink(ec);
    if (!plain_file || std::find(earlier.names.begin(), earlier.names.end(), n) == earlier.names.end())
      refuse(fmt::format("the folder holds '{}', which weaklink did not write", quote_input(n)));
    signed_by_us = signed_by_us || n == earlier.signature;
  }
  if (ec) refuse(fmt::format("cannot list the folder ({})", ec.message()));
  if (!empty && !signed_by_us)
    refuse(fmt::format("the folder holds no '{}', so it is not a set weaklink wrote", quote_input(earlier.signature)));
}

// Why `name` cannot be a file name inside the output folder, or "" when it can.
std::string why_not_a_name(std::string_view name, std::size_t max_bytes) {
  if (name == "." || name == "..") return "it is '.' or '..'";
  if (name.find('/') != std::string_view::npos) return "it contains '/'";
  if (name.find('\\') != std::string_view::npos) return "it contains '\\'";
  if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return "it contains a control character";
  if (name.size() > max_bytes) return fmt::format("it is longer than {} bytes", max_bytes);
  return "";
}

}  // namespace

std::string output_file_name(std::string_view name, const std::string& file, const std::string& where) {
  // A name that is a path is refused, not rewritten: it is an attack or a mistake, and a rewritten
  // name ("a/b" -> "a_b") would put files under names nobody asked for and could collide with
  // another output. OpenSim itself refuses component names with '/' or '\\'.
  if (const std::string why = why_not_a_name(name, kMaxNameBytes); !why.empty())
    throw_input_error(file, where, fmt::format("name '{}' cannot be part of an output file name ({}; a name is never a path)",
                                               quote_input(name), why));
  return std::string(name);
}

OutputSet::OutputSet(fs::path folder, OutputMode mode, std::string option, EarlierSet earlier)
    : given_(folder), mode_(mode), option_(std::move(option)) {
  folder_ = usable_folder(folder, option_, folder_existed_);
  if (mode_ == OutputMode::WholeFolder) {
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    if (!folder_.has_relative_path() || (!ec && is_ancestor_or_same(folder_, normalised(cwd, option_))))
      throw InputError(fmt::format("{} '{}': weaklink replaces its output folder as a whole; give a folder other than the "
                                   "current one or one that holds it", option_, quote_input(folder.string(), 200)));
    create_folder(folder_.parent_path(), option_, created_);
    clean_whole_folder_siblings(folder_);
    if (fs::exists(folder_, ec)) check_replaceable(folder_, option_, earlier);
    staging_ = folder_.parent_path() / fmt::format(".{}.weaklink-staging-{}", folder_.filename().string(), unique_suffix());
    make_staging(staging_, folder, option_);
  } else {
    create_folder(folder_, option_, created_);
    clean_shared_folder(folder_);
    staging_ = folder_ / fmt::format("{}{}", kSharedStaging, unique_suffix());
    make_staging(staging_, folder, option_);
  }
}

OutputSet::~OutputSet() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  // Folders this set created, deepest first; fs::remove leaves any that something else filled.
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) fs::remove(*it, ec);
}

fs::path OutputSet::write(const std::string& name, std::string_view content) {
  const fs::path final = final_path(name);  // for messages
  if (name.empty() || name == kMarker || starts_with(name, kSharedStaging) || starts_with(name, kSharedCommit))
    throw InputError(fmt::format("{}: '{}' cannot be an output file name", option_, quote_input(name)));
  // Names joined from checked parts; NAME_MAX (255 bytes on Linux) is the limit here.
  if (const std::string why = why_not_a_name(name, 255); !why.empty())
    throw_input_error(final.string(), "", fmt::format("'{}' cannot be an output file name ({})", quote_input(name), why));
  if (committed_) throw std::logic_error("OutputSet::write after commit");
  const bool full = output_step();
  const fs::path staged = staging_ / name;
  const int fd = ::open(staged.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) throw_input_error(final.string(), "", fmt::format("cannot write file ({})", errno_text(errno)));
  const auto fail = [&](const char* step, int err) {
    ::close(fd);
    throw_input_error(final.string(), "", fmt::format("cannot write file: {} failed ({})", step, errno_text(err)));
  };
  if (full) fail("write", ENOSPC);
  if (!write_all(fd, content)) fail("write", errno);
  if (::fsync(fd) != 0) fail("fsync", errno);
  if (::close(fd) != 0) throw_input_error(final.string(), "", fmt::format("cannot write file: close failed ({})", errno_text(errno)));
  if (std::find(names_.begin(), names_.end(), name) == names_.end()) names_.push_back(name);
  return final;
}

fs::path OutputSet::write_storage(const std::string& name, const Table& table, int precision) {
  return write(name, storage_file_bytes(name, table, precision));
}

std::vector<fs::path> OutputSet::commit() {
  if (committed_) throw std::logic_error("OutputSet::commit twice");
  if (mode_ == OutputMode::WholeFolder) commit_whole_folder();
  else commit_shared_folder();
  committed_ = true;
  std::vector<fs::path> out;
  for (const auto& n : names_) out.push_back(final_path(n));
  return out;
}

void OutputSet::commit_whole_folder() {
  const fs::path marker = staging_ / kMarker;
  {
    const bool full = output_step();
    const std::string text = fmt::format("This folder was written by weaklink {} as one set; the next run into it replaces it as a whole.\n",
                                         version());
    const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    const bool ok = fd >= 0 && !full && write_all(fd, text) && ::fsync(fd) == 0;
    const int err = full ? ENOSPC : errno;
    if (fd >= 0) ::close(fd);
    if (!ok) throw_input_error(folder_.string(), "", fmt::format("cannot write the output folder ({})", errno_text(err)));
  }
  sync_directory(staging_);
  output_step();
  std::error_code ec;
  if (fs::exists(fs::symlink_status(folder_, ec))) {
    // One rename that swaps the two folders: the folder holds the old or the new set at every instant.
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, folder_.c_str(), RENAME_EXCHANGE) != 0) {
      const int err = errno;
      if (err != EINVAL && err != ENOSYS && err != EOPNOTSUPP)
        throw_input_error(folder_.string(), "", fmt::format("cannot replace the output folder ({})", errno_text(err)));
      // A file system without the exchange: set the old folder aside, move the new one in. A kill
      // between the two leaves no folder; the next run restores the old one (clean_whole_folder_siblings).
      const fs::path aside = folder_.parent_path() / fmt::format(".{}.weaklink-old-{}", folder_.filename().string(), unique_suffix());
      if (::rename(folder_.c_str(), aside.c_str()) != 0)
        throw_input_error(folder_.string(), "", fmt::format("cannot replace the output folder ({})", errno_text(errno)));
      output_step();
      if (::rename(staging_.c_str(), folder_.c_str()) != 0) {
        const int e2 = errno;
        ::rename(aside.c_str(), folder_.c_str());
        throw_input_error(folder_.string(), "", fmt::format("cannot replace the output folder ({})", errno_text(e2)));
      }
      sync_directory(folder_.parent_path());
      fs::remove_all(aside, ec);
      return;
    }
    sync_directory(folder_.parent_path());
    output_step();
    fs::remove_all(staging_, ec);  // now the old set; a kill here leaves it to the next run's cleaning
  } else {
    if (::rename(staging_.c_str(), folder_.c_str()) != 0)
      throw_input_error(folder_.string(), "", fmt::format("cannot create the output folder ({})", errno_text(errno)));
    sync_directory(folder_.parent_path());
  }
}

void OutputSet::commit_shared_folder() {
  // Before the point of no return: every final name must be free for a file.
  std::error_code ec;
  for (const auto& n : names_)
    if (fs::is_directory(fs::symlink_status(folder_ / n, ec)))
      throw_input_error((folder_ / n).string(), "", "cannot write file: a folder of that name is in the way");
  sync_directory(staging_);
  // Interrupts wait until the set is in place (SIGKILL cannot; the commit folder covers that).
  sigset_t hold, previous;
  sigemptyset(&hold);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&hold, s);
  pthread_sigmask(SIG_BLOCK, &hold, &previous);
  output_step();
  const fs::path commit_dir =
      folder_ / fmt::format("{}{}", kSharedCommit, staging_.filename().string().substr(std::string_view(kSharedStaging).size()));
  if (::rename(staging_.c_str(), commit_dir.c_str()) != 0) {
    const int err = errno;
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    throw_input_error(folder_.string(), "", fmt::format("cannot move the results into place ({})", errno_text(err)));
  }
  staging_ = commit_dir;
  sync_directory(folder_);
  for (const auto& n : names_) {
    output_step();
    if (::rename((commit_dir / n).c_str(), (folder_ / n).c_str()) != 0) {
      const int err = errno;
      pthread_sigmask(SIG_SETMASK, &previous, nullptr);
      committed_ = true;  // past the point of no return: the commit folder stays for the next run
      throw_input_error((folder_ / n).string(), "", fmt::format("cannot move the file into place ({}); the rest of the set "
                                                                "waits in '{}' and the next run completes it",
                                                                errno_text(err), commit_dir.filename().string()));
    }
  }
  sync_directory(folder_);
  ::rmdir(commit_dir.c_str());
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

}  // namespace weaklink::io

#pragma once
// Output files: names taken from input files, and whole sets of files replaced at once.
//
// A name from an input file (a setup's tool or analysis name, a model's name, a coordinate's name)
// that becomes part of an output file name is a name, never a path: output_file_name() refuses one
// that could leave the output folder.
//
// OutputSet writes every file of one run into a hidden staging folder (each file fsynced) and puts
// the set in place only in commit(), so that a failure, a kill or a full disk before that leaves
// the earlier set untouched and no partial new set in sight. Two modes:
//  - WholeFolder: the output folder IS the set (assess, weakness, analyze). The staging folder is a
//    sibling; commit() exchanges it with the output folder in one rename (renameat2
//    RENAME_EXCHANGE), so the folder holds the old or the new set at every instant. The folder must
//    be absent, empty or hold an earlier weaklink set: a folder with other files is refused, since
//    replacing it would delete them.
//  - SharedFolder: the set's files sit in a folder that may hold other files and other sets
//    (OpenSim's results_directory, `simulate -o`, a single exported model). The staging folder is
//    inside the output folder; commit() renames it to a commit folder (the point of no return) and
//    then moves each file into place, with SIGINT/SIGTERM/SIGHUP/SIGQUIT held back. A kill -9 or a
//    power loss among those renames leaves the hidden .weaklink-commit-* folder, which the next
//    OutputSet on that folder completes before it does anything else.
// Both modes check the folder when constructed (before any computation): an unusable folder (an
// empty path, a file, a device, a dangling link, under a file, not writable) is an InputError.
// They also remove what killed earlier runs left behind: staging folders and `.<name>.tmp-<pid>-<n>`
// temporaries of processes that no longer run.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace weaklink::io {

struct Table;

// Returns `name` when it can be part of an output file name; otherwise throws InputError naming
// `file`, `where` (the element or attribute) and the quoted name. Refused: '/', '\\', NUL and other
// control characters, "." and "..", and more than 128 bytes.
std::string output_file_name(std::string_view name, const std::string& file, const std::string& where);

enum class OutputMode { WholeFolder, SharedFolder };

// How a folder that weaklink versions before the set marker wrote is recognised, so that it may be
// replaced: it holds only files with exactly these names (and temporaries), among them `signature`,
// a name only weaklink writes. Names are compared whole: "my_loads.csv" is not "loads.csv", and an
// OpenSim results folder of .sto files is never taken for a weaklink set.
struct EarlierSet {
  std::vector<std::string> names;
  std::string signature;
};

class OutputSet {
 public:
  // `option` names where the folder came from in messages (e.g. "-o", "--results-dir",
  // "<results_directory>"). WholeFolder: an existing folder without the marker of a weaklink set
  // is still taken as one when `earlier` recognises it.
  OutputSet(std::filesystem::path folder, OutputMode mode, std::string option, EarlierSet earlier = {});
  ~OutputSet();  // without commit(): the staging folder and the folders made for it are removed
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  // Stages `content` under `name` (a plain file name; checked again here); returns its final path.
  std::filesystem::path write(const std::string& name, std::string_view content);
  // A storage table (format_storage; gzip-compressed for names ending in ".gz").
  std::filesystem::path write_storage(const std::string& name, const Table& table, int precision = 8);
  // Puts the set in place; returns the final paths in the order written.
  std::vector<std::filesystem::path> commit();

  // The folder the set lands in, as given (messages and the paths returned use it).
  const std::filesystem::path& folder() const { return given_; }
  std::filesystem::path final_path(const std::string& name) const { return given_ / name; }

 private:
  void commit_whole_folder();
  void commit_shared_folder();

  std::filesystem::path given_, folder_, staging_;  // folder_: absolute, links resolved
  OutputMode mode_;
  std::string option_;
  std::vector<std::string> names_;
  std::vector<std::filesystem::path> created_;  // folders made for the set, removed if it is never committed
  bool folder_existed_ = false, committed_ = false;
};

}  // namespace weaklink::io

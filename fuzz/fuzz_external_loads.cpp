// libFuzzer target: weaklink::io::read_external_loads (ExternalLoads XML plus its force data file).
//
// Input format: the XML document, optionally followed by the separator line
//     \n@@weaklink-fuzz-datafile@@\n
// and the contents of the force data file (scripts/fuzz.sh builds its seeds that way). The
// harness writes both into a per-process temporary folder (mkdtemp in /tmp, reused for every
// iteration): the XML as "loads.xml" and the data under the name the XML's <datafile> gives, so
// the reader finds it next to the XML exactly as with real files.
//
// Safety: a <datafile> that is not a plain file name (a path with '/', "." or "..") would make the
// reader open arbitrary files of the machine; such inputs are rejected (return -1, not added to
// the corpus). Data files are always written, empty if the input has no data part, so the
// reader's fallback to the current directory is never taken.
//
// Contract: bad input throws weaklink::InputError. Any other exception, a crash, a sanitizer
// report, a hang or a result that breaks the documented invariants is a finding.
#include <cxxabi.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>

#include <pugixml.hpp>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "io/external_loads.hpp"

namespace {

using weaklink::fuzz::finding;
using weaklink::fuzz::TempFile;

constexpr std::string_view kSeparator = "\n@@weaklink-fuzz-datafile@@\n";
constexpr const char* kXmlName = "loads.xml";

// A folder in /tmp created once per process (mkdtemp), emptied after every input.
class TempDir {
 public:
  TempDir() {
    // The pid in the name lets scripts/fuzz.sh remove the folder when the process dies on a
    // finding (libFuzzer leaves with _Exit, so the destructor does not run then).
    std::string templ = "/tmp/weaklink-fuzz-" + std::to_string(::getpid()) + "-loads-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) {
      std::perror("weaklink fuzz: mkdtemp");
      std::abort();
    }
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes a file; false if the name is not acceptable to the file system (too long, ...).
  bool write(const std::string& name, std::string_view bytes) const {
    std::ofstream out(path_ / name, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out);
  }
  void clear() const {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path_, ec))
      std::filesystem::remove_all(entry.path(), ec);
  }

 private:
  std::filesystem::path path_;
};

// The reader's own look-up of <datafile> (OpenSimDocument/ExternalLoads, else ExternalLoads).
// Returns false when the XML is malformed or has no data file name (the reader then fails
// before it opens any data file), with `name` empty.
bool datafile_name(std::string_view xml, std::string& name) {
  name.clear();
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return false;
  pugi::xml_node root = doc.child("OpenSimDocument").child("ExternalLoads");
  if (!root) root = doc.child("ExternalLoads");
  if (!root) return false;
  name = weaklink::io::trim(root.child_value("datafile"));
  return !name.empty();
}

bool plain_file_name(const std::string& name) {
  return name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

void check(const weaklink::io::ExternalLoads& loads) {
  const auto ncols = static_cast<int>(loads.data.labels.size());
  for (const auto& f : loads.forces) {
    for (const int* cols : {f.force_columns, f.point_columns, f.torque_columns})
      for (int k = 0; k < 3; ++k)
        if (cols[k] < -1 || cols[k] >= ncols)
          finding("read_external_loads returned a column index out of range",
                  f.name + ": " + std::to_string(cols[k]) + " of " + std::to_string(ncols));
    if ((f.force_columns[0] >= 0) != !f.force_identifier.empty() ||
        (f.point_columns[0] >= 0) != !f.point_identifier.empty() ||
        (f.torque_columns[0] >= 0) != !f.torque_identifier.empty())
      finding("read_external_loads: identifier and columns disagree", f.name);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const TempDir dir;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // memmem (not string_view::find) so that libFuzzer's interceptor learns the separator.
  const void* sep = ::memmem(input.data(), input.size(), kSeparator.data(), kSeparator.size());
  const std::size_t xml_size =
      sep == nullptr ? input.size() : static_cast<std::size_t>(static_cast<const char*>(sep) - input.data());
  const std::string_view xml = input.substr(0, xml_size);
  const std::string_view payload =
      sep == nullptr ? std::string_view() : input.substr(xml_size + kSeparator.size());

  std::string name;
  if (datafile_name(xml, name)) {
    if (!plain_file_name(name)) return -1;  // would read files outside the temporary folder
  }
  dir.clear();
  if (!dir.write(kXmlName, xml)) finding("cannot write the temporary XML file", dir.path().string());
  if (!name.empty() && name != kXmlName && !dir.write(name, payload)) {
    dir.clear();
    return -1;  // a name the file system refuses (too long, ...): nothing the reader would see
  }

  weaklink::fuzz::run_expecting_input_errors([&] {
    check(weaklink::io::read_external_loads(dir.path() / kXmlName));
  });
  return 0;
}

// The bounded input reader (io/input_file) and what every reader built on it refuses: files that
// are not regular files, files and gzip streams larger than the byte limit, text that is not
// UTF-8, and tables beyond the row and column limits; JSON input with duplicate keys.
#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "chain/client/client.hpp"
#include "chain/client/strength_profile.hpp"
#include "core/error.hpp"
#include "core/thread_limit.hpp"
#include "io/csv_table.hpp"
#include "io/input_file.hpp"
#include "io/json_input.hpp"
#include "io/storage.hpp"
#include "io/trc.hpp"
#include "io/xml_document.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using weaklink::InputError;
namespace io = weaklink::io;

namespace {

void write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

void write_gzip(const fs::path& p, const std::string& bytes) {
  gzFile gz = gzopen(p.string().c_str(), "wb1");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(gz);
}

// The message of the InputError `f` throws ("" if it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& message, const std::string& piece) { return message.find(piece) != std::string::npos; }

const char* const kMotion =
    "Coordinates\nversion=1\nnRows={}\nnColumns=3\ninDegrees=yes\nendheader\n"
    "time\tknee\thip\n";

std::string motion(const std::string& rows, int n) {
  std::string head = kMotion;
  head.replace(head.find("{}"), 2, std::to_string(n));
  return head + rows;
}

}  // namespace

TEST(InputFile, RefusesAFifoWithoutWaitingForAWriter) {
  const weaklink::test::ScratchDir dir;
  const fs::path fifo = dir.path() / "pipe.mot";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string e = error_of([&] { io::read_text_file(fifo); });
  EXPECT_TRUE(has(e, "pipe.mot") && has(e, "FIFO")) << e;
  EXPECT_TRUE(has(error_of([&] { io::read_storage(fifo); }), "FIFO"));
  EXPECT_TRUE(has(error_of([&] { weaklink::read_client(fifo); }), "FIFO"));
  EXPECT_TRUE(has(error_of([&] { weaklink::read_strength_profile(fifo); }), "FIFO"));
}

TEST(InputFile, RefusesDevicesAndDirectories) {
  for (const char* device : {"/dev/zero", "/dev/urandom", "/dev/null"}) {
    if (!fs::exists(device)) continue;
    const std::string e = error_of([&] { io::read_text_file(device); });
    EXPECT_TRUE(has(e, device) && has(e, "character device")) << e;
    EXPECT_TRUE(has(error_of([&] { io::read_trc(device); }), "character device"));
    EXPECT_TRUE(has(error_of([&] { weaklink::read_client(device); }), "character device"));
  }
  const weaklink::test::ScratchDir dir;
  EXPECT_TRUE(has(error_of([&] { io::read_text_file(dir.path()); }), "is a directory"));
  EXPECT_TRUE(has(error_of([&] { io::read_text_file(dir.path() / "missing.sto"); }), "file not found"));
}

TEST(InputFile, CapsPlainBytes) {
  const weaklink::test::ScratchDir dir;
  const fs::path p = dir.path() / "big.sto";
  write(p, std::string(4096, 'a'));
  EXPECT_EQ(io::read_text_file(p, io::ReadLimits{4096}).size(), 4096u);
  const std::string e = error_of([&] { io::read_text_file(p, io::ReadLimits{4095}); });
  EXPECT_TRUE(has(e, "big.sto") && has(e, "more than 4095 bytes")) << e;
  EXPECT_EQ(io::kMaxInputBytes, std::uint64_t{1} << 30);
}

TEST(InputFile, StopsAGzipBombAtTheDecompressedLimit) {
  const weaklink::test::ScratchDir dir;
  const fs::path p = dir.path() / "bomb.sto.gz";
  write_gzip(p, std::string(16u << 20, '0'));  // 16 MiB of one byte: about 16 kB compressed
  ASSERT_LT(fs::file_size(p), 1u << 20);
  const std::string e = error_of([&] { io::read_text_file(p, io::ReadLimits{1u << 20}); });
  EXPECT_TRUE(has(e, "bomb.sto.gz") && has(e, "decompresses to more than 1 MiB")) << e;
  EXPECT_EQ(io::read_text_file(p, io::ReadLimits{16u << 20}).size(), 16u << 20);  // at the limit: read
}

TEST(InputFile, RefusesTextThatIsNotUtf8) {
  const weaklink::test::ScratchDir dir;
  const fs::path p = dir.path() / "client.json";
  const std::string ascii = "{\"age\": 40}";
  std::string utf16le = "\xFF\xFE", utf16_no_mark;
  for (char c : ascii) {
    utf16le += c;
    utf16le += '\0';
    utf16_no_mark += c;
    utf16_no_mark += '\0';
  }
  write(p, utf16le);
  std::string e = error_of([&] { weaklink::read_client(p); });
  EXPECT_TRUE(has(e, "client.json") && has(e, "UTF-16 is not supported; save it as UTF-8")) << e;
  write(p, utf16_no_mark);
  EXPECT_TRUE(has(error_of([&] { weaklink::read_client(p); }), "UTF-16 is not supported"));
  write(p, std::string("\xFF\xFE\0\0", 4) + "x");
  EXPECT_TRUE(has(error_of([&] { io::read_text_file(p); }), "UTF-32 is not supported"));
  write(p, std::string("{\"age\": 40}\n") + std::string(1, '\0') + "\n");
  e = error_of([&] { io::read_text_file(p); });
  EXPECT_TRUE(has(e, "byte 13") && has(e, "NUL byte")) << e;
  // Text given directly (not from a file) is checked too.
  EXPECT_TRUE(has(error_of([&] { weaklink::parse_client(utf16le, "c.json"); }), "UTF-16"));
  EXPECT_TRUE(has(error_of([&] { io::XmlDocument(utf16le, "m.osim"); }), "UTF-16"));
  EXPECT_TRUE(has(error_of([&] { io::CsvTable::parse(utf16le, "t.csv"); }), "UTF-16"));
}

TEST(InputFile, GzipContentUnderAPlainNameIsNamedAsSuch) {
  const weaklink::test::ScratchDir dir;
  write_gzip(dir.path() / "walk.mot.gz", motion("0\t1\t2\n", 1));
  fs::rename(dir.path() / "walk.mot.gz", dir.path() / "walk.mot");
  EXPECT_TRUE(has(error_of([&] { io::read_storage(dir.path() / "walk.mot"); }), "gzip-compressed"));
}

TEST(InputFile, AcceptsAUtf8ByteOrderMark) {
  const weaklink::test::ScratchDir dir;
  write(dir.path() / "walk.mot", "\xEF\xBB\xBF" + motion("0\t1\t2\n0.1\t1\t2\n", 2));
  EXPECT_EQ(io::read_storage(dir.path() / "walk.mot").time.size(), 2u);
  const weaklink::Client c = weaklink::parse_client(
      "\xEF\xBB\xBF{\"age\": 40, \"sex\": \"female\", \"height_m\": 1.7, \"mass_kg\": 60}", "c.json");
  EXPECT_EQ(c.person.age_years, 40);
}

TEST(InputFile, ContentExtensionLooksInsideGz) {
  EXPECT_EQ(io::content_extension("a/walk.TRC.gz"), ".trc");
  EXPECT_EQ(io::content_extension("walk.trc"), ".trc");
  EXPECT_EQ(io::content_extension("walk.sto.gz"), ".sto");
  EXPECT_EQ(io::content_extension("walk"), "");
  EXPECT_TRUE(io::is_gzip_name("x.GZ"));
  EXPECT_FALSE(io::is_gzip_name(".gz"));
}

TEST(InputFile, TableLimits) {
  EXPECT_NO_THROW(io::check_table_size(io::kMaxTableRows, 10, "t.sto", "line 9"));
  EXPECT_TRUE(has(error_of([] { io::check_table_size(io::kMaxTableRows + 1, 1, "t.sto", "line 9"); }), "rows"));
  EXPECT_TRUE(has(error_of([] { io::check_table_size(1, io::kMaxTableColumns + 1, "t.sto", "line 9"); }), "columns"));
  const std::string e = error_of([] { io::check_table_size(io::kMaxTableRows, 20, "t.sto", "line 9"); });
  EXPECT_TRUE(has(e, "t.sto: line 9") && has(e, "values")) << e;
  // A label line beyond the column limit is refused before a row is read.
  const weaklink::test::ScratchDir dir;
  std::string labels = "time";
  for (std::size_t i = 0; i < io::kMaxTableColumns; ++i) labels += " c";
  write(dir.path() / "wide.sto", "wide\nversion=1\nendheader\n" + labels + "\n");
  EXPECT_TRUE(has(error_of([&] { io::read_storage(dir.path() / "wide.sto"); }), "at most 100000 are read"));
}

TEST(InputFile, ThreadCountsAreClamped) {
  EXPECT_EQ(weaklink::worker_threads(2000000000), weaklink::kMaxThreads);
  EXPECT_EQ(weaklink::worker_threads(3), 3);
  EXPECT_GE(weaklink::worker_threads(0), 1);
  EXPECT_GE(weaklink::worker_threads(-5), 1);
}

TEST(JsonInput, DuplicateKeysAreRefusedNamingTheKeyAndWhere) {
  std::string e = error_of([] {
    weaklink::parse_client(R"({"age": 40, "sex": "female", "sex": "male", "height_m": 1.7, "mass_kg": 60})", "client.json");
  });
  EXPECT_TRUE(has(e, "client.json") && has(e, "duplicate key 'sex'") && has(e, "top-level object")) << e;
  e = error_of([] {
    weaklink::parse_client(R"({"age": 40, "sex": "female", "height_m": 1.7, "mass_kg": 60,
      "strength": [{"measure": "hip_abduction", "torque_Nm": 80},
                   {"measure": "hip_abduction", "torque_Nm": 80, "torque_Nm": 90}]})",
                           "client.json");
  });
  EXPECT_TRUE(has(e, "duplicate key 'torque_Nm' in 'strength[1]'")) << e;
  e = error_of([] { weaklink::parse_strength_profile(R"({"tests": [], "tests": []})", "s.json"); });
  EXPECT_TRUE(has(e, "s.json") && has(e, "duplicate key 'tests'")) << e;
  // The same key in different objects is fine.
  EXPECT_NO_THROW(io::parse_json_input(R"({"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 1}, {"x": 2}]})", "j.json"));
}

TEST(JsonInput, NestingAndSizeAreBounded) {
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_TRUE(has(error_of([&] { io::parse_json_input(deep, "d.json"); }), "deeper than 64"));
  EXPECT_NO_THROW(io::parse_json_input(std::string(60, '[') + std::string(60, ']'), "d.json"));
}

TEST(JsonInput, ValuesQuotedInMessagesAreCappedAndEscaped) {
  const std::string e = error_of([] {
    weaklink::parse_client("{\"age\": 40, \"sex\": \"\\u001b[31m" + std::string(10000, 'x') +
                               "\", \"height_m\": 1.7, \"mass_kg\": 60}",
                           "c.json");
  });
  EXPECT_TRUE(has(e, "\\x1b[31m")) << e.substr(0, 200);
  EXPECT_FALSE(has(e, "\x1b"));
  EXPECT_LT(e.size(), 400u);
}

TEST(StorageTimes, AnExactDuplicateRowIsDroppedWithAWarning) {
  const weaklink::test::ScratchDir dir;
  const fs::path p = dir.path() / "so.sto";
  write(p, motion("0\t1\t2\n0.1\t3\t4\n0.1\t3\t4\n", 3));
  const io::Table t = io::read_storage(p);
  ASSERT_EQ(t.time.size(), 2u);
  EXPECT_EQ(t.data.rows(), 2);
  EXPECT_EQ(t.data(1, 0), 3.0);
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_TRUE(has(t.warnings[0], "so.sto") && has(t.warnings[0], "line 10") && has(t.warnings[0], "dropped")) << t.warnings[0];
}

TEST(StorageTimes, DisorderAndNonFiniteTimesAreRefusedWithTheLine) {
  const weaklink::test::ScratchDir dir;
  const fs::path p = dir.path() / "bad.mot";
  write(p, motion("0\t1\t2\n0.1\t3\t4\n0.1\t3\t5\n", 3));
  std::string e = error_of([&] { io::read_storage(p); });
  EXPECT_TRUE(has(e, "bad.mot: line 10") && has(e, "repeats the time of line 9 with different values")) << e;
  write(p, motion("0\t1\t2\n0.2\t3\t4\n0.1\t3\t5\n", 3));
  e = error_of([&] { io::read_storage(p); });
  EXPECT_TRUE(has(e, "bad.mot: line 10") && has(e, "earlier than 0.2")) << e;
  write(p, motion("0\t1\t2\nnan\t3\t4\n", 2));
  e = error_of([&] { io::read_storage(p); });
  EXPECT_TRUE(has(e, "bad.mot: line 9") && has(e, "time is nan")) << e;
  write(p, motion("0\t1\t2\ninf\t3\t4\n", 2));
  EXPECT_TRUE(has(error_of([&] { io::read_storage(p); }), "time is inf"));
}

TEST(JsonInput, AClientNameIsANameNotADocument) {
  const std::string e = error_of([] {
    weaklink::parse_client("{\"name\": \"" + std::string(100000, 'n') + "\", \"age\": 40, \"sex\": \"female\", \"height_m\": 1.7, "
                           "\"mass_kg\": 60}",
                           "c.json");
  });
  EXPECT_TRUE(has(e, "c.json: 'name': 100000 bytes long, at most 200")) << e.substr(0, 200);
  EXPECT_LT(e.size(), 300u);
}

// Whole-number properties: checked as doubles before any conversion (nan or 1e10 into an int is
// undefined behaviour), and named with their element when refused.
TEST(XmlDocumentInteger, AcceptsWholeNumbersInRangeAndRefusesTheRest) {
  const weaklink::io::XmlDocument doc(
      "<T><a>3</a><b>4.0</b><c>nan</c><d>1e10</d><e>2.5</e><f>0</f><g>inf</g><h> </h></T>", "t.xml");
  const auto t = doc.doc().child("T");
  EXPECT_EQ(doc.integer(t, "a", 1, 1, 20), 3);
  EXPECT_EQ(doc.integer(t, "b", 1, 1, 20), 4);
  EXPECT_EQ(doc.integer(t, "missing", 7, 1, 20), 7);
  EXPECT_EQ(doc.integer(t, "h", 7, 1, 20), 7);  // empty: the default, as number() does
  for (const char* bad : {"c", "d", "e", "f", "g"}) {
    try {
      doc.integer(t, bad, 1, 1, 20);
      ADD_FAILURE() << bad << " accepted";
    } catch (const weaklink::InputError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find(std::string("<") + bad + ">"), std::string::npos) << m;
      EXPECT_NE(m.find("expected a whole number from 1 to 20"), std::string::npos) << m;
    }
  }
}

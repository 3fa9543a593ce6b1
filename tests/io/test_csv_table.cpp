// io::CsvTable: RFC 4180 quoting, comment lines, and errors that name the file, line and column.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/csv_table.hpp"

namespace weaklink::io {
namespace {

TEST(CsvTable, ReadsQuotedFieldsAndSkipsComments) {
  const auto t = CsvTable::parse("# a comment\nname,value,note\r\n\nknee,1.5,\"flexed, seated\"\n  # indented comment\nhip,-2e-3,\"say \"\"hi\"\"\"\n",
                                 "t.csv");
  ASSERT_EQ(t.rows().size(), 2u);
  EXPECT_EQ(t.rows()[0].line, 4);
  EXPECT_EQ(t.text(t.rows()[0], "note"), "flexed, seated");
  EXPECT_EQ(t.text(t.rows()[1], "note"), "say \"hi\"");
  EXPECT_DOUBLE_EQ(t.number(t.rows()[1], "value"), -2e-3);
  EXPECT_DOUBLE_EQ(t.number_or(t.rows()[0], "missing", 7.0), 7.0);
}

void expect_error(const std::string& text, const std::string& fragment, const char* column = nullptr) {
  try {
    const auto t = CsvTable::parse(text, "t.csv");
    if (column) (void)t.number(t.rows().at(0), column);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what() << "\nmissing: " << fragment;
  }
}

TEST(CsvTable, ErrorsNameTheLineAndWhatWasExpected) {
  expect_error("", "expected a header row");
  expect_error("a,b\n1,2,3\n", "t.csv: line 2: expected 2 fields as in the header, found 3");
  expect_error("a,b\n\"1,2\n", "t.csv: line 2: malformed CSV");
  expect_error("a,a\n", "column 'a' appears twice");
  expect_error("a,b\n1,x\n", "t.csv: line 2: column 'b': expected a finite number, found 'x'", "b");
  expect_error("a,b\n1,nan\n", "expected a finite number", "b");
  expect_error("a,b\n1,1e999\n", "expected a finite number", "b");
  expect_error("a,b\n1,2\n", "t.csv: header: expected a column named 'c'", "c");
}

}  // namespace
}  // namespace weaklink::io

#include "ingest/csv_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace icrm::ingest {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Reads every record, failing the test on any error.
Rows read_all(CsvReader& reader) {
  Rows rows;
  CsvRecord rec;
  for (;;) {
    auto got = reader.next(rec);
    EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.error().to_string());
    if (!got.ok() || !*got) break;
    rows.emplace_back(rec.fields().begin(), rec.fields().end());
  }
  return rows;
}

std::unique_ptr<CsvReader> must_open(std::string text, CsvOptions options = {}) {
  auto r = CsvReader::from_string(std::move(text), options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? std::move(*r) : nullptr;
}

TEST(CsvReader, ReadsHeaderAndRecords) {
  auto r = must_open("a,b,c\n1,2,3\n4,5,6\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(read_all(*r), (Rows{{"1", "2", "3"}, {"4", "5", "6"}}));
  EXPECT_EQ(r->records(), 2u);
}

TEST(CsvReader, DetectsSemicolonAndTab) {
  auto semi = must_open("\"age\";\"job\"\r\n56;\"housemaid\"\r\n57;\"services\"\r\n");
  ASSERT_TRUE(semi);
  EXPECT_EQ(semi->delimiter(), ';');
  EXPECT_EQ(semi->header(), (std::vector<std::string>{"age", "job"}));
  EXPECT_EQ(read_all(*semi), (Rows{{"56", "housemaid"}, {"57", "services"}}));

  auto tab = must_open("x\ty\n1,5\t2\n");
  ASSERT_TRUE(tab);
  EXPECT_EQ(tab->delimiter(), '\t');
  EXPECT_EQ(read_all(*tab), (Rows{{"1,5", "2"}}));
}

TEST(CsvReader, DetectionIgnoresDelimitersInsideQuotes) {
  EXPECT_EQ(detect_delimiter("name;note\n\"a, b, c\";x\n\"d, e\";y\n"), ';');
  EXPECT_EQ(detect_delimiter("single\n1\n2\n"), ',');
}

TEST(CsvReader, HonoursAGivenDelimiter) {
  auto r = must_open("a;b,c\n1;2,3\n", {.delimiter = ','});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header(), (std::vector<std::string>{"a;b", "c"}));
}

TEST(CsvReader, Rfc4180Quoting) {
  auto r = must_open(
      "id,text\n1,\"hello, world\"\n2,\"line one\nline two\"\n3,\"say \"\"hi\"\"\"\n4,\"\"\n");
  ASSERT_TRUE(r);
  Rows rows = read_all(*r);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][1], "hello, world");
  EXPECT_EQ(rows[1][1], "line one\nline two");
  EXPECT_EQ(rows[2][1], "say \"hi\"");
  EXPECT_EQ(rows[3][1], "");
}

TEST(CsvReader, CountsLinesAcrossQuotedNewlines) {
  auto r = must_open("a,b\n1,\"x\ny\"\n2,3\n");
  ASSERT_TRUE(r);
  CsvRecord rec;
  ASSERT_TRUE(*r->next(rec));
  EXPECT_EQ(rec.line(), 2u);
  ASSERT_TRUE(*r->next(rec));
  EXPECT_EQ(rec.line(), 4u);
}

TEST(CsvReader, StripsBomAndHandlesCrlfCrAndMissingFinalNewline) {
  auto r = must_open("\xEF\xBB\xBFname,v\r\nann,1\rbob,2\r\n\r\ncid,3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header()[0], "name");
  EXPECT_EQ(read_all(*r), (Rows{{"ann", "1"}, {"bob", "2"}, {"cid", "3"}}));
}

TEST(CsvReader, EmptyTrailingFields) {
  auto r = must_open("a,b,c\n1,,\n,,\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(read_all(*r), (Rows{{"1", "", ""}, {"", "", ""}}));
}

TEST(CsvReader, HeaderNamesWithSpacesEmptyAndDuplicates) {
  auto r = must_open(" first name , ,x,x\n1,2,3,4\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header(), (std::vector<std::string>{"first name", "column_2", "x", "x_2"}));
}

TEST(CsvReader, NoHeaderNamesColumnsAndKeepsFirstRecord) {
  auto r = must_open("1,2\n3,4\n", {.header = false});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header(), (std::vector<std::string>{"column_1", "column_2"}));
  EXPECT_EQ(read_all(*r), (Rows{{"1", "2"}, {"3", "4"}}));
}

TEST(CsvReader, EmptyFileIsAnError) {
  auto empty = CsvReader::from_string("");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
  EXPECT_FALSE(CsvReader::from_string("\xEF\xBB\xBF").ok());
  EXPECT_FALSE(CsvReader::from_string("\r\n\r\n").ok());
}

TEST(CsvReader, HeaderOnlyFileHasNoRecords) {
  auto r = must_open("a,b\n");
  ASSERT_TRUE(r);
  CsvRecord rec;
  auto got = r->next(rec);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(*got);
}

TEST(CsvReader, UnterminatedQuoteIsLocated) {
  auto r = must_open("a,b\n1,\"open\n2,3\n");
  ASSERT_TRUE(r);
  CsvRecord rec;
  auto got = r->next(rec);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("line 2, column 2 (\"b\")"), std::string::npos)
      << got.error().message;
  EXPECT_NE(got.error().message.find("unterminated"), std::string::npos);
}

TEST(CsvReader, TextAfterClosingQuoteIsAnErrorAndReadingContinues) {
  auto r = must_open("a,b\n1,\"x\"y\n2,3\n");
  ASSERT_TRUE(r);
  CsvRecord rec;
  auto bad = r->next(rec);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2, column 2"), std::string::npos) << bad.error().message;
  auto good = r->next(rec);
  ASSERT_TRUE(good.ok());
  ASSERT_TRUE(*good);
  EXPECT_EQ(rec[0], "2");
  EXPECT_EQ(rec[1], "3");
}

TEST(CsvReader, WrongWidthIsLocatedAndSkipped) {
  auto r = must_open("a,b\n1,2,3\n4,5\n");
  ASSERT_TRUE(r);
  CsvRecord rec;
  auto bad = r->next(rec);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
  EXPECT_NE(bad.error().message.find("found 3"), std::string::npos);
  ASSERT_TRUE(*r->next(rec));
  EXPECT_EQ(rec[0], "4");
}

TEST(CsvReader, QuotesInsideUnquotedFieldsAreLiteral) {
  auto r = must_open("a,b\n5\" pipe,x\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(read_all(*r), (Rows{{"5\" pipe", "x"}}));
}

TEST(CsvReader, QuotingCanBeTurnedOff) {
  auto r = must_open("s\tl\n\"stray quote\t1\n", {.quote = '\0'});
  ASSERT_TRUE(r);
  EXPECT_EQ(read_all(*r), (Rows{{"\"stray quote", "1"}}));
}

TEST(CsvReader, FieldLengthLimitOnePastFails) {
  auto at = must_open("a,b\n1234,x\n", {.max_field_bytes = 4});
  ASSERT_TRUE(at);
  EXPECT_EQ(read_all(*at).size(), 1u);

  auto past = must_open("a,b\n12345,x\n6,y\n", {.max_field_bytes = 4});
  ASSERT_TRUE(past);
  CsvRecord rec;
  auto got = past->next(rec);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(got.error().message.find("line 2, column 1 (\"a\")"), std::string::npos);
  ASSERT_TRUE(*past->next(rec));  // the next record is still read
  EXPECT_EQ(rec[0], "6");
}

TEST(CsvReader, DefaultFieldLimitOnePastFails) {
  std::string text =
      "a\n" + std::string(kMaxFieldBytes, 'x') + "\n" + std::string(kMaxFieldBytes + 1, 'y') + "\n";
  auto r = must_open(std::move(text), {.delimiter = ','});
  ASSERT_TRUE(r);
  CsvRecord rec;
  auto first = r->next(rec);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(rec[0].size(), kMaxFieldBytes);
  auto second = r->next(rec);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kTooLarge);
}

TEST(CsvReader, ColumnLimitOnePastFails) {
  auto make = [](std::size_t n) {
    std::string line;
    for (std::size_t i = 0; i < n; ++i) line += (i ? "," : "") + std::to_string(i);
    return line + "\n";
  };
  auto at = CsvReader::from_string(make(kMaxColumns) + make(kMaxColumns));
  ASSERT_TRUE(at.ok());
  EXPECT_EQ((*at)->header().size(), kMaxColumns);
  auto past = CsvReader::from_string(make(kMaxColumns + 1));
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(past.error().message.find(std::to_string(kMaxColumns)), std::string::npos);
}

TEST(CsvReader, RecordLengthLimitOnePastFails) {
  auto at = must_open("a,b\n12,34\n", {.max_record_bytes = 5});
  ASSERT_TRUE(at);
  EXPECT_EQ(read_all(*at).size(), 1u);
  auto past = must_open("a,b\n12,345\n", {.max_record_bytes = 5});
  ASSERT_TRUE(past);
  CsvRecord rec;
  auto got = past->next(rec);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kTooLarge);
}

TEST(CsvReader, Utf8PassesThroughAndLatin1IsTranscoded) {
  auto r = must_open(
      "name,price\nCaf\xC3\xA9,\xC2\xA3"
      "5\nCaf\xE9,\x80"
      "3\n");
  ASSERT_TRUE(r);
  Rows rows = read_all(*r);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "Caf\xC3\xA9");
  EXPECT_EQ(rows[0][1],
            "\xC2\xA3"
            "5");
  EXPECT_EQ(rows[1][0], "Caf\xC3\xA9");  // Latin-1 e-acute
  EXPECT_EQ(rows[1][1],
            "\xE2\x82\xAC"
            "3");  // Windows-1252 euro sign
  EXPECT_EQ(r->transcoded_fields(), 2u);
}

TEST(CsvReader, StrictUtf8RejectsInvalidBytesWithLocation) {
  auto r = must_open("a,b\nok,bad\xFF\n", {.encoding = CsvEncoding::kUtf8});
  ASSERT_TRUE(r);
  CsvRecord rec;
  auto got = r->next(rec);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("line 2, column 2"), std::string::npos) << got.error().message;
}

TEST(CsvReader, ForcedWindows1252TranscodesEvenValidLookingBytes) {
  auto r = must_open("a\n\xC3\xA9\n", {.encoding = CsvEncoding::kWindows1252});
  ASSERT_TRUE(r);
  EXPECT_EQ(read_all(*r), (Rows{{"\xC3\x83\xC2\xA9"}}));
}

TEST(CsvReader, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC\xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));  // beyond U+10FFFF
}

TEST(CsvReader, ReadsAcrossChunkBoundaries) {
  // Records much larger in total than one read chunk, with quotes spanning chunk edges.
  std::string text = "id,text\n";
  for (int i = 0; i < 60000; ++i)
    text += std::to_string(i) + ",\"va,l\"\"ue " + std::to_string(i) + "\"\n";
  auto r = must_open(std::move(text));
  ASSERT_TRUE(r);
  Rows rows = read_all(*r);
  ASSERT_EQ(rows.size(), 60000u);
  EXPECT_EQ(rows[59999][1], "va,l\"ue 59999");
  EXPECT_EQ(rows[12345][0], "12345");
}

TEST(CsvReader, MissingFileIsNotFound) {
  auto r = CsvReader::open("/nonexistent/file.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

std::filesystem::path datasets_dir() {
  if (const char* env = std::getenv("ICRM_DATASETS")) return env;
  return std::filesystem::path(ICRM_SOURCE_DIR) / ".." / "shared" / "datasets";
}

TEST(CsvReaderRealData, BankMarketing) {
  auto path = datasets_dir() / "bank-marketing" / "bank-additional-full.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  auto r = CsvReader::open(path.string());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->delimiter(), ';');
  EXPECT_EQ((*r)->header().size(), 21u);
  EXPECT_EQ((*r)->header().back(), "y");
  CsvRecord rec;
  std::size_t yes = 0;
  while (true) {
    auto got = (*r)->next(rec);
    ASSERT_TRUE(got.ok()) << got.error().to_string();
    if (!*got) break;
    yes += rec[20] == "yes";
  }
  EXPECT_EQ((*r)->records(), 41188u);
  EXPECT_EQ(yes, 4640u);
}

TEST(CsvReaderRealData, OnlineRetailIsFast) {
  auto path = datasets_dir() / "online-retail" / "online-retail.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  auto start = std::chrono::steady_clock::now();
  auto r = CsvReader::open(path.string());
  ASSERT_TRUE(r.ok());
  CsvRecord rec;
  std::size_t pound = 0;
  while (true) {
    auto got = (*r)->next(rec);
    ASSERT_TRUE(got.ok()) << got.error().to_string();
    if (!*got) break;
    pound += rec[2].find("\xC2\xA3") != std::string_view::npos;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ((*r)->records(), 541909u);
  EXPECT_EQ(pound, 32u);
  EXPECT_EQ((*r)->transcoded_fields(), 0u);
  EXPECT_LT(seconds, 2.0);  // the whole import budget; reading is a small part of it
}

}  // namespace
}  // namespace icrm::ingest

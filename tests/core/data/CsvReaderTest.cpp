#include "data/CsvReader.h"
#include "data/ParseError.h"

#include <gtest/gtest.h>

namespace dimerec {
namespace {

TEST(CsvReader, HandlesQuotesCrlfAndEmbeddedNewlines) {
    CsvReader reader("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",z\n", "t.csv");
    std::vector<std::string> fields;
    ASSERT_TRUE(reader.next(fields));
    EXPECT_EQ(fields, (std::vector<std::string>{"a", "b"}));
    ASSERT_TRUE(reader.next(fields));
    EXPECT_EQ(reader.line(), 2);
    EXPECT_EQ(fields, (std::vector<std::string>{"x, y", "say \"hi\""}));
    ASSERT_TRUE(reader.next(fields));
    EXPECT_EQ(fields, (std::vector<std::string>{"multi\nline", "z"}));
    EXPECT_FALSE(reader.next(fields));
}

TEST(CsvReader, UnclosedQuoteNamesFileAndLine) {
    CsvReader reader("ok\n\"open,field\n", "bad.csv");
    std::vector<std::string> fields;
    ASSERT_TRUE(reader.next(fields));
    try {
        reader.next(fields);
        FAIL() << "expected a ParseError";
    } catch (const ParseError& error) {
        EXPECT_EQ(error.line(), 2);
        EXPECT_STREQ(error.what(), "bad.csv:2: a quoted field is not closed before the end");
    }
}

}  // namespace
}  // namespace dimerec

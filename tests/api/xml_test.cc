// The XML reader for request bodies: well-formed documents become trees, anything else an
// error, never a crash.

#include "api/xml.h"

#include <gtest/gtest.h>

#include <string>

namespace baton::api::xml {
namespace {

TEST(XmlTest, ElementsNestWithTheirText) {
  auto root = parse(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Object><Key>a.txt</Key></Object><Object><Key>b.txt</Key><VersionId/></Object>"
      "<Quiet>true</Quiet></Delete>");
  ASSERT_TRUE(root) << root.error().cause;
  EXPECT_EQ(root->name, "Delete");
  ASSERT_EQ(root->children.size(), 3u);
  EXPECT_EQ(root->children[1].child("Key")->text, "b.txt");
  ASSERT_NE(root->children[1].child("VersionId"), nullptr);
  EXPECT_EQ(root->children[1].child("VersionId")->text, "");
  EXPECT_EQ(root->child("Quiet")->text, "true");
  EXPECT_EQ(root->child("Missing"), nullptr);
}

TEST(XmlTest, NamespacePrefixesAndAttributesAreDropped) {
  auto root = parse(R"(<s3:Tagging a="1" b='x/>y'><s3:TagSet k="v"/></s3:Tagging>)");
  ASSERT_TRUE(root) << root.error().cause;
  EXPECT_EQ(root->name, "Tagging");
  ASSERT_NE(root->child("TagSet"), nullptr);
}

TEST(XmlTest, EntitiesAndCharacterReferencesAreDecoded) {
  auto root =
      parse("<a>&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#65;&#x42;&#xe9;&#x1F600;</a>");
  ASSERT_TRUE(root) << root.error().cause;
  EXPECT_EQ(root->text, "<b> & \"c\" 'd' AB\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(XmlTest, CdataIsTakenAsWritten) {
  auto root = parse("<a>x<![CDATA[<b>&amp;</b>]]>y</a>");
  ASSERT_TRUE(root) << root.error().cause;
  EXPECT_EQ(root->text, "x<b>&amp;</b>y");
  EXPECT_TRUE(root->children.empty());
}

TEST(XmlTest, CommentsAndAByteOrderMarkAreSkipped) {
  auto root = parse("\xEF\xBB\xBF<!-- before --><a><!-- inside -->t</a><!-- after -->\n");
  ASSERT_TRUE(root) << root.error().cause;
  EXPECT_EQ(root->text, "t");
}

TEST(XmlTest, EscapeWritesWhatParseReadsBack) {
  std::string text = "<a>&\"'\r";
  std::string out;
  escape(out, text);
  EXPECT_EQ(out, "&lt;a&gt;&amp;&quot;&apos;&#xD;");
  auto root = parse("<v>" + out + "</v>");
  ASSERT_TRUE(root) << root.error().cause;
  EXPECT_EQ(root->text, text);
}

TEST(XmlTest, MalformedDocumentsAreErrors) {
  const char* cases[] = {
      "",
      "text",
      "<a>",
      "<a",
      "<a></b>",
      "<a></a><b></b>",
      "<a>&bogus;</a>",
      "<a>&amp</a>",
      "<a>&#;</a>",
      "<a>&#x;</a>",
      "<a>&#xZZ;</a>",
      "<a>&#0;</a>",
      "<a>&#x110000;</a>",
      "<a>&#xD800;</a>",
      "<a>&#99999999999;</a>",
      "<a><![CDATA[x</a>",
      "<a><!-- x</a>",
      "<a b=\"1></a>",
      "<a/ >",
      "</a>",
      "<>",
  };
  for (const char* text : cases) {
    auto root = parse(text);
    ASSERT_FALSE(root) << text;
    EXPECT_EQ(root.error().name, "MalformedXML") << text;
    EXPECT_TRUE(root.error().cause.starts_with("The XML you provided was not well-formed"))
        << root.error().cause;
  }
}

TEST(XmlTest, DeepNestingIsAnErrorNotAStackOverflow) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  auto root = parse(deep);
  ASSERT_FALSE(root);
  EXPECT_NE(root.error().cause.find("nested too deeply"), std::string::npos);
  std::string fine;
  for (int i = 0; i < 60; ++i) fine += "<a>";
  for (int i = 0; i < 60; ++i) fine += "</a>";
  EXPECT_TRUE(parse(fine));
}

}  // namespace
}  // namespace baton::api::xml

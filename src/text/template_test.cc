#include "text/template.h"

#include <gtest/gtest.h>

#include "text/markdown.h"

namespace konfid::text {
namespace {

std::string Render(const std::string& source, const Value& ctx) {
  auto t = Template::Parse(source, "t");
  EXPECT_TRUE(t) << t.error().message();
  return t ? t->Render(ctx, EscapeMarkdown) : "";
}

TEST(Template, VariablesSectionsAndLists) {
  Value ctx;
  ctx.Set("name", "Anna*").Set("yes", true).Set("no", false).Set("obj", Value().Set("x", "1"));
  ctx.Set("items",
          Value::List{Value().Set("v", "a"), Value().Set("v", "b"), Value().Set("v", "c")});
  EXPECT_EQ(Render("Hi {{name}} {{{name}}}", ctx), "Hi Anna\\* Anna*");
  EXPECT_EQ(Render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}!{{/no}}{{^yes}}?{{/yes}}", ctx), "Y!");
  EXPECT_EQ(Render("{{obj.x}}{{#obj}}{{x}}{{name}}{{/obj}}", ctx), "11Anna\\*");
  EXPECT_EQ(Render("{{#items}}{{v}}{{^last}}, {{/last}}{{/items}}", ctx), "a, b, c");
  EXPECT_EQ(Render("{{#items}}{{#first}}[{{/first}}{{v}}{{/items}}", ctx), "[abc");
  EXPECT_EQ(Render("{{missing}}{{#missing}}x{{/missing}}{{^missing}}none{{/missing}}", ctx),
            "none");
  EXPECT_EQ(Render("{{! a comment }}after", ctx), "after");
}

TEST(Template, StandaloneTagsTakeTheirLine) {
  Value ctx;
  ctx.Set("yes", true);
  EXPECT_EQ(Render("a\n{{#yes}}\nb\n{{/yes}}\nc\n", ctx), "a\nb\nc\n");
  EXPECT_EQ(Render("a\n  {{^yes}}  \nb\n{{/yes}}\nc", ctx), "a\nc");
  EXPECT_EQ(Render("{{! comment\n spanning lines }}\nx", ctx), "x");
  // A tag that shares its line with text keeps the line.
  EXPECT_EQ(Render("a {{#yes}}b{{/yes}}\nc", ctx), "a b\nc");
}

TEST(Template, MistakesNameTheLine) {
  auto unclosed = Template::Parse("x\n{{#a}}\ny", "t.md");
  ASSERT_FALSE(unclosed);
  EXPECT_NE(unclosed.error().message().find("t.md:2"), std::string::npos);
  auto crossed = Template::Parse("{{#a}}{{#b}}{{/a}}{{/b}}", "t.md");
  ASSERT_FALSE(crossed);
  EXPECT_NE(crossed.error().message().find("closes {{#b}}"), std::string::npos);
  EXPECT_FALSE(Template::Parse("{{name", "t.md"));
}

TEST(Markdown, ToHtml) {
  std::string md =
      "# Title {#top}\n\nPara **bold** <b>&\nline two\n\n- one\n  more\n- two\n\n## "
      "Sub\ntext \\*not bold\\*";
  EXPECT_EQ(MarkdownToHtml(md),
            "<h1 id=\"top\">Title</h1>\n<p>Para <strong>bold</strong> &lt;b&gt;&amp;\nline "
            "two</p>\n<ul>\n<li>one more</li>\n<li>two</li>\n</ul>\n<h2>Sub</h2>\n<p>text *not "
            "bold*</p>\n");
  EXPECT_EQ(CleanMarkdown("\n# T {#top}\n\n\n\ntext  \n\n"), "# T\n\ntext\n");
  // A value cannot open markup in either form.
  std::string value = EscapeMarkdown("<script>**x**</script> [a](b)");
  EXPECT_EQ(MarkdownToHtml(value).find("<script>"), std::string::npos);
  EXPECT_EQ(MarkdownToHtml(value).find("<strong>"), std::string::npos);
}

}  // namespace
}  // namespace konfid::text

#include "text/template.h"

#include <gtest/gtest.h>

#include "text/markdown.h"

namespace konfid::text {
namespace {

std::string Render(const std::string& source, const Value& ctx, Escaper escape = EscapeMarkdown) {
  auto t = Template::Parse(source, "t", std::move(escape));
  EXPECT_TRUE(t) << t.error().message();
  return t ? t->Render(ctx) : "";
}

TEST(Template, VariablesSectionsAndLists) {
  Value ctx;
  ctx.Set("name", "Anna*").Set("yes", true).Set("no", false).Set("obj", Value().Set("x", "1"));
  ctx.Set("empty", "");
  ctx.Set("items",
          Value::List{Value().Set("v", "a"), Value().Set("v", "b"), Value().Set("v", "c")});
  EXPECT_EQ(Render("Hi {{name}} {{{name}}} {{&name}}", ctx), "Hi Anna\\* Anna* Anna*");
  EXPECT_EQ(Render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}!{{/no}}{{^yes}}?{{/yes}}", ctx), "Y!");
  EXPECT_EQ(Render("{{obj.x}}{{#obj}}{{x}}{{name}}{{/obj}}", ctx), "11Anna\\*");
  EXPECT_EQ(Render("{{#items}}{{v}}{{^last}}, {{/last}}{{/items}}", ctx), "a, b, c");
  EXPECT_EQ(Render("{{#items}}{{#first}}[{{/first}}{{v}}{{/items}}", ctx), "[abc");
  EXPECT_EQ(Render("{{missing}}{{#missing}}x{{/missing}}{{^missing}}none{{/missing}}", ctx),
            "none");
  // An empty string is false, as in the Mustache implementations of JavaScript and Ruby.
  EXPECT_EQ(Render("[{{empty}}]{{#empty}}x{{/empty}}{{^empty}}none{{/empty}}", ctx), "[]none");
  EXPECT_EQ(Render("{{! a comment }}after", ctx), "after");
}

TEST(Template, SectionOverAListOfStrings) {
  Value ctx;
  ctx.Set("words", Value::List{"one", "<two>"});
  EXPECT_EQ(Render("{{#words}}- {{.}}\n{{/words}}", ctx, {}), "- one\n- &lt;two&gt;\n");
}

TEST(Template, StandaloneTagsTakeTheirLine) {
  Value ctx;
  ctx.Set("yes", true).Set("no", false).Set("x", "");
  EXPECT_EQ(Render("a\n{{#yes}}\nb\n{{/yes}}\nc\n", ctx), "a\nb\nc\n");
  EXPECT_EQ(Render("a\n{{#no}}\nb\n{{/no}}\nc\n", ctx), "a\nc\n");
  EXPECT_EQ(Render("a\n  {{^yes}}  \nb\n{{/yes}}\nc", ctx), "a\nc");
  EXPECT_EQ(Render("{{! comment\n spanning lines }}\nx", ctx), "x");
  // A tag that shares its line with text keeps the line, even when all of it renders blank.
  EXPECT_EQ(Render("a {{#yes}}b{{/yes}}\nc", ctx), "a b\nc");
  EXPECT_EQ(Render("a\n{{#no}}b{{/no}}\nc", ctx), "a\n\nc");
  EXPECT_EQ(Render("{{#yes}}\n- a\n{{/yes}}\n\n{{#yes}}\nb\n{{/yes}}\n", ctx), "- a\n\nb\n");
}

TEST(Template, HtmlEscapingByDefault) {
  Value ctx;
  ctx.Set("v", "<a href=\"x\">O'Brien & Co</a>");
  EXPECT_EQ(Render("<p title=\"{{v}}\">{{v}}</p>{{{v}}}", ctx, {}),
            "<p title=\"&lt;a href=&quot;x&quot;&gt;O&apos;Brien &amp; Co&lt;/a&gt;\">"
            "&lt;a href=&quot;x&quot;&gt;O&apos;Brien &amp; Co&lt;/a&gt;</p>"
            "<a href=\"x\">O'Brien & Co</a>");
}

TEST(Template, Partials) {
  auto item = Template::Parse("<li>{{name}}</li>\n", "item.html");
  auto layout = Template::Parse("<title>{{title}}</title>\n{{>body}}", "layout.html");
  auto body =
      Template::Parse("<ul>\n{{#people}}\n{{>item.html}}\n{{/people}}\n</ul>\n", "body.html");
  ASSERT_TRUE(item && layout && body);
  Partials partials{{"item.html", *item}, {"body", *body}};
  Value ctx;
  ctx.Set("title", "A & B")
      .Set("people", Value::List{Value().Set("name", "<Anna>"), Value().Set("name", "Boris")});
  EXPECT_EQ(layout->Render(ctx, partials),
            "<title>A &amp; B</title>\n<ul>\n<li>&lt;Anna&gt;</li>\n<li>Boris</li>\n</ul>\n");
  // A partial is a template given to Render, never a value: values cannot become templates.
  ctx.Set("body", "{{title}}");
  EXPECT_EQ(layout->Render(ctx), "<title>A &amp; B</title>\n");
}

TEST(Template, MistakesNameTheLine) {
  auto unclosed = Template::Parse("x\n{{#a}}\ny", "t.md");
  ASSERT_FALSE(unclosed);
  EXPECT_NE(unclosed.error().message().find("t.md:2"), std::string::npos)
      << unclosed.error().message();
  auto crossed = Template::Parse("{{#a}}\n{{#b}}{{/a}}{{/b}}", "t.md");
  ASSERT_FALSE(crossed);
  EXPECT_NE(crossed.error().message().find("t.md:"), std::string::npos);
  auto open_tag = Template::Parse("a\n{{name", "t.md");
  ASSERT_FALSE(open_tag);
  EXPECT_NE(open_tag.error().message().find("t.md:2"), std::string::npos);
  EXPECT_FALSE(Template::Parse("{{=<% %>=}}", "t.md"));
}

TEST(Markdown, ToHtml) {
  std::string md =
      "# Title {#top}\n\nPara **bold** *em* <b>&\nline two\n\n- one\n- two *x*\n\n## "
      "Sub\ntext \\*not bold\\*";
  EXPECT_EQ(MarkdownToHtml(md),
            "<h1 id=\"top\">Title</h1>\n<p>Para <strong>bold</strong> <em>em</em> "
            "&lt;b&gt;&amp;\nline two</p>\n<ul>\n<li>one</li>\n<li>two <em>x</em></li>\n</ul>\n"
            "<h2>Sub</h2>\n<p>text *not bold*</p>\n");
  EXPECT_EQ(CleanMarkdown("\n# T {#top}\n\n\n\ntext  \n\n"), "# T\n\ntext\n");
}

TEST(Markdown, RawHtmlIsShownAsText) {
  EXPECT_EQ(MarkdownToHtml("<div onclick=\"x()\">\nhi\n</div>\n\nA <script>b</script> c"),
            "<p>&lt;div onclick=&quot;x()&quot;&gt;\nhi\n&lt;/div&gt;</p>\n"
            "<p>A &lt;script&gt;b&lt;/script&gt; c</p>\n");
  // Link destinations that run code are dropped (cmark's safe mode).
  EXPECT_EQ(MarkdownToHtml("[x](javascript:alert(1))"), "<p><a href=\"\">x</a></p>\n");
}

TEST(Markdown, EscapedValuesAddNoMarkup) {
  for (std::string value :
       {"<script>**x**</script> [a](b) _c_ `d` &copy; &#60;", "- item", "+ item", "1. first",
        "12) twelfth", "---", "===", "~~~", "# heading", "> quote"}) {
    std::string md = "Text\n" + EscapeMarkdown(value) + "\n";
    std::string html = MarkdownToHtml(md);
    EXPECT_TRUE(html.starts_with("<p>Text\n")) << value << " -> " << html;
    for (const char* tag : {"<script", "<strong", "<em", "<a ", "<code", "<li", "<h", "<hr",
                            "<blockquote", "<pre", "&copy;", "&#60;"})
      EXPECT_EQ(html.find(tag), std::string::npos) << value << " -> " << html;
  }
  // Values that only look like markers stay as they are in the Markdown.
  EXPECT_EQ(EscapeMarkdown("+7 495 000-00-00, AT&T, 2024. year"),
            "+7 495 000-00-00, AT&T, 2024. year");
  EXPECT_EQ(EscapeMarkdown("line\nbreak\r\n"), "line break  ");
}

}  // namespace
}  // namespace konfid::text

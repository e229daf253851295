// The frame of a self-contained report.html: inline styles, the inlined charting libraries and
// their notices, the data as JSON, and a small script that hands each chart's Vega-Lite spec to
// vega-embed. No network: the page works from file:// and offline.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/report_assets.h"

namespace bvr {

// One chart: a Vega-Lite spec whose data are named datasets (`uses`) of the page.
struct Chart {
  std::string id;  // unique on the page, [a-z0-9-]
  std::string title;
  std::string caption;  // HTML
  nlohmann::ordered_json spec;
  std::vector<std::string> uses;
};

// A named table of the page, stored column names once (rows as arrays) to keep the file small.
struct Dataset {
  std::string name;
  std::vector<std::string> fields;
  std::vector<std::string> rows;  // each a JSON array text, e.g. ["lease",1.5,null]
};

std::string escape_html(std::string_view text);
// JSON text that is safe inside <script>: "<", ">" and "&" become \u003c, \u003e, \u0026.
std::string json_for_script(std::string_view json_text);
// A number as JSON text with at most `decimals` decimals, without trailing zeros.
std::string json_number(double value, int decimals);

// A Vega-Lite spec from JSON text, with its schema and width; tooltip fields without a type are
// typed (quantitative when they have a number format, nominal otherwise).
nlohmann::ordered_json vega_lite_spec(const std::string& text, int width);

// The <figure> a chart draws into.
std::string chart_figure(const Chart& chart);

// The whole page. `body` is HTML placed in <main>; it holds chart_figure() of every chart.
std::string html_page(const std::string& title, const std::string& body, const std::vector<Chart>& charts,
                      const std::vector<Dataset>& datasets, const ReportAssets& assets);

// Inline Markdown as report.md writes it (**bold**, `code`) to HTML, escaped.
std::string markdown_inline_html(std::string_view text);
// The part of a Markdown document under `heading` (e.g. "## Verdict") up to the next heading
// of that level, as HTML: bullets, paragraphs and pipe tables.
std::string markdown_section_html(std::string_view markdown, std::string_view heading);

}  // namespace bvr

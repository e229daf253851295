#include "report/report_assets.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#ifndef BVR_ASSETS_DIR_DEFAULT
#define BVR_ASSETS_DIR_DEFAULT "tools/report-assets/dist"
#endif

namespace bvr {

std::string report_assets_dir() {
  const char* env = std::getenv("BVR_ASSETS_DIR");
  return env && *env ? env : BVR_ASSETS_DIR_DEFAULT;
}

std::optional<ReportAssets> load_report_assets(std::string& why) {
  const std::string dir = report_assets_dir();
  auto read = [&](const char* name, std::string& out) {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    if (!in) {
      why = fmt::format("{}/{} not found: run tools/setup.sh to install the charting libraries "
                        "(or point BVR_ASSETS_DIR to a folder holding them)", dir, name);
      return false;
    }
    std::stringstream s;
    s << in.rdbuf();
    out = s.str();
    // Inside <script>, "</script" ends the element and "<!--" changes how the parser reads on:
    // a bundle holding either cannot be inlined as it is.
    std::string lower = out;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.find("</script") != std::string::npos || lower.find("<!--") != std::string::npos) {
      why = fmt::format("{}/{} contains \"</script\" or \"<!--\" and cannot be inlined into report.html", dir, name);
      return false;
    }
    return true;
  };
  ReportAssets a;
  if (!read("vega.min.js", a.vega_js) || !read("vega-lite.min.js", a.vega_lite_js) ||
      !read("vega-embed.min.js", a.vega_embed_js) || !read("THIRD-PARTY-NOTICES.txt", a.notices))
    return std::nullopt;
  return a;
}

}  // namespace bvr

// The charting libraries report.html inlines (Vega, Vega-Lite, vega-embed) and their licence
// notices, read from the folder tools/setup.sh fills (tools/report-assets/dist). The environment
// variable BVR_ASSETS_DIR overrides the folder the build compiled in.
#pragma once
#include <optional>
#include <string>

namespace bvr {

struct ReportAssets {
  std::string vega_js, vega_lite_js, vega_embed_js;
  std::string notices;  // THIRD-PARTY-NOTICES.txt
};

// The folder: $BVR_ASSETS_DIR, else the one compiled in.
std::string report_assets_dir();

// nullopt, with `why` set to a one-line explanation and the fix, when a file is missing or
// could not be inlined safely.
std::optional<ReportAssets> load_report_assets(std::string& why);

}  // namespace bvr

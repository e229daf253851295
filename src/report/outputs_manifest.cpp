#include "report/outputs_manifest.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scenario/plain_name.h"

namespace bvr {

namespace {
constexpr const char* format_tag = "bvr-run-outputs/1";
}

bool is_run_output_name(const std::string& name) {
  if (name == "results.json" || name == "report.md" || name == "report.html" || name == "cashflows.csv" ||
      name == "cashflows.xlsx")
    return true;
  return name.starts_with("series-") && name.ends_with(".csv") &&
         is_plain_name(std::string_view(name).substr(7, name.size() - 11));
}

std::string outputs_manifest_json(const std::vector<std::string>& files) {
  nlohmann::ordered_json j;
  j["format"] = format_tag;
  j["files"] = files;
  return j.dump(2) + "\n";
}

std::vector<std::string> read_outputs_manifest(const std::string& dir, std::string& problem) {
  problem.clear();
  const std::filesystem::path path = std::filesystem::path(dir) / "outputs.json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> files;
  try {
    const auto j = nlohmann::json::parse(text.str());
    if (!j.is_object() || j.value("format", "") != format_tag) {
      problem = fmt::format("{}: not a {} file", path.string(), format_tag);
      return {};
    }
    for (const auto& entry : j.at("files"))
      if (entry.is_string() && is_run_output_name(entry.get<std::string>())) files.push_back(entry.get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    problem = fmt::format("{}: cannot be read: {}", path.string(), e.what());
    return {};
  }
  return files;
}

}  // namespace bvr

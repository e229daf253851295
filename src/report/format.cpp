#include "report/format.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "sim/verdict.h"

namespace bvr {

std::string format_usd(double usd) {
  const double a = std::fabs(usd);
  const char* sign = usd < 0 ? "-" : "";
  if (a >= 1e9) return fmt::format("{}${:.2f}B", sign, a / 1e9);
  if (a >= 1e6) return fmt::format("{}${:.1f}M", sign, a / 1e6);
  if (a >= 1e3) return fmt::format("{}${:.1f}k", sign, a / 1e3);
  return fmt::format("{}${:.0f}", sign, a);
}

std::string format_days(double days) { return fmt::format("{:.1f}", days); }

std::string format_percent(double fraction) { return fmt::format("{:.1f} %", fraction * 100); }

std::string format_bytes(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.2f} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.1f} MB", bytes / 1e6);
  return fmt::format("{:.0f} kB", bytes / 1e3);
}

std::string format_seconds(double seconds) {
  if (seconds >= 1) return fmt::format("{:.2f} s", seconds);
  return fmt::format("{:#.3g} ms", seconds * 1e3);
}

bool at_horizon(double days, double horizon_days) {
  return horizon_days > 0 && days >= horizon_days * (1 - 1e-12);  // a mean of horizons may round below it
}

std::string format_days_within(double days, double horizon_days) {
  if (at_horizon(days, horizon_days)) return "> " + format_days(horizon_days);
  return format_days(days);
}

std::string format_share_done(double fraction) {
  if (fraction > 0 && fraction < 1e-3) return fmt::format("{:.2g} %", fraction * 100);
  return format_percent(fraction);
}

namespace {

std::string format_more_days(double days) {
  if (days < 1e5) return fmt::format("about {:.0f} more days", days);
  return fmt::format("about {:.2g} more days ({:.2g} years)", days, days / 365.25);
}

}  // namespace

std::string unfinished_text(const Results& r, const OptionResult& o) {
  const auto unfinished = static_cast<int>(std::lround((1 - o.finished_share) * r.replications));
  const Unfinished u = unfinished_progress(o, r.horizon_days);
  std::string text = fmt::format("did not finish every training run within the horizon in {} of {} replication{}; "
                                 "{} of the workload's FLOP done (mean)",
                                 unfinished, r.replications, r.replications == 1 ? "" : "s", format_share_done(u.done_share));
  if (u.more_days_at_final_speed >= 0)
    return text + fmt::format("; at its speed over the first replication's last 30 days it would need {}",
                              format_more_days(u.more_days_at_final_speed));
  if (u.more_days_at_mean_speed >= 0)
    return text + fmt::format("; at its mean speed over the horizon it would need {}", format_more_days(u.more_days_at_mean_speed));
  return text + "; it did no training";
}

std::string parameter_label(const std::string& key, const std::string& value_text) {
  std::string path = key;
  if (path.starts_with("options.")) path.erase(0, 8);
  std::string label;
  const std::size_t dot = path.find('.');
  label = dot == std::string::npos ? path : path.substr(0, dot) + ": ";
  if (dot != std::string::npos)
    for (char c : path.substr(dot + 1)) label += c == '_' ? ' ' : c == '.' ? ' ' : c;
  // The unit: what follows the number in the value, if anything.
  const std::size_t space = value_text.find(' ');
  if (space != std::string::npos && space + 1 < value_text.size()) label += " (" + value_text.substr(space + 1) + ")";
  return label;
}

std::string cause_label(const std::string& cause) {
  static const std::map<std::string, std::string> labels = {
      {"lease_billing", "lease bills"},
      {"gpu_servers", "GPU servers"},
      {"network", "network"},
      {"facility", "facility"},
      {"power_plant", "power plant"},
      {"electricity", "electricity"},
      {"fuel", "fuel"},
      {"residual_value", "residual value (credit)"},
      {"lease_storage_egress", "lease storage and egress"},
      {"lease_termination", "lease termination fee"},
      {"spares", "spare servers"},
      {"maintenance", "maintenance"},
      {"insurance_property", "insurance and property tax"},
      {"staff", "staff"},
      {"network_storage_opex", "WAN and storage opex"},
      {"colocation", "colocation fees"},
      {"value_beyond_runs", "value beyond the runs (credit)"},
      {"sublet_income", "sublet income (credit)"},
      {"time_value_of_delay", "time value of delay"}};
  const auto it = labels.find(cause);
  return it == labels.end() ? cause : it->second;
}

bool is_credit_beyond_runs(std::string_view category) {
  for (std::size_t c = 0; c < cost_category_count; ++c)
    if (cost_category_name(static_cast<CostCategory>(c)) == category) return is_credit_beyond_runs(static_cast<CostCategory>(c));
  return false;
}

std::string sourced(const std::string& text, const std::string& keys) { return text + "\x1f" + keys + "\x1e"; }

std::string sourced_inline(const std::string& text, const std::string& keys) {
  std::string out(1, '\x1d');
  out += sourced(text, keys);
  return out;
}

std::string strip_sources(std::string_view model) {
  std::string out;
  out.reserve(model.size());
  for (std::size_t at = 0; at < model.size();) {
    const std::size_t open = model.find('\x1f', at);
    if (open == std::string_view::npos) {
      out += model.substr(at);
      break;
    }
    out += model.substr(at, open - at);
    const std::size_t close = model.find('\x1e', open);
    at = close == std::string_view::npos ? model.size() : close + 1;
  }
  std::erase(out, '\x1d');  // where a figure in prose began
  return out;
}

SourcedCell split_source(std::string_view cell) {
  const std::size_t open = cell.find('\x1f');
  if (open == std::string_view::npos) return {std::string(cell), ""};
  const std::size_t close = cell.find('\x1e', open);
  const std::string_view keys = cell.substr(open + 1, (close == std::string_view::npos ? cell.size() : close) - open - 1);
  std::string text(cell.substr(0, open));
  if (close != std::string_view::npos) text += cell.substr(close + 1);
  return {text, std::string(keys)};
}

}  // namespace bvr

// The scenario's market (docs/market.md): named price paths, the GPU-hour demand beyond the runs,
// and the references sites make to paths (an index-linked lease, a sublet, a resale at a
// used-hardware index, an energy price). Every error names file:line:column and the key path.
#pragma once
#include <cstdint>
#include <vector>

#include "models/capacity_value.h"
#include "models/market.h"
#include "models/options.h"
#include "scenario/yaml_reader.h"

namespace bvr {

// `market:` a mapping of path name to {points, scale, forward_change_per_year, uncertainty, source}.
std::vector<PricePath> load_market(const YamlValue& v, std::int64_t start_day);

// A path named by `name` (a scalar) that prices `kind`: its index in `market`.
std::size_t market_path_ref(const YamlValue& name, const std::vector<PricePath>& market, PriceKind kind);

// A lease's `index:` {path, spread, floor, cap}.
IndexTerms load_index_terms(const YamlValue& v, const std::vector<PricePath>& market);

// An owned site's `sublet:` {index, fee, utilization}.
Sublet load_sublet(const YamlValue& v, const std::vector<PricePath>& market);

// `demand:` {gpu_hours: [{from, gpus}], value | value_index}.
GpuHourDemand load_demand(const YamlValue& v, std::int64_t start_day, const std::vector<PricePath>& market);

}  // namespace bvr

// Reads a YAML tree while remembering where each value came from, so every complaint about it
// names the file, line, column and key path. The loader is written against this class only.
#pragma once
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenario/overrides.h"
#include "scenario/units.h"

namespace bvr {

struct YamlSource {
  std::string file;
  // Values replaced from the command line: key path -> the "--set key.path=value" text, so an
  // error in one of them points at the command line rather than at the file.
  std::map<std::string, std::string> overrides;
};

class YamlValue {
 public:
  YamlValue(YAML::Node node, std::string path, std::shared_ptr<const YamlSource> source)
      : node_(std::move(node)), path_(std::move(path)), source_(std::move(source)) {}
  YamlValue(const YamlValue&) = default;
  // Assignment rebinds this value to the other's node. (yaml-cpp's Node::operator= would instead
  // make the node this value stood for an alias of the other's, changing the tree itself.)
  YamlValue& operator=(const YamlValue& other) {
    node_.reset(other.node_);
    path_ = other.path_;
    source_ = other.source_;
    fallback_mark_ = other.fallback_mark_;
    return *this;
  }

  const std::string& path() const { return path_; }
  const std::string& source_file() const { return source_->file; }
  const YAML::Node& node() const { return node_; }
  // A deep copy of this tree with one more --set applied, blamed on the command line as usual.
  YamlValue with_override(const Override& change) const;
  // A mapping of `base`'s keys with this mapping's keys over them (except `skip`), at this
  // value's path: what `like: <option>` makes of a site. Each value keeps its own position.
  YamlValue overlaid_on(const YamlValue& base, std::string_view skip) const;

  // Throws InputError "file:line:column: path: what". `column_offset` moves the column right,
  // to point inside a scalar.
  [[noreturn]] void fail(const std::string& what, std::size_t column_offset = 0) const;
  // The same place and path as fail() would give, as a warning to the loading scenario's sink
  // (scenario/input_warning.h): the value loads, but probably is not what was meant.
  void warn(const std::string& what) const;

  // Maps. `allow_keys` rejects any other key, suggesting the closest allowed one.
  void expect_map() const;
  void allow_keys(std::initializer_list<std::string_view> keys) const;
  YamlValue at(std::string_view key) const;  // required
  std::optional<YamlValue> find(std::string_view key) const;
  // An optional key's value, nothing when it is absent or cleared with ~ (--set key=~).
  std::optional<YamlValue> find_set(std::string_view key) const;
  std::vector<std::pair<std::string, YamlValue>> entries() const;  // in file order

  // The value at a dotted key path below this one ("reliability.failure_classes.2.rate", list
  // items by index), as at() and items() would reach it: where to blame a problem found on the
  // loaded numbers (bounds.h). Fails like at() on the first part that is missing.
  YamlValue at_path(std::string_view dotted) const;

  // Sequences; `min_items` makes an empty or short list an error.
  std::vector<YamlValue> items(std::size_t min_items = 0) const;

  // Scalars.
  std::string text() const;
  double quantity(Dimension dim) const;
  double positive(Dimension dim) const;        // > 0
  double non_negative(Dimension dim) const;    // >= 0
  double fraction(double min, double max) const;  // "38 %" or 0.38, inside [min, max]
  int count(int min, int max) const;           // a whole number inside [min, max]
  std::int64_t date() const;                   // days since 1970-01-01
  std::string choice(std::initializer_list<std::string_view> choices) const;

 private:
  YAML::Mark mark() const;
  YAML::Node node_;
  YAML::Mark fallback_mark_ = YAML::Mark::null_mark();  // where a node made by the program stands (overlaid_on)
  std::string path_;
  std::shared_ptr<const YamlSource> source_;
};


// Every key path the loader allows ("workload.runs.N.compute"), recorded by allow_keys while a
// scenario loads, when a test asks for it: the test that keeps docs/scenario-reference.md in
// step with the loader. Null (off) otherwise.
extern std::set<std::string>* allowed_key_paths;

// Limits on every input (scenario, sweep, fabric and validation files, --set values). Inputs are
// written by hand: the default scenario is 21 kB and 575 values. Beyond the limits the time and
// memory of reading grow with nothing to show for it (a file of 200,000 deliveries took 48 s and
// 1 GB to check: the analysis check loads the scenario again for each sensitivity value).
inline constexpr std::size_t max_input_file_bytes = 16u << 20;  // 16 MiB
inline constexpr std::size_t max_yaml_values = 100'000;         // keys, values and list items

// The text of an input file. Throws InputError ("FILE: reason") for a file that cannot be
// opened, a directory, anything but a regular file (a device such as /dev/zero, a FIFO, a
// socket: reading one may never end) and a file of more than max_input_file_bytes.
std::string read_input_file(const std::string& file);

// What YAML itself allows but an input must not hold: a second document (it would be ignored),
// a key twice in one mapping (yaml-cpp keeps the first, silently) and more than max_yaml_values
// values (an alias counts as the values it repeats). Syntax errors throw YAML::ParserException.
struct YamlTextProblem {
  int line = 1, column = 1;  // 1-based
  std::string path;          // key path of the value at fault, below `base_path`; "" = top level
  std::string what;
};
std::optional<YamlTextProblem> yaml_text_problem(const std::string& text, const std::string& base_path = "");

// Parses a file, applies --set overrides, and returns the root value. A file read_input_file
// refuses, a YAML syntax error or a yaml_text_problem becomes InputError.
YamlValue load_yaml_file(const std::string& file, const std::vector<Override>& overrides = {});
// The same for text already in memory; `file` names it in messages.
YamlValue parse_yaml(const std::string& text, const std::string& file, const std::vector<Override>& overrides = {});

}  // namespace bvr

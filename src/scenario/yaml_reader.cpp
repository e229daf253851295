#include "scenario/yaml_reader.h"

#include "scenario/input_warning.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <unordered_map>
#include <cmath>
#include <fstream>
#include <sstream>

#include "scenario/input_error.h"
#include "scenario/overrides.h"
#include "scenario/suggest.h"

namespace bvr {

namespace {

std::string join_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return fmt::format("\"{}\"", node.Scalar());
    case YAML::NodeType::Null: return "nothing";
    default: return "an undefined value";
  }
}

}  // namespace

YAML::Mark YamlValue::mark() const {
  // Nodes created by the program (not parsed) carry a null mark; report line 1 then.
  if (node_.IsDefined() && !node_.Mark().is_null()) return node_.Mark();
  return fallback_mark_.is_null() ? YAML::Mark() : fallback_mark_;
}

void YamlValue::fail(const std::string& what, std::size_t column_offset) const {
  const std::string shown_path = path_.empty() ? "(top level)" : path_;
  // A value that came from --set (or lies under one) is blamed on the command line.
  for (const auto& [key_path, assignment] : source_->overrides) {
    if (path_ == key_path || path_.starts_with(key_path + ".")) {
      throw InputError(fmt::format("{}: --set {}: {}: {}", source_->file, assignment, shown_path, what),
                       {source_->file, 0, 0, path_, assignment, what});
    }
  }
  const YAML::Mark m = mark();
  const int line = m.is_null() ? 1 : m.line + 1;
  const int column = (m.is_null() ? 1 : m.column + 1) + static_cast<int>(column_offset);
  throw InputError(fmt::format("{}:{}:{}: {}: {}", source_->file, line, column, shown_path, what),
                   {source_->file, line, column, path_, "", what});
}

void YamlValue::warn(const std::string& what) const {
  for (const auto& [key_path, assignment] : source_->overrides)
    if (path_ == key_path || path_.starts_with(key_path + ".")) {
      add_input_warning({source_->file, 0, 0, path_, assignment, what});
      return;
    }
  const YAML::Mark m = mark();
  add_input_warning({source_->file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, path_, "", what});
}

void YamlValue::expect_map() const {
  if (!node_.IsMap()) fail("expected a mapping of keys to values, got " + kind_of(node_));
}

std::set<std::string>* allowed_key_paths = nullptr;

namespace {

// "workload.runs.1" -> "workload.runs.N": list positions do not matter to the schema.
std::string schema_path(const std::string& path) {
  std::string out;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t dot = std::min(path.find('.', begin), path.size());
    const std::string part = path.substr(begin, dot - begin);
    const bool index = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    out += (out.empty() ? "" : ".") + (index ? std::string("N") : part);
    begin = dot + 1;
  }
  return out;
}

}  // namespace

void YamlValue::allow_keys(std::initializer_list<std::string_view> keys) const {
  expect_map();
  if (allowed_key_paths) {
    const std::string parent = schema_path(path_);
    for (const auto key : keys) allowed_key_paths->insert(parent.empty() ? std::string(key) : parent + "." + std::string(key));
  }
  std::vector<std::string> allowed(keys.begin(), keys.end());
  for (const auto& entry : node_) {
    const std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const YamlValue key_value(entry.first, join_path(path_, key), source_);
    const std::string guess = closest_match(key, allowed);
    std::string message = fmt::format("unknown key \"{}\"", key);
    if (!guess.empty()) message += fmt::format(" (did you mean \"{}\"?)", guess);
    else message += fmt::format("; allowed keys: {}", fmt::join(allowed, ", "));
    key_value.fail(message);
  }
}

std::optional<YamlValue> YamlValue::find(std::string_view key) const {
  expect_map();
  const std::string k(key);
  YAML::Node child = node_[k];
  if (!child.IsDefined()) return std::nullopt;
  return YamlValue(child, join_path(path_, key), source_);
}

std::optional<YamlValue> YamlValue::find_set(std::string_view key) const {
  auto child = find(key);
  if (child && child->node().IsNull()) return std::nullopt;
  return child;
}

YamlValue YamlValue::at(std::string_view key) const {
  auto child = find(key);
  if (!child) fail(fmt::format("missing key \"{}\"", key));
  return *child;
}

YamlValue YamlValue::at_path(std::string_view dotted) const {
  YamlValue here = *this;
  while (!dotted.empty()) {
    const std::size_t dot = std::min(dotted.find('.'), dotted.size());
    const std::string_view part = dotted.substr(0, dot);
    dotted.remove_prefix(std::min(dot + 1, dotted.size()));
    if (here.node_.IsSequence()) {
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      const std::vector<YamlValue> list = here.items();
      if (ec != std::errc() || end != part.data() + part.size() || index >= list.size())
        here.fail(fmt::format("no item \"{}\" in a list of {}", part, list.size()));
      here = list[index];
    } else {
      here = here.at(part);
    }
  }
  return here;
}

std::vector<std::pair<std::string, YamlValue>> YamlValue::entries() const {
  expect_map();
  std::vector<std::pair<std::string, YamlValue>> out;
  for (const auto& entry : node_) {
    const std::string key = entry.first.Scalar();
    out.emplace_back(key, YamlValue(entry.second, join_path(path_, key), source_));
  }
  return out;
}

std::vector<YamlValue> YamlValue::items(std::size_t min_items) const {
  if (!node_.IsSequence()) fail("expected a list, got " + kind_of(node_));
  if (node_.size() < min_items)
    fail(fmt::format("expected a list of at least {} item{}, got {}", min_items, min_items == 1 ? "" : "s",
                     node_.size()));
  std::vector<YamlValue> out;
  for (std::size_t i = 0; i < node_.size(); ++i)
    out.emplace_back(node_[i], join_path(path_, std::to_string(i)), source_);
  return out;
}

std::string YamlValue::text() const {
  if (!node_.IsScalar()) fail("expected a single value, got " + kind_of(node_));
  return node_.Scalar();
}

double YamlValue::quantity(Dimension dim) const {
  const std::string value = text();
  try {
    return parse_quantity(value, dim);
  } catch (const UnitError& e) {
    fail(e.what(), e.column);
  }
}

double YamlValue::positive(Dimension dim) const {
  const double v = quantity(dim);
  if (!(v > 0)) fail(fmt::format("must be greater than zero, got \"{}\"", text()));
  return v;
}

double YamlValue::non_negative(Dimension dim) const {
  const double v = quantity(dim);
  if (v < 0) fail(fmt::format("must not be negative, got \"{}\"", text()));
  return v;
}

double YamlValue::fraction(double min, double max) const {
  const double v = quantity(Dimension::Fraction);
  if (v < min || v > max)
    fail(fmt::format("expected a fraction between {} and {} (or {} % to {} %), got \"{}\"", min, max, min * 100,
                     max * 100, text()));
  return v;
}

int YamlValue::count(int min, int max) const {
  const double v = quantity(Dimension::Count);
  if (v != std::floor(v)) fail(fmt::format("expected a whole number, got \"{}\"", text()));
  if (v < min || v > max) fail(fmt::format("expected a whole number from {} to {}, got \"{}\"", min, max, text()));
  return static_cast<int>(v);
}

std::int64_t YamlValue::date() const {
  const std::string value = text();
  try {
    return parse_date(value);
  } catch (const UnitError& e) {
    fail(e.what(), e.column);
  }
}

std::string YamlValue::choice(std::initializer_list<std::string_view> choices) const {
  const std::string value = text();
  std::vector<std::string> allowed(choices.begin(), choices.end());
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  const std::string guess = closest_match(value, allowed);
  fail(fmt::format("expected one of {}, got \"{}\"{}", fmt::join(allowed, ", "), value,
                   guess.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", guess)));
}

YamlValue YamlValue::with_override(const Override& change) const {
  YAML::Node copy = YAML::Clone(node_);
  apply_override(copy, change);
  auto source = std::make_shared<YamlSource>(*source_);
  source->overrides[change.path] = change.assignment;
  return YamlValue(copy, path_, source);
}

YamlValue YamlValue::overlaid_on(const YamlValue& base, std::string_view skip) const {
  expect_map();
  base.expect_map();
  YAML::Node merged(YAML::NodeType::Map);
  for (const auto& entry : base.node_)
    if (!node_[entry.first.Scalar()].IsDefined()) merged[entry.first.Scalar()] = entry.second;
  for (const auto& entry : node_)
    if (entry.first.Scalar() != skip) merged[entry.first.Scalar()] = entry.second;
  YamlValue out(merged, path_, source_);
  out.fallback_mark_ = mark();
  return out;
}

std::string read_input_file(const std::string& file) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    throw InputError(fmt::format("{}: cannot open the file for reading ({})", file, std::strerror(errno)),
                     {file, 0, 0, "", "", fmt::format("cannot open the file for reading ({})", std::strerror(errno))});
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw InputError(fmt::format("{}: cannot read the file ({})", file, std::strerror(errno)));
  if (S_ISDIR(st.st_mode))
    throw InputError(fmt::format("{}: is a directory; expected a YAML file", file),
                     {file, 0, 0, "", "", "is a directory; expected a YAML file"});
  if (!S_ISREG(st.st_mode))
    throw InputError(fmt::format("{}: is not a regular file (a device, pipe or socket); bvr reads its inputs only from "
                                 "regular files",
                                 file));
  const auto too_big = [&] {
    return InputError(fmt::format("{}: the file is larger than {} MiB, the limit for an input file", file,
                                  max_input_file_bytes >> 20));
  };
  if (static_cast<std::uintmax_t>(st.st_size) > max_input_file_bytes) throw too_big();
  // Read at most one byte past the limit: a file that grows while it is read is caught too.
  std::string text;
  text.resize(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), max_input_file_bytes) + 1);
  std::size_t used = 0;
  while (true) {
    if (used == text.size()) {
      if (used > max_input_file_bytes) throw too_big();
      text.resize(std::min(2 * text.size(), max_input_file_bytes + 1));
    }
    const ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError(fmt::format("{}: cannot read the file ({})", file, std::strerror(errno)));
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_input_file_bytes) throw too_big();
  text.resize(used);
  return text;
}

namespace {

// 100000 -> "100,000".
std::string with_thousands(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Walks the parser's events (not the tree, where an alias is the node it names, so that a few
// nested aliases stand for billions of values) with a stack of the open mappings and lists.
class TextChecker : public YAML::EventHandler {
 public:
  explicit TextChecker(std::string base) : base_(std::move(base)) {}

  struct Found {
    YamlTextProblem problem;
  };

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1)
      fail(mark, base_,
           "a second YAML document starts here (after a '---' or '...' line); an input file holds one document, and "
           "the later ones would be ignored");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, nullptr); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const std::size_t size = anchor < anchor_sizes_.size() ? anchor_sizes_[anchor] : 1;
    const std::string path = begin(mark, size, nullptr);
    finish(0, 0, path);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    leaf(mark, anchor, &value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    bool map = false;
    bool key_next = true;  // maps: the next node is a key
    std::string path, key;
    std::unordered_map<std::string, YAML::Mark> keys;  // key -> where it is
    std::size_t index = 0;                      // lists: the next item's index
    std::size_t total_before = 0;               // values counted before this one
    YAML::anchor_t anchor = 0;
  };

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& path, std::string what) {
    throw Found{YamlTextProblem{mark.line + 1, mark.column + 1, path, std::move(what)}};
  }

  // Counts a node of `size` values starting at `mark`, checks a key against its mapping's
  // others, and returns the node's key path.
  std::string begin(const YAML::Mark& mark, std::size_t size, const std::string* scalar) {
    std::string path = base_;
    if (!stack_.empty()) {
      Frame& top = stack_.back();
      if (top.map && top.key_next) {
        path = top.path;
        if (scalar) {
          const auto [it, fresh] = top.keys.emplace(*scalar, mark);
          if (!fresh)
            fail(mark, join_path(top.path, *scalar),
                 fmt::format("the key \"{}\" is listed twice (first on line {}{}); a key may appear once in a mapping",
                             *scalar, it->second.line + 1,
                             it->second.line == mark.line ? fmt::format(", column {}", it->second.column + 1) : ""));
        }
      } else {
        path = join_path(top.path, top.map ? top.key : std::to_string(top.index));
      }
    }
    total_ += size;
    if (total_ > max_yaml_values)
      fail(mark, path, fmt::format("the input holds more than {} YAML values (keys, values and list items, an alias "
                                   "counting as what it repeats), the limit for an input",
                                   with_thousands(max_yaml_values)));
    return path;
  }

  // A node is complete: its parent moves on to the next key, value or item.
  void finish(YAML::anchor_t anchor, std::size_t size, const std::string&, const std::string* key_text = nullptr) {
    if (anchor > 0) {
      if (anchor >= anchor_sizes_.size()) anchor_sizes_.resize(anchor + 1, 1);
      anchor_sizes_[anchor] = std::max<std::size_t>(size, 1);
    }
    if (stack_.empty()) return;
    Frame& top = stack_.back();
    if (!top.map) {
      ++top.index;
    } else if (top.key_next) {
      top.key = key_text ? *key_text : std::string("?");
      top.key_next = false;
    } else {
      top.key_next = true;
    }
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string* value) {
    const std::string path = begin(mark, 1, value);
    finish(anchor, 1, path, value);
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool map) {
    const std::size_t before = total_;
    Frame frame;
    frame.path = begin(mark, 1, nullptr);
    frame.map = map;
    frame.total_before = before;
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void close() {
    const Frame frame = std::move(stack_.back());
    stack_.pop_back();
    finish(frame.anchor, total_ - frame.total_before, frame.path);
  }

  std::string base_;
  std::vector<Frame> stack_;
  std::vector<std::size_t> anchor_sizes_;  // values under each anchor (ids count from 1 per document)
  std::size_t total_ = 0;
  int documents_ = 0;
};

}  // namespace

std::optional<YamlTextProblem> yaml_text_problem(const std::string& text, const std::string& base_path) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  TextChecker checker(base_path);
  try {
    while (parser.HandleNextDocument(checker)) {
    }
  } catch (const TextChecker::Found& found) {
    return found.problem;
  }
  return std::nullopt;
}

YamlValue load_yaml_file(const std::string& file, const std::vector<Override>& overrides) {
  return parse_yaml(read_input_file(file), file, overrides);
}

YamlValue parse_yaml(const std::string& text, const std::string& file, const std::vector<Override>& overrides) {
  YAML::Node root;
  try {
    if (const auto problem = yaml_text_problem(text))
      throw InputError(fmt::format("{}:{}:{}: {}: {}", file, problem->line, problem->column,
                                   problem->path.empty() ? "(top level)" : problem->path, problem->what),
                       {file, static_cast<int>(problem->line), static_cast<int>(problem->column), problem->path, "",
                        problem->what});
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: YAML syntax error: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg),
                     {file, e.mark.line + 1, e.mark.column + 1, "", "", "YAML syntax error: " + e.msg});
  }
  auto source = std::make_shared<YamlSource>();
  source->file = file;
  for (const auto& change : overrides) {
    apply_override(root, change);
    source->overrides[change.path] = change.assignment;
  }
  return YamlValue(root, "", source);
}

}  // namespace bvr

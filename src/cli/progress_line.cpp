#include "cli/progress_line.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

namespace bvr {

std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Columns of the terminal on `out`, or 0 when unknown.
int terminal_columns(std::FILE* out) {
  winsize ws{};
  if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0) return ws.ws_col;
  return 0;
}

}  // namespace

ProgressLine::ProgressLine(std::FILE* out, std::string prefix, bool line, bool verbose)
    : out_(out), prefix_(std::move(prefix)), line_(line), verbose_(verbose) {}

ProgressLine::~ProgressLine() { clear(); }

ProgressLine ProgressLine::for_stderr(std::string prefix, bool quiet, bool verbose) {
  return ProgressLine(stderr, std::move(prefix), !quiet && isatty(STDERR_FILENO) == 1, verbose && !quiet);
}

std::string ProgressLine::status(const Phase& p) const {
  const double elapsed = seconds_since(p.start);
  // "replications 3/20", "what-ifs 2" (a count not known in advance), or only the phase's name
  // before its first step of an unknown count.
  const std::string count = p.total > 0  ? fmt::format(" {}/{}", p.already + p.done, p.total)
                            : p.done > 0 ? fmt::format(" {}", p.done)
                                         : "";
  std::string text = fmt::format("{}: {}{}, {}", prefix_, p.name, count, duration_text(elapsed));
  if (p.total > 0 && p.done > 0) {
    const int left = std::max(0, p.total - p.already - p.done);
    text += fmt::format(", ETA {}", duration_text(elapsed / p.done * left));
  }
  return text;
}

void ProgressLine::draw() {
  if (!line_ || phases_.empty()) return;
  std::string text = status(phases_.back());
  const int columns = terminal_columns(out_);
  if (columns > 1 && static_cast<int>(text.size()) >= columns) text.resize(static_cast<std::size_t>(columns - 1));
  // '\r', the text, then erase to the end of the line: a shorter text leaves no tail behind.
  fmt::print(out_, "\r{}\x1b[K", text);
  std::fflush(out_);
  drawn_ = true;
}

void ProgressLine::clear() {
  if (!drawn_) return;
  fmt::print(out_, "\r\x1b[K");
  std::fflush(out_);
  drawn_ = false;
}

void ProgressLine::begin(const std::string& phase, int total, int already) {
  phases_.push_back({phase, total, already, 0, std::chrono::steady_clock::now()});
  draw();
}

void ProgressLine::step() {
  if (phases_.empty()) return;
  Phase& p = phases_.back();
  ++p.done;
  // For logs: a line at every tenth of a known total, where no terminal shows the line.
  if (verbose_ && !line_ && p.total > 0) {
    const int todo = p.total - p.already;
    if (todo >= 10 && p.done * 10 / todo != (p.done - 1) * 10 / todo) fmt::print(out_, "{}\n", status(p));
  }
  draw();
}

void ProgressLine::end() {
  if (phases_.empty()) return;
  const Phase p = phases_.back();
  phases_.pop_back();
  clear();
  if (verbose_) {
    const std::string count = p.total > 0 || p.done > 0 ? fmt::format("{} in ", p.already + p.done) : "";
    fmt::print(out_, "{}: {}: {}{:.1f} s\n", prefix_, p.name, count, seconds_since(p.start));
  }
  draw();  // the enclosing phase, if any
}

void ProgressLine::verbose_note(const std::string& text, std::chrono::steady_clock::time_point since) {
  if (!verbose_) return;
  clear();
  fmt::print(out_, "{}: {}: {:.1f} s\n", prefix_, text, seconds_since(since));
  draw();
}

}  // namespace bvr

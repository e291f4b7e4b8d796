// scheduler_harness: fakes and helpers for the scheduler's unit tests: a task source over a
// vector, a fake clock inside `harness`, and short ways to look at the returned actions.
#pragma once

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <deque>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "grid.hpp"
#include "scheduler.hpp"

namespace scheduler_test {

using namespace gridctl;
using namespace std::chrono_literals;

// ---- fakes -------------------------------------------------------------------------------

/// A task source over a fixed vector; counts how often it was asked.
class vector_source : public task_source {
 public:
  explicit vector_source(std::vector<task> tasks) : tasks_(std::move(tasks)) {}
  std::optional<task> next() override {
    if (next_ >= tasks_.size()) return std::nullopt;
    return tasks_[next_++];
  }

 private:
  std::vector<task> tasks_;
  std::size_t next_ = 0;
};

inline constexpr point_id pid(std::uint64_t index) { return 0x5eed000000000000ull + index * 0x9e3779b1ull; }

inline task make_task(std::uint64_t index, int tries = 1) { return task{index, pid(index), 1, tries, 0, {}}; }

inline std::vector<task> make_tasks(std::uint64_t n, int tries = 1) {
  std::vector<task> v;
  v.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) v.push_back(make_task(i, tries));
  return v;
}

inline scheduler_config make_config() {
  scheduler_config c;
  c.heartbeat = 1s;
  c.kill_grace = 5s;
  return c;
}

inline exit_report exited(int code) { return exit_report{code, std::nullopt, false, {}, {}}; }
inline exit_report killed(int sig) { return exit_report{std::nullopt, sig, false, {}, {}}; }
inline exit_report worker_exiting() { return exit_report{std::nullopt, 15, true, {}, {}}; }

/// A scheduler, a fake clock, and short names for feeding it.
struct harness {
  steady_time now = steady_time{} + 1000h;  // well away from the epoch
  scheduler s;

  explicit harness(std::vector<task> tasks, scheduler_config cfg = make_config())
      : s(cfg, std::make_unique<vector_source>(std::move(tasks))) {}

  /// Workers start what they get at once and say so (off: jobs stay queued until start()).
  bool auto_start = true;

  void advance(std::chrono::milliseconds d) { now += d; }
  std::vector<scheduler_action> join(worker_id w, int slots) { return started(s.worker_joined(w, slots, now)); }
  std::vector<scheduler_action> join(worker_id w, int slots, std::string name) {
    return started(s.worker_joined(w, slots, now, std::move(name)));
  }
  std::vector<scheduler_action> end(worker_id w, const task& t, exit_report r) {
    return started(s.attempt_ended(w, t.id, t.attempt, r, now));
  }
  std::vector<scheduler_action> end(const action::dispatch& d, exit_report r) { return end(d.worker, d.t, r); }
  std::vector<scheduler_action> tick() { return started(s.tick(now)); }
  std::vector<scheduler_action> start(const action::dispatch& d) { return s.attempt_started(d.worker, d.t.id, d.t.attempt, now); }
  /// With auto_start, the start reports of the dispatches in `acts` (their actions appended).
  std::vector<scheduler_action> started(std::vector<scheduler_action> acts) {
    if (!auto_start) return acts;
    for (std::size_t i = 0; i < acts.size(); ++i)
      if (auto* d = std::get_if<action::dispatch>(&acts[i])) {
        auto more = start(*d);
        acts.insert(acts.end(), more.begin(), more.end());
      }
    return acts;
  }
};

// ---- looking at actions -------------------------------------------------------------------

inline std::vector<action::dispatch> dispatches(const std::vector<scheduler_action>& acts) {
  std::vector<action::dispatch> v;
  for (const auto& a : acts)
    if (auto* d = std::get_if<action::dispatch>(&a)) v.push_back(*d);
  return v;
}
inline std::vector<action::cancel> cancels(const std::vector<scheduler_action>& acts) {
  std::vector<action::cancel> v;
  for (const auto& a : acts)
    if (auto* c = std::get_if<action::cancel>(&a)) v.push_back(*c);
  return v;
}
inline std::vector<action::ended> endeds(const std::vector<scheduler_action>& acts) {
  std::vector<action::ended> v;
  for (const auto& a : acts)
    if (auto* e = std::get_if<action::ended>(&a)) v.push_back(*e);
  return v;
}

inline std::string status(attempt_status s) { return std::string(to_string(s)); }

/// The actions as text, for failure messages.
inline std::string describe(const std::vector<scheduler_action>& acts) {
  std::ostringstream os;
  os << "[";
  for (const auto& a : acts) {
    if (auto* d = std::get_if<action::dispatch>(&a))
      os << " dispatch(w" << d->worker << " #" << d->t.index << " a" << d->t.attempt << " tries" << d->t.tries_left
         << ")";
    else if (auto* c = std::get_if<action::cancel>(&a))
      os << " cancel(w" << c->worker << " " << format_point_id(c->id) << " a" << c->attempt << ")";
    else if (auto* b = std::get_if<action::take_back>(&a))
      os << " take_back(w" << b->worker << " " << format_point_id(b->id) << " a" << b->attempt << ")";
    else if (auto* r = std::get_if<action::returned>(&a))
      os << " returned(w" << r->worker << " #" << r->t.index << " a" << r->t.attempt << ")";
    else if (auto* e = std::get_if<action::ended>(&a))
      os << " ended(w" << e->worker << " #" << e->t.index << " a" << e->t.attempt << " " << status(e->status)
         << (e->error.empty() ? "" : " '" + e->error + "'") << ")";
  }
  os << " ]";
  return os.str();
}

/// Checks that `acts` is exactly one dispatch of point `index` with that attempt to worker `w`.
inline void check_single_dispatch(const std::vector<scheduler_action>& acts, worker_id w, std::uint64_t index,
                           int attempt) {
  BOOST_TEST_CONTEXT("actions: " << describe(acts)) {
    auto d = dispatches(acts);
    BOOST_TEST_REQUIRE(d.size() == 1u);
    BOOST_TEST(d[0].worker == w);
    BOOST_TEST(d[0].t.index == index);
    BOOST_TEST(d[0].t.id == pid(index));
    BOOST_TEST(d[0].t.attempt == attempt);
  }
}

/// Ticks at next_deadline() (as the master does), keeping `alive` heard from, until tick()
/// returns something or `limit` passes.
inline std::vector<scheduler_action> tick_until_actions(harness& h, std::vector<worker_id> alive, steady_time limit) {
  while (h.now < limit) {
    h.now = std::min(h.s.next_deadline(), limit);
    for (worker_id w : alive) h.s.heard_from(w, h.now);
    auto acts = h.tick();
    if (!acts.empty()) return acts;
  }
  return {};
}

}  // namespace scheduler_test

// master_reactor: the master's decisions (lib/core/master_reactor.hpp) — the peer registry, the
// attempts' output and records, the glue to the scheduler — driven by hand with a fake clock
// and a comm that records what is sent, logged and recorded. The config is a real one, read
// from a temporary file.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "config.hpp"
#include "master_reactor.hpp"
#include "protocol.hpp"
#include "temp_dir.hpp"

using namespace gridctl;
using namespace std::chrono_literals;
namespace proto = gridctl::protocol;

namespace {

/// Records everything the reactor asks of the loop.
struct recording_comm : master_comm {
  std::vector<std::pair<std::string, proto::to_worker>> sent;
  std::vector<std::string> lines;
  std::vector<attempt_record> records;
  std::optional<steady_time> wake;
  int finished_calls = 0;
  std::set<std::string> gone;  ///< routing ids whose sends fail (the peer disconnected)
  std::string record_error;    ///< non-empty: record() throws this

  bool send(const std::string& routing_id, const proto::to_worker& m) override {
    if (gone.count(routing_id)) return false;
    sent.emplace_back(routing_id, m);
    return true;
  }
  void log(const std::string& line, const std::string&) override { lines.push_back(line); }
  void record(const attempt_record& r) override {
    if (!record_error.empty()) throw std::runtime_error(record_error);
    records.push_back(r);
  }
  void wake_at(steady_time at) override { wake = at; }
  void finished() override { ++finished_calls; }
};

/// One task per point of the grid from number `first` on, in order.
class grid_source : public task_source {
 public:
  grid_source(const grid& points, int tries, std::uint64_t first = 0) : points_(points), tries_(tries), next_(first) {}
  std::optional<task> next() override {
    if (next_ >= points_.size()) return std::nullopt;
    std::uint64_t i = next_++;
    return task{i, points_.id_of(points_.values(i)), 1, tries_, 0, {}};
  }

 private:
  const grid& points_;
  int tries_;
  std::uint64_t next_;
};

/// `points` points x = 0 .. points-1; `extra` goes into [sweep], `sections` after [workers].
sweep_config load(const gridctl::testing::temp_dir& tmp, int points, const std::string& extra,
                  const std::string& sections) {
  auto file = tmp.write("m.ini", "[sweep]\ncommand = ./think {x}\n" + extra + "[params]\nx = range(" +
                                     std::to_string(points) + ")\n[workers]\nheartbeat = 1s\nmax_slots = 4\n" +
                                     sections);
  auto cfg = load_config(file);
  if (!cfg) throw std::runtime_error(cfg.error().text());
  return std::move(*cfg);
}

/// A reactor over a real config, a fake clock and a recording comm.
struct harness {
  gridctl::testing::temp_dir tmp{"gridctl_master_reactor"};
  sweep_config cfg;
  recording_comm comm;
  steady_time now = steady_time{} + 1000h;  // well away from the epoch
  std::chrono::system_clock::time_point wall = std::chrono::system_clock::time_point(1700000000000ms);
  master_reactor r;

  /// `points` points; `sweep`: more [sweep] lines; `sections`: more sections; the embedded
  /// worker's slots.
  explicit harness(int points = 4, const std::string& sweep = {}, const std::string& sections = {},
                   int local_slots = 0)
      : cfg(load(tmp, points, sweep, sections)),
        r(cfg, local_slots, std::make_unique<grid_source>(cfg.points, cfg.retries + 1), comm) {
    r.start(at());
  }

  event_time at() const { return {now, wall}; }
  void advance(std::chrono::milliseconds d) {
    now += d;
    wall += d;
  }
  /// Workers start what they get at once and say so (off: jobs stay queued).
  bool auto_start = true;
  std::size_t start_checked = 0;  ///< comm.sent entries looked at for jobs to start
  void receive(const std::string& rid, proto::to_master m) {
    r.on_message(rid, std::move(m), at());
    start_sent_jobs();
  }
  void start_sent_jobs() {
    while (auto_start && start_checked < comm.sent.size()) {
      auto [to, m] = comm.sent[start_checked++];
      if (auto* j = std::get_if<proto::job>(&m)) r.on_message(to, proto::started{j->point, j->attempt}, at());
    }
  }
  void hello(const std::string& rid, int slots, std::uint64_t registration = 1, int version = proto::version) {
    receive(rid, proto::hello{version, rid, slots, registration});
  }
  void tick() {
    r.on_tick(at());
    start_sent_jobs();
  }

  /// The messages of type T sent to `rid` so far.
  template <class T>
  std::vector<T> sent_to(const std::string& rid) const {
    std::vector<T> v;
    for (const auto& [to, m] : comm.sent)
      if (auto* x = std::get_if<T>(&m); x && to == rid) v.push_back(*x);
    return v;
  }
  bool logged(const std::string& part) const {
    for (const auto& l : comm.lines)
      if (l.find(part) != std::string::npos) return true;
    return false;
  }
  /// The worker's report that `j` exited with `code`.
  proto::done exited(const proto::job& j, int code) const {
    proto::done d;
    d.point = j.point;
    d.attempt = j.attempt;
    d.exit_code = code;
    d.started_ms = 1700000000000;
    d.duration_us = 250000;
    return d;
  }
  void output(const std::string& rid, const proto::job& j, int stream, const std::string& bytes) {
    receive(rid, proto::output{j.point, j.attempt, stream, bytes});
  }
};

}  // namespace

// =============================================================================================
BOOST_AUTO_TEST_SUITE(master_reactor_peers)

BOOST_AUTO_TEST_CASE(a_hello_is_welcomed_and_fills_the_slots_and_a_repeat_changes_nothing) {
  harness h;
  h.hello("a", 2);
  BOOST_TEST(h.sent_to<proto::welcome>("a").size() == 1u);
  BOOST_TEST(h.sent_to<proto::welcome>("a")[0].heartbeat_ms == 1000);
  BOOST_TEST(h.logged("worker a joined (2 slots)"));
  auto jobs = h.sent_to<proto::job>("a");
  BOOST_TEST_REQUIRE(jobs.size() == 2u);
  BOOST_TEST(jobs[0].command == "./think 0");
  BOOST_TEST(jobs[1].command == "./think 1");
  BOOST_TEST(jobs[0].output_limit == h.cfg.output_limit);
  // Ours crossed a repeated hello: welcomed again, and nothing else happens.
  h.hello("a", 2);
  BOOST_TEST(h.sent_to<proto::welcome>("a").size() == 2u);
  BOOST_TEST(h.sent_to<proto::job>("a").size() == 2u);
  BOOST_TEST(h.r.sched().workers() == 1u);
  BOOST_TEST(h.r.sched().slots() == 2u);
  BOOST_TEST(h.comm.records.empty());
}

BOOST_AUTO_TEST_CASE(a_new_registration_loses_the_old_attempts_with_their_output) {
  harness h;
  h.hello("a", 2);
  auto jobs = h.sent_to<proto::job>("a");
  BOOST_TEST_REQUIRE(jobs.size() == 2u);
  h.output("a", jobs[0], 1, "started\n");
  h.comm.sent.clear();
  h.hello("a", 2, 2);  // it thought we were gone and dropped its jobs
  BOOST_TEST_REQUIRE(h.comm.records.size() == 2u);
  for (const auto& rec : h.comm.records) {
    BOOST_TEST(to_string(rec.status) == "lost");
    BOOST_TEST(rec.worker == "a");
  }
  for (const auto& rec : h.comm.records)
    BOOST_TEST(rec.stdout_text == (rec.point == jobs[0].point ? "started\n" : ""));
  BOOST_TEST(h.sent_to<proto::welcome>("a").size() == 1u);
  BOOST_TEST(h.sent_to<proto::job>("a").size() == 2u);  // the new registration gets jobs again
  BOOST_TEST(h.r.sched().workers() == 1u);
}

BOOST_AUTO_TEST_CASE(a_hello_of_another_protocol_version_is_refused) {
  harness h;
  h.hello("old", 1, 1, proto::version + 1);
  auto refusals = h.sent_to<proto::refuse>("old");
  BOOST_TEST_REQUIRE(refusals.size() == 1u);
  BOOST_TEST(refusals[0].reason == "the master speaks gridctl protocol " + std::to_string(proto::version) +
                                       ", this worker " + std::to_string(proto::version + 1) +
                                       ": run the same gridctl version on master and workers");
  BOOST_TEST(h.logged("refused a worker speaking protocol " + std::to_string(proto::version + 1)));
  BOOST_TEST(h.sent_to<proto::welcome>("old").empty());
  BOOST_TEST(h.r.sched().workers() == 0u);
}

BOOST_AUTO_TEST_CASE(a_hello_claiming_more_than_max_slots_or_none_is_refused) {
  harness h;
  h.hello("big", 5);
  h.hello("none", 0);
  auto big = h.sent_to<proto::refuse>("big");
  BOOST_TEST_REQUIRE(big.size() == 1u);
  BOOST_TEST(big[0].reason == "this worker claims 5 slots; the master accepts 1 to 4 per worker ([workers] "
                              "max_slots): start it with --slots 4 or less, or raise max_slots");
  BOOST_TEST(h.logged("refused worker big: it claims 5 slots, more than max_slots (4)"));
  BOOST_TEST(h.sent_to<proto::refuse>("none").size() == 1u);
  BOOST_TEST(h.r.sched().workers() == 0u);
  h.hello("ok", 4);
  BOOST_TEST(h.sent_to<proto::welcome>("ok").size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_embedded_worker_may_claim_its_own_slots) {
  harness h(4, {}, {}, 8);
  h.hello("big", 8);
  BOOST_TEST(h.sent_to<proto::welcome>("big").size() == 1u);
  h.hello("bigger", 9);
  BOOST_TEST(h.sent_to<proto::refuse>("bigger").size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_peer_that_never_said_hello_is_told_unknown_and_its_goodbye_is_not_answered) {
  harness h;
  h.receive("stranger", proto::heartbeat{});
  h.receive("stranger", proto::done{});
  auto s = h.sent_to<proto::shutdown>("stranger");
  BOOST_TEST_REQUIRE(s.size() == 2u);
  BOOST_TEST(s[0].reason == "unknown");
  h.receive("stranger", proto::shutdown{"end"});
  BOOST_TEST(h.comm.sent.size() == 2u);
  BOOST_TEST(h.comm.records.empty());
}

BOOST_AUTO_TEST_CASE(a_silent_worker_is_lost_forgotten_and_told_unknown_when_it_speaks_again) {
  harness h;
  h.hello("a", 2);
  h.hello("b", 2);
  for (int i = 0; i < 4; ++i) {
    h.advance(1000ms);
    h.receive("b", proto::heartbeat{});
    h.tick();
  }
  BOOST_TEST(h.logged("worker a lost: nothing heard from it for 3 heartbeats; its jobs run elsewhere"));
  BOOST_TEST(!h.logged("worker b lost"));
  BOOST_TEST(h.r.sched().workers() == 1u);
  BOOST_TEST(h.comm.records.size() == 2u);
  h.comm.sent.clear();
  h.receive("a", proto::heartbeat{});
  auto s = h.sent_to<proto::shutdown>("a");
  BOOST_TEST_REQUIRE(s.size() == 1u);
  BOOST_TEST(s[0].reason == "unknown");
  // It registers again (a new number) and serves once more.
  h.hello("a", 2, 2);
  BOOST_TEST(h.sent_to<proto::welcome>("a").size() == 1u);
  BOOST_TEST(h.r.sched().workers() == 2u);
}

BOOST_AUTO_TEST_CASE(a_goodbye_hands_the_running_jobs_to_another_worker) {
  harness h(2);
  h.hello("a", 2);
  h.hello("b", 2);
  BOOST_TEST(h.sent_to<proto::job>("b").empty());
  h.receive("a", proto::shutdown{"end"});
  BOOST_TEST(h.logged("worker a left (2 running jobs to run again)"));
  BOOST_TEST(h.sent_to<proto::job>("b").size() == 2u);
  BOOST_TEST(h.r.sched().workers() == 1u);
}

BOOST_AUTO_TEST_CASE(a_job_that_cannot_be_sent_makes_its_worker_leave) {
  harness h(2);
  h.hello("b", 1);
  h.comm.gone.insert("a");  // it disconnected right after its hello
  h.hello("a", 1);
  BOOST_TEST(h.r.sched().workers() == 1u);
  auto to_b = h.sent_to<proto::job>("b");
  BOOST_TEST_REQUIRE(to_b.size() == 1u);
  h.receive("b", h.exited(to_b[0], 0));
  BOOST_TEST(h.sent_to<proto::job>("b").size() == 2u);  // a's job came to b
  h.comm.gone.clear();
  h.receive("a", proto::heartbeat{});
  BOOST_TEST(h.sent_to<proto::shutdown>("a").size() == 1u);  // forgotten
}

BOOST_AUTO_TEST_CASE(a_held_send_that_failed_later_makes_its_worker_leave) {
  // The loop writes a batch's sends at its end; one that fails then comes back as on_unreachable.
  harness h(2);
  h.auto_start = false;  // a's job is not reported started: it never ran
  h.hello("a", 1);
  h.hello("b", 1);
  BOOST_TEST_REQUIRE(h.sent_to<proto::job>("a").size() == 1u);
  BOOST_TEST_REQUIRE(h.sent_to<proto::job>("b").size() == 1u);
  h.r.on_unreachable("a", h.at());
  BOOST_TEST(h.r.sched().workers() == 1u);
  BOOST_TEST(h.comm.records.empty());  // its job never started there: no record, no loss
  auto to_b = h.sent_to<proto::job>("b");
  h.receive("b", h.exited(to_b[0], 0));
  BOOST_TEST(h.sent_to<proto::job>("b").size() == 2u);  // a's job came to b
  h.r.on_unreachable("a", h.at());  // again, or for a peer never known: nothing happens
  h.r.on_unreachable("nobody", h.at());
  BOOST_TEST(h.r.sched().workers() == 1u);
}

BOOST_AUTO_TEST_CASE(the_embedded_worker_is_told_by_its_routing_id) {
  harness h(4, {}, {}, 2);
  h.r.expect_embedded("host", 42);
  h.hello("host/421/7", 1);  // another pid that starts alike
  BOOST_TEST(!h.r.embedded_unanswering());
  h.hello("host/42/7", 2);
  for (int i = 0; i < 4; ++i) {
    h.advance(1000ms);
    h.receive("host/421/7", proto::heartbeat{});
    h.tick();
  }
  BOOST_TEST(h.r.embedded_unanswering());
  h.r.embedded_exited();
  BOOST_TEST(!h.r.embedded_unanswering());
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(master_reactor_records)

BOOST_AUTO_TEST_CASE(output_is_capped_at_output_limit_per_stream) {
  harness h(1, "output_limit = 10\n");
  h.hello("a", 1);
  auto jobs = h.sent_to<proto::job>("a");
  BOOST_TEST_REQUIRE(jobs.size() == 1u);
  h.output("a", jobs[0], 1, "0123456");
  h.output("a", jobs[0], 1, "789AB");
  h.output("a", jobs[0], 2, "err");
  h.receive("a", h.exited(jobs[0], 0));
  BOOST_TEST_REQUIRE(h.comm.records.size() == 1u);
  const attempt_record& rec = h.comm.records[0];
  BOOST_TEST(rec.stdout_text == "0123456789");
  BOOST_TEST(rec.stdout_truncated);
  BOOST_TEST(rec.stderr_text == "err");
  BOOST_TEST(!rec.stderr_truncated);
}

BOOST_AUTO_TEST_CASE(a_record_takes_its_fields_from_the_end_report) {
  harness h(1);
  h.hello("a", 1);
  auto jobs = h.sent_to<proto::job>("a");
  BOOST_TEST_REQUIRE(jobs.size() == 1u);
  h.output("a", jobs[0], 2, "oops\n");
  proto::done d = h.exited(jobs[0], 3);
  d.started_ms = 1700000001234;
  d.duration_us = 1500000;
  d.stdout_dropped = 5;
  d.stdout_tail = "ragment\n{\"r\": 1}\n";
  d.error = "a process the job left behind was killed";
  h.advance(7000ms);  // the worker's times count, not the master's
  h.receive("a", d);
  BOOST_TEST_REQUIRE(h.comm.records.size() == 1u);
  const attempt_record& rec = h.comm.records[0];
  BOOST_TEST(rec.point == jobs[0].point);
  BOOST_TEST(rec.attempt == 1);
  BOOST_TEST((rec.params == std::vector<std::pair<std::string, std::string>>{{"x", "0"}}));
  BOOST_TEST(to_string(rec.status) == "failed");
  BOOST_TEST((rec.exit_code == 3));
  BOOST_TEST(!rec.signal);
  BOOST_TEST(rec.worker == "a");
  BOOST_TEST((rec.started == std::chrono::system_clock::time_point(1700000001234ms)));
  BOOST_TEST(rec.duration_s == 1.5);
  BOOST_TEST(rec.stdout_truncated);  // the worker dropped bytes
  BOOST_TEST(rec.stdout_tail == d.stdout_tail);
  BOOST_TEST(rec.stderr_text == "oops\n");
  BOOST_TEST(rec.error == "a process the job left behind was killed");
  BOOST_TEST(rec.uses_try);
  BOOST_TEST(rec.metrics.at("r") == 1.0);  // from `output`, found in the tail
  BOOST_TEST(h.logged("x=0: failed, exit 3 (a process the job left behind was killed) [point " +
                      format_point_id(rec.point) + ", attempt 1 on a]: oops"));
}

BOOST_AUTO_TEST_CASE(a_lost_attempt_keeps_the_output_streamed_before_and_its_dispatch_time) {
  harness h(1);
  const auto dispatched_wall = h.wall;
  h.hello("a", 1);
  auto jobs = h.sent_to<proto::job>("a");
  BOOST_TEST_REQUIRE(jobs.size() == 1u);
  h.output("a", jobs[0], 1, "started 0\n");
  h.advance(3500ms);
  h.tick();
  BOOST_TEST_REQUIRE(h.comm.records.size() == 1u);
  const attempt_record& rec = h.comm.records[0];
  BOOST_TEST(to_string(rec.status) == "lost");
  BOOST_TEST(rec.worker == "a");  // forgotten by now, its name kept
  BOOST_TEST(rec.stdout_text == "started 0\n");
  BOOST_TEST(!rec.exit_code);
  BOOST_TEST((rec.started == dispatched_wall));
  BOOST_TEST(rec.duration_s == 3.5);
}

BOOST_AUTO_TEST_CASE(output_and_ends_of_attempts_not_running_there_are_dropped) {
  harness h(1);
  h.hello("a", 1);
  h.hello("b", 1);
  auto jobs = h.sent_to<proto::job>("a");
  BOOST_TEST_REQUIRE(jobs.size() == 1u);
  h.output("b", jobs[0], 1, "not mine");
  h.receive("b", h.exited(jobs[0], 0));
  BOOST_TEST(h.comm.records.empty());
  h.receive("a", h.exited(jobs[0], 0));
  BOOST_TEST_REQUIRE(h.comm.records.size() == 1u);
  BOOST_TEST(h.comm.records[0].stdout_text.empty());
  BOOST_TEST(h.comm.records[0].worker == "a");
}

BOOST_AUTO_TEST_CASE(require_metrics_fails_an_exit_0_without_them) {
  harness h(2, "require_metrics = true\n", "[metrics]\nacc = /acc=(\\S+)/\n");
  h.hello("a", 2);
  auto jobs = h.sent_to<proto::job>("a");
  BOOST_TEST_REQUIRE(jobs.size() == 2u);
  h.output("a", jobs[0], 1, "acc=0.9\n");
  h.receive("a", h.exited(jobs[0], 0));
  h.receive("a", h.exited(jobs[1], 0));
  BOOST_TEST_REQUIRE(h.comm.records.size() == 2u);
  BOOST_TEST(to_string(h.comm.records[0].status) == "ok");
  BOOST_TEST(h.comm.records[0].metrics.at("acc") == 0.9);
  BOOST_TEST(to_string(h.comm.records[1].status) == "failed");
  BOOST_TEST(h.comm.records[1].error == "metric acc not found in the output (require_metrics = true)");
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(master_reactor_run)

BOOST_AUTO_TEST_CASE(the_sweep_finishes_with_end_to_every_peer) {
  harness h(2);
  h.hello("a", 1);
  h.hello("b", 1);
  for (const char* rid : {"a", "b"}) {
    auto jobs = h.sent_to<proto::job>(rid);
    BOOST_TEST_REQUIRE(jobs.size() == 1u);
    BOOST_TEST(h.comm.finished_calls == 0);
    h.receive(rid, h.exited(jobs[0], 0));
  }
  BOOST_TEST(h.comm.finished_calls == 1);
  BOOST_TEST(h.r.done());
  for (const char* rid : {"a", "b"}) {
    auto s = h.sent_to<proto::shutdown>(rid);
    BOOST_TEST_REQUIRE(s.size() == 1u);
    BOOST_TEST(s[0].reason == "end");
  }
  BOOST_TEST(h.r.outcome().ok == 2u);
  BOOST_TEST(!h.r.outcome().interrupted);
  BOOST_TEST(h.r.fatal().empty());
}

BOOST_AUTO_TEST_CASE(a_plan_with_nothing_to_run_finishes_at_start) {
  harness h(1);
  recording_comm comm;
  master_reactor r(h.cfg, 0, std::make_unique<grid_source>(h.cfg.points, 1, 1), comm);  // all done before
  r.start(h.at());
  BOOST_TEST(comm.finished_calls == 1);
  BOOST_TEST(h.comm.finished_calls == 0);
}

BOOST_AUTO_TEST_CASE(the_next_deadline_is_asked_for) {
  harness h(1, "timeout = 5s\n");
  const steady_time dispatched = h.now;
  h.hello("a", 1);
  BOOST_TEST_REQUIRE(h.comm.wake.has_value());
  BOOST_TEST((*h.comm.wake <= dispatched + 5s));
  h.now = dispatched + 5s;
  h.tick();
  BOOST_TEST(h.sent_to<proto::cancel>("a").size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_interrupt_cancels_and_a_second_records_canceled_at_once) {
  harness h(3);
  h.hello("a", 2);
  h.r.on_signal(SIGINT, h.at());
  BOOST_TEST(h.logged("interrupted: canceling running jobs (again to stop at once)"));
  BOOST_TEST(h.sent_to<proto::cancel>("a").size() == 2u);
  BOOST_TEST(h.r.stopping());
  BOOST_TEST(h.comm.finished_calls == 0);
  h.hello("late", 1);  // no new worker while stopping
  BOOST_TEST(h.sent_to<proto::shutdown>("late").size() == 1u);
  h.r.on_signal(SIGTERM, h.at());
  BOOST_TEST(h.logged("second interrupt: recording running attempts as canceled now"));
  BOOST_TEST_REQUIRE(h.comm.records.size() == 2u);
  for (const auto& rec : h.comm.records) BOOST_TEST(to_string(rec.status) == "canceled");
  BOOST_TEST(h.sent_to<proto::shutdown>("a").size() == 1u);
  BOOST_TEST(h.comm.finished_calls == 1);
  BOOST_TEST(h.r.outcome().interrupted);
}

BOOST_AUTO_TEST_CASE(a_record_that_cannot_be_written_stops_the_sweep_with_its_error) {
  harness h(3);
  h.hello("a", 2);
  auto jobs = h.sent_to<proto::job>("a");
  BOOST_TEST_REQUIRE(jobs.size() == 2u);
  h.comm.record_error = "cannot write results: No space left on device";
  h.receive("a", h.exited(jobs[0], 0));
  BOOST_TEST(h.r.fatal() == "cannot write results: No space left on device");
  BOOST_TEST(h.comm.finished_calls == 1);
  BOOST_TEST(h.r.outcome().interrupted);
  auto s = h.sent_to<proto::shutdown>("a");
  BOOST_TEST_REQUIRE(!s.empty());
  BOOST_TEST(s[0].reason == "end");
}

BOOST_AUTO_TEST_CASE(a_failure_from_the_loop_stops_the_sweep_and_the_first_error_is_kept) {
  harness h(3);
  h.hello("a", 2);
  h.r.fail("cannot sync results", h.at());
  h.r.fail("a later error", h.at());
  BOOST_TEST(h.r.fatal() == "cannot sync results");
  BOOST_TEST(h.comm.finished_calls == 1);
  BOOST_TEST(h.comm.records.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

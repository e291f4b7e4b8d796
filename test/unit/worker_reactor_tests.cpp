// worker_reactor: the worker's decisions (lib/core/worker_reactor.hpp), driven by hand with a
// fake clock, a fake runner that records spawns and kills, and a comm that records messages,
// timers, log lines and the exit. Every test feeds events and checks what comes out.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "job_runner.hpp"
#include "protocol.hpp"
#include "worker_reactor.hpp"

using namespace gridctl;
using namespace std::chrono_literals;
namespace proto = gridctl::protocol;

namespace {

/// Records what the reactor asked to run and kill; the test plays the jobs' output and ends.
struct fake_runner : job_runner {
  std::vector<std::pair<job_serial, job_spec>> spawned;
  std::vector<job_serial> killed;
  void spawn(job_serial job, const job_spec& spec) override { spawned.emplace_back(job, spec); }
  void kill(job_serial job) override { killed.push_back(job); }
};

/// Records everything the reactor asks of the loop.
struct recording_comm : worker_comm {
  std::vector<proto::to_master> sent;
  std::map<worker_timer, steady_time> armed;
  std::vector<std::string> lines;
  int reconnects = 0;
  std::optional<int> exit_status;
  bool delivered = false;
  void send(const proto::to_master& m) override { sent.push_back(m); }
  void arm(worker_timer t, steady_time at) override { armed[t] = at; }
  void disarm(worker_timer t) override { armed.erase(t); }
  void reconnect() override { ++reconnects; }
  void exit(int status, bool deliver) override {
    BOOST_TEST(!exit_status.has_value(), "exit() called twice");
    exit_status = status;
    delivered = deliver;
  }
  void log(const std::string& line) override { lines.push_back(line); }
};

worker_settings settings(int slots, bool once = false) { return worker_settings{"node07", slots, once, "tcp://m:5555"}; }

constexpr point_id point_a = 0x0123456789abcdefull;
constexpr point_id point_b = 0xfedcba9876543210ull;
constexpr point_id point_c = 0x00000000000000c0ull;

proto::job make_job(point_id p, int attempt = 1, std::uint64_t output_limit = 1 << 20) {
  proto::job j;
  j.point = p;
  j.attempt = attempt;
  j.command = "./think " + std::to_string(attempt);
  j.workdir = "/sweep";
  j.env = {{"GRIDCTL_POINT", format_point_id(p)}};
  j.output_limit = output_limit;
  j.kill_grace_ms = 250;
  return j;
}

job_exit exited(int code) {
  job_exit e;
  e.exit_code = code;
  e.started = std::chrono::system_clock::time_point(1700000000000ms);
  e.duration = 1500us;
  return e;
}

job_exit killed_by(int sig) {
  job_exit e = exited(0);
  e.exit_code.reset();
  e.signal = sig;
  return e;
}

/// A reactor with its fakes and a fake clock.
struct harness {
  steady_time now = steady_time{} + 1000h;  // well away from the epoch
  fake_runner runner;
  recording_comm comm;
  worker_reactor r;

  explicit harness(worker_settings s = settings(2)) : r(std::move(s), runner, comm) {}

  void advance(std::chrono::milliseconds d) { now += d; }
  void start() { r.start(now); }
  void receive(proto::to_worker m) { r.on_message(std::move(m), now); }
  void welcome(std::int64_t heartbeat_ms = 1000) { receive(proto::welcome{proto::version, heartbeat_ms}); }
  /// Starts and gets welcomed; forgets what that sent.
  void register_now() {
    start();
    welcome();
    comm.sent.clear();
  }
  /// Receives a job and returns the serial the reactor gave it.
  job_serial give(const proto::job& j) {
    std::size_t before = runner.spawned.size();
    receive(j);
    BOOST_TEST_REQUIRE(runner.spawned.size() == before + 1);
    return runner.spawned.back().first;
  }
  bool armed(worker_timer t) const { return comm.armed.count(t) > 0; }
  /// Moves the clock to when `t` is due and fires it.
  void fire(worker_timer t) {
    BOOST_TEST_REQUIRE(armed(t));
    now = comm.armed.at(t);
    comm.armed.erase(t);
    r.on_timer(t, now);
  }
  /// The messages of type T sent so far.
  template <class T>
  std::vector<T> sent() const {
    std::vector<T> v;
    for (const auto& m : comm.sent)
      if (auto* x = std::get_if<T>(&m)) v.push_back(*x);
    return v;
  }
  bool logged(const std::string& part) const {
    for (const auto& l : comm.lines)
      if (l.find(part) != std::string::npos) return true;
    return false;
  }
  std::string types_sent() const {
    std::string s;
    for (const auto& m : comm.sent) s += std::string(std::visit([](const auto& x) { return x.type; }, m)) + " ";
    return s;
  }
};

}  // namespace

// =============================================================================================
BOOST_AUTO_TEST_SUITE(worker_reactor_registration)

BOOST_AUTO_TEST_CASE(hellos_back_off_from_100_ms_doubling_to_2_s_with_one_registration_number) {
  harness h;
  h.start();
  BOOST_TEST(h.logged("gridctl worker node07: 2 slots, master tcp://m:5555"));
  auto hellos = h.sent<proto::hello>();
  BOOST_TEST_REQUIRE(hellos.size() == 1u);
  BOOST_TEST(hellos[0].name == "node07");
  BOOST_TEST(hellos[0].slots == 2);
  BOOST_TEST(hellos[0].version == proto::version);
  BOOST_TEST(hellos[0].registration == 1u);
  const std::vector<std::chrono::milliseconds> waits = {100ms, 200ms, 400ms, 800ms, 1600ms, 2000ms, 2000ms, 2000ms};
  for (std::size_t i = 0; i < waits.size(); ++i) {
    BOOST_TEST_CONTEXT("hello " << i + 1) {
      steady_time before = h.now;
      h.fire(worker_timer::hello);
      BOOST_TEST((h.now - before == waits[i]));
      hellos = h.sent<proto::hello>();
      BOOST_TEST_REQUIRE(hellos.size() == i + 2);
      BOOST_TEST(hellos.back().registration == 1u);
    }
  }
  BOOST_TEST(!h.armed(worker_timer::heartbeat));
}

BOOST_AUTO_TEST_CASE(no_master_yet_is_said_once_after_10_s) {
  harness h;
  h.start();
  const steady_time started = h.now;
  while (h.comm.armed.at(worker_timer::hello) <= started + no_master_hint_after) {
    h.fire(worker_timer::hello);
    BOOST_TEST(!h.logged("no master"));
  }
  h.fire(worker_timer::hello);
  BOOST_TEST(h.logged("gridctl worker node07: no master at tcp://m:5555 yet; waiting"));
  std::size_t lines = h.comm.lines.size();
  for (int i = 0; i < 20; ++i) h.fire(worker_timer::hello);
  BOOST_TEST(h.comm.lines.size() == lines);
}

BOOST_AUTO_TEST_CASE(a_welcome_stops_the_hellos_and_starts_the_heartbeats_and_a_repeat_changes_nothing) {
  harness h;
  h.start();
  h.advance(30ms);
  steady_time hello_due = h.comm.armed.at(worker_timer::hello);
  h.welcome(500);
  BOOST_TEST(h.r.welcomed());
  BOOST_TEST(!h.armed(worker_timer::hello));
  BOOST_TEST_REQUIRE(h.armed(worker_timer::heartbeat));
  BOOST_TEST((h.comm.armed.at(worker_timer::heartbeat) == h.now + 500ms));
  // A hello timer firing that was already on its way when the welcome came is ignored.
  h.comm.sent.clear();
  h.r.on_timer(worker_timer::hello, hello_due);
  BOOST_TEST(h.comm.sent.empty(), "sent: " << h.types_sent());
  // The master answered several queued hellos: each welcome is the same registration.
  h.welcome(500);
  h.welcome(500);
  int registered = 0;
  for (const auto& l : h.comm.lines) registered += l == "gridctl worker node07: registered with the master";
  BOOST_TEST(registered == 1);
  BOOST_TEST(h.comm.sent.empty(), "sent: " << h.types_sent());
}

BOOST_AUTO_TEST_CASE(a_refusal_exits_with_status_2) {
  harness h;
  h.start();
  h.receive(proto::refuse{"this worker claims 9 slots\x1b[2J"});
  BOOST_TEST(h.logged("gridctl worker: the master refused this worker: this worker claims 9 slots"));
  BOOST_TEST(!h.logged("\x1b"));  // the master's text is made printable
  BOOST_TEST_REQUIRE(h.comm.exit_status.has_value());
  BOOST_TEST(*h.comm.exit_status == 2);
  BOOST_TEST(!h.comm.delivered);  // never welcomed: the queued hellos are for nobody
  BOOST_TEST(h.sent<proto::shutdown>().empty());
  BOOST_TEST(h.comm.armed.empty());
}

BOOST_AUTO_TEST_CASE(a_failed_handshake_with_once_exits_with_status_2_saying_why) {
  harness h(settings(2, true));
  h.start();
  h.r.on_handshake_failed("the master at tcp://m:5555 refused this worker's key");
  BOOST_TEST(h.logged("gridctl worker node07: the master at tcp://m:5555 refused this worker's key"));
  BOOST_TEST_REQUIRE(h.comm.exit_status.has_value());
  BOOST_TEST(*h.comm.exit_status == 2);
  BOOST_TEST(!h.comm.delivered);
}

BOOST_AUTO_TEST_CASE(a_failed_handshake_of_a_persistent_worker_is_told_once_and_hellos_go_on) {
  harness h;
  h.start();
  for (int i = 0; i < 3; ++i) h.r.on_handshake_failed("the master at tcp://m:5555 failed the CurveZMQ handshake");
  int told = 0;
  for (const auto& l : h.comm.lines) told += l.find("failed the CurveZMQ handshake; retrying with backoff") != std::string::npos;
  BOOST_TEST(told == 1);
  BOOST_TEST(!h.comm.exit_status.has_value());
  // The misleading "no master yet" hint stays unsaid: the failure was said instead.
  for (int i = 0; i < 20; ++i) h.fire(worker_timer::hello);
  BOOST_TEST(!h.logged("no master"));
  // Welcomed after the keys were fixed: a later failure is told again.
  h.welcome();
  h.r.on_handshake_failed("the master at tcp://m:5555 failed the CurveZMQ handshake");
  told = 0;
  for (const auto& l : h.comm.lines) told += l.find("failed the CurveZMQ handshake; retrying") != std::string::npos;
  BOOST_TEST(told == 2);
}

BOOST_AUTO_TEST_CASE(a_welcome_of_another_protocol_version_exits_with_status_2) {
  harness h;
  h.start();
  h.receive(proto::welcome{proto::version + 1, 1000});
  BOOST_TEST(h.logged("the master speaks protocol " + std::to_string(proto::version + 1)));
  BOOST_TEST(!h.r.welcomed());
  BOOST_TEST_REQUIRE(h.comm.exit_status.has_value());
  BOOST_TEST(*h.comm.exit_status == 2);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(worker_reactor_jobs)

BOOST_AUTO_TEST_CASE(each_live_job_gets_its_own_slot_number_and_a_freed_one_is_reused) {
  harness h;  // 2 slots
  h.register_now();
  auto slot_of = [&](job_serial s) {
    for (const auto& [serial, spec] : h.runner.spawned)
      if (serial == s)
        for (const auto& [k, v] : spec.env)
          if (k == "GRIDCTL_SLOT") return v;
    return std::string("none");
  };
  job_serial a = h.give(make_job(point_a, 1));
  job_serial b = h.give(make_job(point_b, 1));
  BOOST_TEST(slot_of(a) == "0");
  BOOST_TEST(slot_of(b) == "1");
  h.r.on_job_ended(a, exited(0), h.now);
  job_serial c = h.give(make_job(point_a, 2));
  BOOST_TEST(slot_of(c) == "0");  // a's, free again; b still holds 1
}

BOOST_AUTO_TEST_CASE(a_job_is_spawned_with_its_spec_and_its_end_reported) {
  harness h;
  h.register_now();
  job_serial s = h.give(make_job(point_a, 3));
  const job_spec& spec = h.runner.spawned.back().second;
  BOOST_TEST(spec.command == "./think 3");
  BOOST_TEST(spec.workdir == "/sweep");
  BOOST_TEST_REQUIRE(spec.env.size() == 2u);
  BOOST_TEST(spec.env[0].second == format_point_id(point_a));
  BOOST_TEST(spec.env[1].first == "GRIDCTL_SLOT");
  BOOST_TEST(spec.env[1].second == "0");
  BOOST_TEST(spec.kill_grace.count() == 250);
  job_exit e = exited(4);
  e.error = "a process left behind by the job held its output open; it was killed";
  h.r.on_job_ended(s, e, h.now);
  auto done = h.sent<proto::done>();
  BOOST_TEST_REQUIRE(done.size() == 1u);
  BOOST_TEST(done[0].point == point_a);
  BOOST_TEST(done[0].attempt == 3);
  BOOST_TEST(done[0].exit_code.value_or(-1) == 4);
  BOOST_TEST(!done[0].signal.has_value());
  BOOST_TEST(done[0].started_ms == 1700000000000);
  BOOST_TEST(done[0].duration_us == 1500);
  BOOST_TEST(done[0].error == e.error);
  BOOST_TEST(!done[0].worker_exiting);
  BOOST_TEST(h.r.jobs() == 0u);
  // A second end of the same job (it cannot come, but if it did) is not reported twice.
  h.r.on_job_ended(s, e, h.now);
  BOOST_TEST(h.sent<proto::done>().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_job_beyond_the_free_slots_and_the_queue_is_answered_at_once) {
  harness h(settings(1));
  h.register_now();
  h.give(make_job(point_a));
  for (int i = 0; i < lookahead_cap(1); ++i) h.receive(make_job(point_c, 10 + i));  // queued
  h.comm.sent.clear();
  h.receive(make_job(point_b, 2));
  BOOST_TEST(h.runner.spawned.size() == 1u);
  auto out = h.sent<proto::output>();
  BOOST_TEST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].point == point_b);
  BOOST_TEST(out[0].stream == 2);
  BOOST_TEST(out[0].bytes.find("no free slot") != std::string::npos);
  auto done = h.sent<proto::done>();
  BOOST_TEST_REQUIRE(done.size() == 1u);
  BOOST_TEST(done[0].point == point_b);
  BOOST_TEST(done[0].attempt == 2);
  BOOST_TEST(done[0].exit_code.value_or(0) == 127);
  BOOST_TEST(!done[0].worker_exiting);
  BOOST_TEST(h.r.live_jobs() == 1u);
}

BOOST_AUTO_TEST_CASE(a_cancel_kills_only_its_attempt) {
  harness h;
  h.register_now();
  job_serial a = h.give(make_job(point_a, 1));
  h.give(make_job(point_b, 1));
  h.receive(proto::cancel{point_a, 2});  // another attempt of the point: not ours
  BOOST_TEST(h.runner.killed.empty());
  h.receive(proto::cancel{point_a, 1});
  BOOST_TEST_REQUIRE(h.runner.killed.size() == 1u);
  BOOST_TEST(h.runner.killed[0] == a);
  // The killed job's end is reported as usual: the master records it canceled.
  h.r.on_job_ended(a, killed_by(15), h.now);
  auto done = h.sent<proto::done>();
  BOOST_TEST_REQUIRE(done.size() == 1u);
  BOOST_TEST(done[0].signal.value_or(0) == 15);
}

BOOST_AUTO_TEST_CASE(output_travels_up_to_the_limit_per_stream_and_the_rest_is_counted) {
  harness h;
  h.register_now();
  job_serial s = h.give(make_job(point_a, 1, 10));
  h.r.on_output(s, 1, "123456", h.now);
  h.r.on_output(s, 2, "ab", h.now);
  h.r.on_output(s, 1, "7890ABCDEF", h.now);  // 4 fit
  h.r.on_output(s, 1, "GH", h.now);
  h.r.on_output(s, 2, "cdefghijklmn", h.now);  // 8 fit
  auto out = h.sent<proto::output>();
  BOOST_TEST_REQUIRE(out.size() == 4u);
  BOOST_TEST(out[0].stream == 1);
  BOOST_TEST(out[0].bytes == "123456");
  BOOST_TEST(out[1].stream == 2);
  BOOST_TEST(out[1].bytes == "ab");
  BOOST_TEST(out[2].bytes == "7890");
  BOOST_TEST(out[3].stream == 2);
  BOOST_TEST(out[3].bytes == "cdefghij");
  for (const auto& o : out) BOOST_TEST(o.point == point_a);
  h.r.on_job_ended(s, exited(0), h.now);
  auto done = h.sent<proto::done>();
  BOOST_TEST_REQUIRE(done.size() == 1u);
  BOOST_TEST(done[0].stdout_dropped == 8u);
  BOOST_TEST(done[0].stderr_dropped == 4u);
  // The end of stdout travels with the end report when its front was cut.
  BOOST_TEST(done[0].stdout_tail == "1234567890ABCDEFGH");
}

BOOST_AUTO_TEST_CASE(the_stdout_tail_is_the_last_64_KiB_and_only_sent_when_something_was_dropped) {
  harness h;
  h.register_now();
  job_serial whole = h.give(make_job(point_a, 1, 100));
  h.r.on_output(whole, 1, "all of it fits", h.now);
  h.r.on_job_ended(whole, exited(0), h.now);
  auto done = h.sent<proto::done>();
  BOOST_TEST_REQUIRE(done.size() == 1u);
  BOOST_TEST(done[0].stdout_dropped == 0u);
  BOOST_TEST(done[0].stdout_tail.empty());

  job_serial big = h.give(make_job(point_b, 1, 100));
  std::string printed;
  for (int i = 0; i < 3000; ++i) {
    std::string chunk = "line " + std::to_string(i) + " of a chatty job\n";
    printed += chunk;
    h.r.on_output(big, 1, chunk, h.now);
  }
  h.r.on_job_ended(big, exited(0), h.now);
  done = h.sent<proto::done>();
  BOOST_TEST_REQUIRE(done.size() == 2u);
  BOOST_TEST(done[1].stdout_dropped == printed.size() - 100);
  BOOST_TEST(done[1].stdout_tail.size() == stdout_tail_bytes);
  BOOST_TEST((done[1].stdout_tail == printed.substr(printed.size() - stdout_tail_bytes)));
  std::size_t sent_bytes = 0;
  for (const auto& o : h.sent<proto::output>()) sent_bytes += o.point == point_b ? o.bytes.size() : 0;
  BOOST_TEST(sent_bytes == 100u);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(worker_reactor_resets)

BOOST_AUTO_TEST_CASE(after_unknown_the_stale_jobs_are_killed_unreported_and_hold_no_slot) {
  harness h(settings(2));
  h.register_now();
  job_serial old_a = h.give(make_job(point_a));
  job_serial old_b = h.give(make_job(point_b));
  h.receive(proto::shutdown{"unknown"});
  BOOST_TEST(h.logged("the master no longer knows this worker; registering again"));
  BOOST_TEST(h.runner.killed == (std::vector<job_serial>{old_a, old_b}));
  auto hellos = h.sent<proto::hello>();
  BOOST_TEST_REQUIRE(hellos.size() == 1u);
  BOOST_TEST(hellos[0].registration == 2u);
  // The master answers every message sent before the new hello reached it: only the first counts.
  h.receive(proto::shutdown{"unknown"});
  BOOST_TEST(h.sent<proto::hello>().size() == 1u);
  BOOST_TEST(h.runner.killed.size() == 2u);
  h.welcome();
  // The new master's jobs get both slots although the stale jobs are still being killed...
  BOOST_TEST(h.r.live_jobs() == 0u);
  BOOST_TEST(h.r.jobs() == 2u);
  job_serial new_a = h.give(make_job(point_a));  // the same (point, attempt) as a stale job
  h.give(make_job(point_c));
  BOOST_TEST(new_a != old_a);
  h.comm.sent.clear();
  h.receive(make_job(point_b, 2));  // ...and no more: it waits in the queue
  BOOST_TEST(h.sent<proto::done>().empty());
  BOOST_TEST(h.runner.spawned.size() == 4u);
  // A cancel of the new attempt reaches the new job, not the stale one of the same name.
  h.receive(proto::cancel{point_a, 1});
  BOOST_TEST(h.runner.killed.back() == new_a);
  // The stale jobs' output and ends are not reported; the new job's are.
  h.comm.sent.clear();
  h.r.on_output(old_a, 1, "late", h.now);
  h.r.on_job_ended(old_a, killed_by(15), h.now);
  h.r.on_job_ended(old_b, exited(0), h.now);
  BOOST_TEST(h.comm.sent.empty(), "sent: " << h.types_sent());
  h.r.on_job_ended(new_a, killed_by(15), h.now);
  auto done = h.sent<proto::done>();
  BOOST_TEST_REQUIRE(done.size() == 1u);
  BOOST_TEST(done[0].point == point_a);
}

BOOST_AUTO_TEST_CASE(a_master_silent_for_3_heartbeats_makes_the_worker_register_again) {
  harness h;
  h.register_now();
  job_serial s = h.give(make_job(point_a));
  // Heard from within 3 heartbeats: heartbeats go on.
  for (int i = 0; i < silent_heartbeats_to_lose; ++i) {
    h.fire(worker_timer::heartbeat);
    BOOST_TEST(h.r.welcomed());
  }
  // The first round had the job's `started`: any message counts as a heartbeat.
  BOOST_TEST(h.sent<proto::heartbeat>().size() == static_cast<std::size_t>(silent_heartbeats_to_lose - 1));
  BOOST_TEST(h.runner.killed.empty());
  h.receive(proto::heartbeat{});  // at 3 s: heard again
  for (int i = 0; i < silent_heartbeats_to_lose; ++i) h.fire(worker_timer::heartbeat);
  BOOST_TEST(h.r.welcomed());
  h.comm.sent.clear();
  h.fire(worker_timer::heartbeat);  // 4 s of silence
  BOOST_TEST(h.logged("the master has been silent for 3 heartbeats; registering again"));
  BOOST_TEST(!h.r.welcomed());
  BOOST_TEST(h.runner.killed == std::vector<job_serial>{s});
  BOOST_TEST(h.sent<proto::heartbeat>().empty());
  auto hellos = h.sent<proto::hello>();
  BOOST_TEST_REQUIRE(hellos.size() == 1u);
  BOOST_TEST(hellos[0].registration == 2u);
  BOOST_TEST(!h.armed(worker_timer::heartbeat));
  BOOST_TEST(h.armed(worker_timer::hello));
  BOOST_TEST(h.r.live_jobs() == 0u);
}

BOOST_AUTO_TEST_CASE(a_job_for_the_dropped_registration_is_not_taken) {
  // The master was slow, not gone: a job it sent to our old registration arrives after our new
  // hello. Taken, it would hold a slot, and the new registration's jobs would be refused.
  harness h;  // 2 slots
  h.register_now();
  h.give(make_job(point_a, 1));
  for (int i = 0; i <= silent_heartbeats_to_lose; ++i) h.fire(worker_timer::heartbeat);
  BOOST_TEST_REQUIRE(!h.r.welcomed());
  std::size_t spawned = h.runner.spawned.size();
  h.comm.sent.clear();
  h.receive(make_job(point_b, 1));  // sent before the master saw our new hello
  BOOST_TEST(h.runner.spawned.size() == spawned);
  BOOST_TEST(h.sent<proto::done>().empty());  // no refusal either: the master ends it as lost
  h.welcome();
  h.give(make_job(point_a, 2));  // the new registration gets both slots
  h.give(make_job(point_b, 2));
  BOOST_TEST(h.sent<proto::done>().empty());
}

BOOST_AUTO_TEST_CASE(a_dropped_connection_reconnects_and_registers_again) {
  harness h;
  h.start();
  h.r.on_disconnected(h.now);  // not welcomed yet: the hellos go on as they are
  BOOST_TEST(h.comm.reconnects == 0);
  BOOST_TEST(h.sent<proto::hello>().size() == 1u);
  h.welcome();
  job_serial s = h.give(make_job(point_a));
  h.comm.sent.clear();
  h.r.on_disconnected(h.now);
  BOOST_TEST(h.logged("the connection to the master dropped; registering again"));
  BOOST_TEST(h.comm.reconnects == 1);
  BOOST_TEST(h.runner.killed == std::vector<job_serial>{s});
  auto hellos = h.sent<proto::hello>();
  BOOST_TEST_REQUIRE(hellos.size() == 1u);
  BOOST_TEST(hellos[0].registration == 2u);
  // libzmq may report the drop more than once: until welcomed again, nothing more happens.
  h.r.on_disconnected(h.now);
  BOOST_TEST(h.comm.reconnects == 1);
  h.r.on_job_ended(s, killed_by(15), h.now);
  BOOST_TEST(h.sent<proto::done>().empty());
}

BOOST_AUTO_TEST_CASE(a_persistent_worker_says_hello_to_the_next_sweep_after_a_second) {
  harness h;
  h.register_now();
  job_serial s = h.give(make_job(point_a));
  h.receive(proto::shutdown{"end"});
  BOOST_TEST(h.logged("gridctl worker node07: the sweep is over"));
  BOOST_TEST(h.runner.killed == std::vector<job_serial>{s});
  BOOST_TEST(!h.comm.exit_status.has_value());
  BOOST_TEST(!h.r.welcomed());
  BOOST_TEST(!h.armed(worker_timer::heartbeat));
  BOOST_TEST(h.sent<proto::hello>().empty());
  steady_time ended = h.now;
  h.fire(worker_timer::hello);
  BOOST_TEST((h.now - ended == std::chrono::milliseconds(next_sweep_hello_delay)));
  auto hellos = h.sent<proto::hello>();
  BOOST_TEST_REQUIRE(hellos.size() == 1u);
  BOOST_TEST(hellos[0].registration == 2u);
  h.fire(worker_timer::hello);  // and backs off as at the start
  BOOST_TEST(h.sent<proto::hello>().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(worker_reactor_exit)

BOOST_AUTO_TEST_CASE(a_signal_kills_the_jobs_reports_them_says_goodbye_and_exits) {
  harness h(settings(2));
  h.register_now();
  job_serial a = h.give(make_job(point_a));
  job_serial b = h.give(make_job(point_b));
  h.r.on_signal(15);
  BOOST_TEST(h.logged("gridctl worker node07: exiting (signal 15)"));
  BOOST_TEST(h.r.exiting());
  BOOST_TEST(h.runner.killed == (std::vector<job_serial>{a, b}));
  BOOST_TEST(!h.comm.exit_status.has_value());
  // No new jobs while exiting: given back at once, unstarted (the master sends it elsewhere).
  h.receive(make_job(point_c));
  BOOST_TEST(h.runner.spawned.size() == 2u);
  auto refused = h.sent<proto::returned>();
  BOOST_TEST_REQUIRE(refused.size() == 1u);
  BOOST_TEST(refused[0].point == point_c);
  BOOST_TEST(h.sent<proto::done>().empty());
  // Heartbeats go on while the jobs end, even from a silent master: its results must arrive.
  for (int i = 0; i < 2 * silent_heartbeats_to_lose; ++i) h.fire(worker_timer::heartbeat);
  // (The first round had the `returned`: any message counts as a heartbeat.)
  BOOST_TEST(h.sent<proto::heartbeat>().size() == static_cast<std::size_t>(2 * silent_heartbeats_to_lose - 1));
  BOOST_TEST(h.sent<proto::hello>().empty());
  // "unknown" while exiting changes nothing: the jobs are being stopped anyway.
  h.receive(proto::shutdown{"unknown"});
  BOOST_TEST(h.sent<proto::hello>().empty());
  h.comm.sent.clear();
  // A job that exits 0 during the shutdown is reported with its exit code: the master records it ok.
  h.r.on_job_ended(a, exited(0), h.now);
  BOOST_TEST(!h.comm.exit_status.has_value());
  h.r.on_job_ended(b, killed_by(15), h.now);
  auto done = h.sent<proto::done>();
  BOOST_TEST_REQUIRE(done.size() == 2u);
  BOOST_TEST(done[0].point == point_a);
  BOOST_TEST(done[0].exit_code.value_or(-1) == 0);
  BOOST_TEST(done[0].worker_exiting);
  BOOST_TEST(done[1].signal.value_or(0) == 15);
  BOOST_TEST(done[1].worker_exiting);
  BOOST_TEST_REQUIRE(h.comm.sent.size() == 3u);
  const auto* bye = std::get_if<proto::shutdown>(&h.comm.sent.back());
  BOOST_TEST_REQUIRE(bye != nullptr);
  BOOST_TEST(bye->reason == "bye");
  BOOST_TEST_REQUIRE(h.comm.exit_status.has_value());
  BOOST_TEST(*h.comm.exit_status == 0);
  BOOST_TEST(h.comm.delivered);
  BOOST_TEST(h.comm.armed.empty());
  // After the exit nothing more happens.
  h.comm.sent.clear();
  h.r.on_signal(15);
  h.welcome();
  h.r.on_disconnected(h.now);
  BOOST_TEST(h.comm.sent.empty(), "sent: " << h.types_sent());
}

BOOST_AUTO_TEST_CASE(a_signal_before_any_master_exits_at_once_without_goodbye) {
  harness h;
  h.start();
  h.r.on_signal(2);
  BOOST_TEST_REQUIRE(h.comm.exit_status.has_value());
  BOOST_TEST(*h.comm.exit_status == 0);
  BOOST_TEST(!h.comm.delivered);
  BOOST_TEST(h.sent<proto::shutdown>().empty());
  BOOST_TEST(h.comm.armed.empty());
}

BOOST_AUTO_TEST_CASE(once_exits_when_the_sweep_is_over_and_its_jobs_have_ended) {
  harness h(settings(2, true));
  h.register_now();
  job_serial s = h.give(make_job(point_a));
  h.receive(proto::shutdown{"end"});
  BOOST_TEST(h.logged("exiting (sweep over)"));
  BOOST_TEST_REQUIRE(!h.runner.killed.empty());  // kill() is idempotent: it may come twice
  for (job_serial k : h.runner.killed) BOOST_TEST(k == s);
  BOOST_TEST(!h.comm.exit_status.has_value());
  h.r.on_job_ended(s, killed_by(15), h.now);
  BOOST_TEST(h.sent<proto::done>().empty());  // the sweep is over: its attempt is stale
  BOOST_TEST_REQUIRE(h.comm.exit_status.has_value());
  BOOST_TEST(*h.comm.exit_status == 0);
  BOOST_TEST(h.sent<proto::shutdown>().size() == 1u);

  harness idle(settings(1, true));
  idle.register_now();
  idle.receive(proto::shutdown{"end"});
  BOOST_TEST_REQUIRE(idle.comm.exit_status.has_value());
  BOOST_TEST(*idle.comm.exit_status == 0);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(worker_reactor_queue)

/// A worker of 1 slot running point_a (its `started` already sent) with `queued` jobs of
/// point_c (attempts 10, 11, ...) in its queue; what it sent so far is forgotten.
job_serial one_running_and_queued(harness& h, int queued) {
  h.register_now();
  job_serial a = h.give(make_job(point_a));
  BOOST_TEST_REQUIRE(h.sent<proto::started>().size() == 1u);  // the queue was empty: at once
  for (int i = 0; i < queued; ++i) h.receive(make_job(point_c, 10 + i));
  BOOST_TEST_REQUIRE(h.runner.spawned.size() == 1u);
  h.comm.sent.clear();
  return a;
}

BOOST_AUTO_TEST_CASE(a_freed_slot_starts_the_queued_job_and_the_done_says_so) {
  harness h(settings(1));
  job_serial a = one_running_and_queued(h, 1);
  h.r.on_job_ended(a, exited(0), h.now);
  BOOST_TEST_REQUIRE(h.runner.spawned.size() == 2u);
  BOOST_TEST(h.runner.spawned.back().second.command == "./think 10");
  auto done = h.sent<proto::done>();
  BOOST_TEST_REQUIRE(done.size() == 1u);  // the queue is empty now: sent at once
  BOOST_TEST(done[0].point == point_a);
  BOOST_TEST_REQUIRE(done[0].next_started.has_value());
  BOOST_TEST(done[0].next_started->first == point_c);
  BOOST_TEST(done[0].next_started->second == 10);
  BOOST_TEST(h.sent<proto::started>().empty());
}

BOOST_AUTO_TEST_CASE(reports_wait_while_the_queue_covers_and_go_together_once_half_of_it_is_used) {
  harness h(settings(1));
  job_serial a = one_running_and_queued(h, 4);
  h.r.on_output(a, 1, "result 1\n", h.now);
  h.r.on_job_ended(a, exited(0), h.now);  // 10 starts; 3 of 4 still queued
  BOOST_TEST(h.comm.sent.empty(), "sent: " << h.types_sent());
  BOOST_TEST_REQUIRE(h.armed(worker_timer::report));
  BOOST_TEST((h.comm.armed.at(worker_timer::report) == h.now + report_hold_max));
  h.advance(1ms);
  h.r.on_job_ended(h.runner.spawned.back().first, exited(0), h.now);  // 11 starts; 2 of 4 queued
  BOOST_TEST(h.types_sent() == "output done done ");  // in the order they happened
  auto done = h.sent<proto::done>();
  BOOST_TEST_REQUIRE(done.size() == 2u);
  BOOST_TEST(done[0].point == point_a);
  BOOST_TEST(done[1].attempt == 10);
  BOOST_TEST(done[1].next_started->second == 11);
  BOOST_TEST(!h.armed(worker_timer::report));
}

BOOST_AUTO_TEST_CASE(held_reports_go_out_after_report_hold_max_at_the_latest) {
  harness h(settings(1));
  job_serial a = one_running_and_queued(h, 4);
  h.r.on_job_ended(a, exited(0), h.now);
  BOOST_TEST(h.comm.sent.empty());
  h.fire(worker_timer::report);
  BOOST_TEST(h.types_sent() == "done ");
}

BOOST_AUTO_TEST_CASE(any_other_message_sends_the_held_reports_first) {
  harness h(settings(1));
  job_serial a = one_running_and_queued(h, 4);  // queued: 10 .. 13
  h.r.on_job_ended(a, exited(0), h.now);        // 10 starts; held
  BOOST_TEST(h.comm.sent.empty(), "sent: " << h.types_sent());
  // A take_back for a job that already started is ignored, but the reports held back (its
  // start among them) go at once: the master waits for that answer.
  h.receive(proto::take_back{point_c, 10});
  BOOST_TEST_REQUIRE(h.types_sent() == "done ");
  BOOST_TEST(h.sent<proto::done>()[0].next_started->second == 10);
  h.comm.sent.clear();
  h.r.on_job_ended(h.runner.spawned.back().first, exited(0), h.now);  // 11 starts; held
  BOOST_TEST(h.comm.sent.empty(), "sent: " << h.types_sent());
  h.receive(proto::take_back{point_c, 13});  // still queued: given back, after what was held
  BOOST_TEST(h.types_sent() == "done returned ");
  BOOST_TEST(!h.armed(worker_timer::report));
}

BOOST_AUTO_TEST_CASE(the_end_of_the_sweep_sends_the_held_reports_before_it_drops_the_queue) {
  harness h(settings(1));  // persistent: nothing else is sent when the sweep ends
  job_serial a = one_running_and_queued(h, 4);
  h.r.on_job_ended(a, exited(0), h.now);
  BOOST_TEST(h.comm.sent.empty());
  h.receive(proto::shutdown{"end"});
  BOOST_TEST(h.types_sent() == "done ");
  BOOST_TEST(!h.armed(worker_timer::report));
}

BOOST_AUTO_TEST_CASE(the_masters_heartbeat_is_answered_unless_something_went_out_since_our_last_one) {
  harness h(settings(1));
  h.register_now();
  h.fire(worker_timer::heartbeat);  // the hello went out this round: it counts as our heartbeat
  BOOST_TEST(h.comm.sent.empty(), "sent: " << h.types_sent());
  h.receive(proto::heartbeat{});
  BOOST_TEST(h.types_sent() == "heartbeat ");
  h.receive(proto::heartbeat{});  // a second one before our own heartbeat time: no answer
  BOOST_TEST(h.types_sent() == "heartbeat ");
  h.fire(worker_timer::heartbeat);  // we answered this round: nothing of our own either
  BOOST_TEST(h.types_sent() == "heartbeat ");
  h.comm.sent.clear();
  h.give(make_job(point_a));  // `started` counts as a heartbeat
  h.receive(proto::heartbeat{});
  BOOST_TEST(h.types_sent() == "started ");
  h.fire(worker_timer::heartbeat);
  h.receive(proto::heartbeat{});
  BOOST_TEST(h.types_sent() == "started heartbeat ");
}

BOOST_AUTO_TEST_CASE(silence_from_the_master_still_gets_our_own_heartbeat) {
  harness h(settings(1));
  h.register_now();
  h.fire(worker_timer::heartbeat);  // the hello counted for this round
  h.fire(worker_timer::heartbeat);
  BOOST_TEST(h.types_sent() == "heartbeat ");
}

BOOST_AUTO_TEST_SUITE_END()

// scheduler lookahead (issue 11): a worker holds a small queue beyond its slots once short jobs
// were measured; a queued job is taken back when a slot elsewhere is idle; a job that never
// started (given back, or on a worker that went) is no loss, uses no try and leaves no record;
// a take-back that crosses the job's start just fails; timeouts run from the start.
#include "scheduler_harness.hpp"

using namespace scheduler_test;
using namespace std::chrono_literals;

namespace {

exit_report exit_after(int code, std::chrono::microseconds d) {
  exit_report r = exited(code);
  r.duration = d;
  return r;
}
exit_report ok_after(std::chrono::microseconds d) { return exit_after(0, d); }

/// Worker 1 joins with `slots` slots and gets one job per slot (no lookahead before a
/// measure), each started 1 ms later (the round trip). Its dispatches are returned.
std::vector<action::dispatch> join_and_start(harness& h, int slots) {
  h.auto_start = false;
  auto d = dispatches(h.join(1, slots));
  BOOST_TEST_REQUIRE(d.size() == static_cast<std::size_t>(slots));
  h.advance(1ms);
  for (const auto& x : d) h.start(x);
  return d;
}

/// Worker 1 (one slot) runs point 0: sent, started 1 ms later (the round trip), ended after
/// 50 ms of work. The actions of that end (the next dispatches) are returned.
std::vector<scheduler_action> measure_short_job(harness& h, int slots = 1) {
  auto d = join_and_start(h, slots);
  h.advance(50ms);
  auto acts = h.end(d[0], ok_after(50ms));
  for (std::size_t i = 1; i < d.size(); ++i) {
    auto more = h.end(d[i], ok_after(50ms));
    acts.insert(acts.end(), more.begin(), more.end());
  }
  return acts;
}

std::vector<action::take_back> take_backs(const std::vector<scheduler_action>& acts) {
  std::vector<action::take_back> v;
  for (const auto& a : acts)
    if (auto* b = std::get_if<action::take_back>(&a)) v.push_back(*b);
  return v;
}
std::vector<action::returned> returneds(const std::vector<scheduler_action>& acts) {
  std::vector<action::returned> v;
  for (const auto& a : acts)
    if (auto* r = std::get_if<action::returned>(&a)) v.push_back(*r);
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scheduler_lookahead)

BOOST_AUTO_TEST_CASE(short_jobs_get_a_queue_beyond_the_slots_and_it_is_bounded) {
  harness h(make_tasks(100));
  auto acts = measure_short_job(h);
  BOOST_TEST_CONTEXT(describe(acts)) {
    // Round trip 1 ms, jobs of 50 ms. The queue covers the ends of twice the longer of two
    // round trips and report_hold_max (20 ms, how long the worker may hold its reports to send
    // them together): one slot needs 2 * 1 * 20 / 50 = 0.8, so 1 queued job.
    BOOST_TEST(h.s.depth_for(1) == 1);
    BOOST_TEST(dispatches(acts).size() == 2u);  // the free slot and the queue
  }
  BOOST_TEST(h.s.running() == 2u);
  // The held reports count although the round trip is short: 2 * 4 * 20 / 50 = 3.2 for 4 slots
  // (two round trips alone would want 2 * 4 * 2 / 50 = 0.32, so 1).
  BOOST_TEST(h.s.depth_for(4) == 4);
  // More slots want more, but never beyond lookahead_cap: 2 * 200 * 20 / 50 = 160 > 64.
  BOOST_TEST(h.s.depth_for(200) == lookahead_cap(200));
  BOOST_TEST(lookahead_cap(1) == 32);
  BOOST_TEST(lookahead_cap(16) == 32);
  BOOST_TEST(lookahead_cap(20) == 40);
  BOOST_TEST(lookahead_cap(64) == 64);
  BOOST_TEST(lookahead_cap(200) == 64);
}

BOOST_AUTO_TEST_CASE(a_program_that_cannot_run_gives_no_measure_and_so_no_queue) {
  harness h(make_tasks(100));
  auto d = join_and_start(h, 1);
  h.advance(1ms);
  auto acts = h.end(d[0], exit_after(127, 1ms));
  BOOST_TEST(h.s.depth_for(1) == 0);
  BOOST_TEST(dispatches(acts).size() == 1u, describe(acts));  // only the freed slot
  // A job that ran and failed is a measure like any other.
  auto next = dispatches(acts);
  h.start(next[0]);
  h.advance(1ms);
  h.end(next[0], exit_after(1, 1ms));
  BOOST_TEST(h.s.depth_for(1) > 0);
}

BOOST_AUTO_TEST_CASE(long_jobs_get_no_queue) {
  harness h(make_tasks(100));
  auto d = join_and_start(h, 4);
  h.advance(2s);  // 2,000 round trips: a round trip costs a slot 0.05 %
  auto acts = h.end(d[0], ok_after(2s));
  BOOST_TEST(h.s.depth_for(4) == 0);
  BOOST_TEST(dispatches(acts).size() == 1u);  // only the freed slot
}

BOOST_AUTO_TEST_CASE(a_queued_job_is_taken_back_for_an_idle_slot_and_runs_there_as_the_same_attempt) {
  harness h(make_tasks(3));
  auto acts = measure_short_job(h);  // point 0 ended; 1 in the slot, 2 queued on worker 1
  auto d = dispatches(acts);
  BOOST_TEST_REQUIRE(d.size() == 2u);
  h.start(d[0]);
  // Worker 2 joins with nothing left to run: worker 1's queued job is asked back.
  auto joined = h.join(2, 1);
  BOOST_TEST(dispatches(joined).empty());
  auto b = take_backs(joined);
  BOOST_TEST_REQUIRE(b.size() == 1u);
  BOOST_TEST(b[0].worker == 1u);
  BOOST_TEST(b[0].id == d[1].t.id);
  // Asked once only, while unanswered.
  BOOST_TEST(take_backs(h.tick()).empty());
  // Given back: no record, and the same attempt goes to the idle slot with its tries intact.
  auto back = h.s.attempt_returned(1, b[0].id, b[0].attempt, h.now);
  BOOST_TEST(endeds(back).empty());
  BOOST_TEST_REQUIRE(returneds(back).size() == 1u);
  auto again = dispatches(back);
  BOOST_TEST_REQUIRE(again.size() == 1u);
  BOOST_TEST(again[0].worker == 2u);
  BOOST_TEST(again[0].t.id == d[1].t.id);
  BOOST_TEST(again[0].t.attempt == d[1].t.attempt);
  BOOST_TEST(again[0].t.tries_left == d[1].t.tries_left);
  BOOST_TEST(again[0].t.losses == 0);
  // A late report from worker 1 for it (it cannot come, but if it did) is dropped.
  BOOST_TEST(h.end(1, d[1].t, exited(0)).empty());
  h.start(again[0]);
  BOOST_TEST(status(endeds(h.end(again[0], exited(0))).at(0).status) == "ok");
  BOOST_TEST(status(endeds(h.end(d[0], exited(0))).at(0).status) == "ok");
  BOOST_TEST(h.s.points_ok() == 3u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_CASE(a_take_back_that_crosses_the_start_fails_and_the_job_is_recorded_where_it_ran) {
  harness h(make_tasks(3));
  auto d = dispatches(measure_short_job(h));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  h.start(d[0]);
  auto b = take_backs(h.join(2, 1));
  BOOST_TEST_REQUIRE(b.size() == 1u);
  // Worker 1's slot freed before the take_back arrived: the queued job began there (the start
  // comes with point 1's end), and worker 1 ignores the take_back.
  auto acts = h.start(d[1]);
  BOOST_TEST(take_backs(acts).empty());  // no other queued job to ask for
  BOOST_TEST(h.s.has_started(d[1].t.id, d[1].t.attempt));
  auto e = endeds(h.end(d[1], exited(0)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(e[0].worker == 1u);
  BOOST_TEST(status(e[0].status) == "ok");
  // A returned for it now (it cannot come, but if it did) changes nothing.
  BOOST_TEST(h.s.attempt_returned(1, d[1].t.id, d[1].t.attempt, h.now).empty());
}

BOOST_AUTO_TEST_CASE(a_result_for_a_job_being_taken_back_is_recorded_once) {
  harness h(make_tasks(3));
  auto d = dispatches(measure_short_job(h));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  auto b = take_backs(h.join(2, 1));
  BOOST_TEST_REQUIRE(b.size() == 1u);
  // The job started and ended before the take_back arrived: its done is its start and its end.
  auto e = endeds(h.end(d[1], exited(3)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "failed");
  BOOST_TEST(h.end(d[1], exited(0)).empty());  // a duplicate
  BOOST_TEST(h.s.points_failed() == 1u);
}

BOOST_AUTO_TEST_CASE(a_lost_workers_queued_jobs_are_no_loss_use_no_try_and_leave_no_record) {
  harness h(make_tasks(4), [] {
    auto c = make_config();
    c.max_losses = 1;  // a loss that counted would fail the point at once
    return c;
  }());
  auto d = dispatches(measure_short_job(h));  // point 1 in the slot, point 2 queued
  BOOST_TEST_REQUIRE(d.size() == 2u);
  h.start(d[0]);
  auto acts = h.s.worker_left(1, h.now);
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);  // only the job that ran
  BOOST_TEST(e[0].t.id == d[0].t.id);
  BOOST_TEST(status(e[0].status) == "lost");
  auto r = returneds(acts);
  BOOST_TEST_REQUIRE(r.size() == 1u);
  BOOST_TEST(r[0].t.id == d[1].t.id);
  // The next worker gets the queued job first, as the same attempt, no loss counted.
  h.auto_start = true;
  auto next = dispatches(h.join(2, 1));
  BOOST_TEST_REQUIRE(next.size() == 2u);  // its slot and its queue (short jobs were measured)
  BOOST_TEST(next[0].t.id == d[1].t.id);
  BOOST_TEST(next[0].t.attempt == d[1].t.attempt);
  BOOST_TEST(next[0].t.losses == 0);
}

BOOST_AUTO_TEST_CASE(the_timeout_runs_from_the_start_not_from_the_dispatch) {
  auto cfg = make_config();
  cfg.timeout = 10s;
  harness h(make_tasks(1), cfg);
  h.auto_start = false;
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  h.advance(8s);  // queued behind another job of the worker's
  for (int i = 0; i < 8; ++i) h.s.heard_from(1, h.now);
  BOOST_TEST(cancels(h.tick()).empty());
  h.start(d[0]);
  h.advance(9s);
  h.s.heard_from(1, h.now);
  BOOST_TEST(cancels(h.tick()).empty());  // 17 s after the dispatch, 9 s after the start
  h.advance(1s);
  h.s.heard_from(1, h.now);
  BOOST_TEST(cancels(h.tick()).size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_interrupt_returns_queued_jobs_without_records) {
  harness h(make_tasks(5));
  auto d = dispatches(measure_short_job(h));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  h.start(d[0]);
  BOOST_TEST(cancels(h.s.stop(h.now)).size() == 2u);
  auto back = h.s.attempt_returned(1, d[1].t.id, d[1].t.attempt, h.now);
  BOOST_TEST(endeds(back).empty());
  BOOST_TEST(dispatches(back).empty());  // stopping: it stays pending for the next run
  auto e = endeds(h.end(d[0], killed(15)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "canceled");
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_CASE(an_interrupt_cancels_the_queued_jobs_before_the_running_ones) {
  harness h(make_tasks(20));
  auto d = dispatches(measure_short_job(h, 4));  // 4 slots, depth 4 (2 * 4 * 20 / 50 = 3.2)
  BOOST_TEST_REQUIRE(d.size() == 8u);
  for (std::size_t i = 0; i < 4; ++i) h.start(d[i]);  // the 4 sent to free slots began
  auto c = cancels(h.s.stop(h.now));
  BOOST_TEST_REQUIRE(c.size() == 8u);
  // A worker that read a running job's cancel before a queued one's would start the queued
  // job in the freed slot, only to kill it when its own cancel comes.
  auto is_queued = [&](const action::cancel& x) {
    for (std::size_t i = 4; i < 8; ++i)
      if (d[i].t.id == x.id) return true;
    return false;
  };
  for (std::size_t i = 0; i < 8; ++i) BOOST_TEST(is_queued(c[i]) == (i < 4), "cancel " << i);
}

BOOST_AUTO_TEST_SUITE_END()

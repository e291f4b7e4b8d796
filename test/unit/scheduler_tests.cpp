// scheduler: the pure decision core of a sweep (docs/results-file.md and README: statuses, timeouts,
// [workers] heartbeat). Driven by hand with a fake clock and a fake task source; every test
// feeds events and checks the actions that come back.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "axis.hpp"
#include "grid.hpp"
#include "results_reader.hpp"
#include "results_writer.hpp"
#include "plan_task_source.hpp"
#include "resume.hpp"
#include "scheduler.hpp"

using namespace gridctl;
using namespace std::chrono_literals;

#include "scheduler_harness.hpp"

using namespace scheduler_test;


// =============================================================================================
BOOST_AUTO_TEST_SUITE(scheduler_dispatch)

BOOST_AUTO_TEST_CASE(a_worker_gets_at_most_its_slot_count_in_grid_order) {
  harness h(make_tasks(10));
  auto acts = h.join(1, 3);
  BOOST_TEST_INFO("actions: " << describe(acts));
  BOOST_TEST(acts.size() == 3u);
  auto d = dispatches(acts);
  BOOST_TEST_REQUIRE(d.size() == 3u);
  for (std::size_t i = 0; i < d.size(); ++i) {
    BOOST_TEST(d[i].worker == 1u);
    BOOST_TEST(d[i].t.index == i);
    BOOST_TEST(d[i].t.attempt == 1);
    BOOST_TEST(h.s.is_running(1, pid(i), 1));
  }
  BOOST_TEST(h.s.running() == 3u);
  BOOST_TEST(h.s.workers() == 1u);
  BOOST_TEST(h.s.slots() == 3u);
  BOOST_TEST(!h.s.is_running(1, pid(3), 1));
}

BOOST_AUTO_TEST_CASE(a_worker_with_more_slots_than_points_gets_every_point_once) {
  harness h(make_tasks(2));
  auto d = dispatches(h.join(7, 5));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  BOOST_TEST(d[0].t.index == 0u);
  BOOST_TEST(d[1].t.index == 1u);
  // Another worker joining later gets nothing: the points are all out.
  BOOST_TEST(h.join(8, 4).empty());
}

BOOST_AUTO_TEST_CASE(nothing_is_dispatched_before_a_worker_joins_or_while_all_slots_are_busy) {
  harness h(make_tasks(10));
  BOOST_TEST(h.tick().empty());
  BOOST_TEST(h.s.running() == 0u);
  auto first = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(first.size() == 2u);
  for (int i = 0; i < 5; ++i) {
    h.advance(300ms);
    h.s.heard_from(1, h.now);
    auto acts = h.tick();
    BOOST_TEST_INFO("actions: " << describe(acts));
    BOOST_TEST(acts.empty());
  }
  BOOST_TEST(h.s.running() == 2u);
}

BOOST_AUTO_TEST_CASE(a_freed_slot_gets_the_next_point) {
  harness h(make_tasks(4));
  auto first = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(first.size() == 2u);

  auto acts = h.end(first[1], exited(0));  // the second finishes first
  BOOST_TEST_INFO("actions: " << describe(acts));
  BOOST_TEST(acts.size() == 2u);
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(e[0].t.index == 1u);
  check_single_dispatch(acts, 1, 2, 1);

  check_single_dispatch(h.end(first[0], exited(0)), 1, 3, 1);
  BOOST_TEST(h.s.running() == 2u);
}

BOOST_AUTO_TEST_CASE(free_slots_are_served_oldest_first_across_workers) {
  // p0: one try; p1: three tries, so its retries make work appear while slots wait.
  harness h({make_task(0, 1), make_task(1, 3)});
  check_single_dispatch(h.join(1, 1), 1, 0, 1);
  check_single_dispatch(h.join(2, 1), 2, 1, 1);
  BOOST_TEST(h.join(3, 1).empty());  // worker 3's slot waits: the oldest free slot

  h.advance(10ms);
  auto acts = h.end(1, make_task(0), exited(0));  // worker 1's slot is freed second
  BOOST_TEST(dispatches(acts).empty());

  h.advance(10ms);
  task p1 = make_task(1, 3);
  acts = h.end(2, p1, exited(1));  // a retry appears: it goes to worker 3, free the longest
  check_single_dispatch(acts, 3, 1, 2);

  h.advance(10ms);
  p1.attempt = 2;
  acts = h.end(3, p1, exited(1));  // now worker 1's slot is the oldest free one
  check_single_dispatch(acts, 1, 1, 3);
}

BOOST_AUTO_TEST_CASE(joining_workers_are_served_in_join_order) {
  harness h(make_tasks(5));
  auto a = dispatches(h.join(10, 2));
  auto b = dispatches(h.join(11, 2));
  auto c = dispatches(h.join(12, 2));
  BOOST_TEST_REQUIRE(a.size() == 2u);
  BOOST_TEST_REQUIRE(b.size() == 2u);
  BOOST_TEST_REQUIRE(c.size() == 1u);
  BOOST_TEST(a[0].t.index == 0u);
  BOOST_TEST(a[1].t.index == 1u);
  BOOST_TEST(b[0].t.index == 2u);
  BOOST_TEST(b[1].t.index == 3u);
  BOOST_TEST(c[0].t.index == 4u);
}

BOOST_AUTO_TEST_CASE(a_worker_joining_again_under_its_id_gets_no_more_than_its_new_slots) {
  // worker_joined() on a known id drops the old registration (scheduler.cpp); the free slots
  // that registration had queued must go with it, or the worker is sent more jobs than slots.
  harness h(make_tasks(5));
  auto d1 = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(d1.size() == 2u);
  BOOST_TEST_REQUIRE(dispatches(h.join(2, 3)).size() == 3u);
  BOOST_TEST(dispatches(h.end(d1[0], exited(0))).empty());
  BOOST_TEST(dispatches(h.end(d1[1], exited(0))).empty());  // worker 1: two free slots
  BOOST_TEST(h.join(1, 2).empty());                         // joins again, still 2 slots
  BOOST_TEST(h.s.slots() == 5u);
  auto acts = h.s.worker_left(2, h.now);  // three points need a slot
  BOOST_TEST_INFO("actions: " << describe(acts));
  BOOST_TEST(dispatches(acts).size() == 2u);
  BOOST_TEST(h.s.running() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(scheduler_results)

BOOST_AUTO_TEST_CASE(exit_zero_is_ok_nonzero_or_signal_is_failed) {
  harness h(make_tasks(3));
  auto d = dispatches(h.join(1, 3));
  BOOST_TEST_REQUIRE(d.size() == 3u);

  auto e = endeds(h.end(d[0], exited(0)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "ok");
  BOOST_TEST(e[0].worker == 1u);
  BOOST_TEST(e[0].t.index == 0u);
  BOOST_TEST(e[0].t.attempt == 1);
  BOOST_TEST(e[0].error.empty());

  e = endeds(h.end(d[1], exited(3)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "failed");
  BOOST_TEST(e[0].t.index == 1u);

  e = endeds(h.end(d[2], killed(9)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "failed");
  BOOST_TEST(e[0].t.index == 2u);

  BOOST_TEST(h.s.points_ok() == 1u);
  BOOST_TEST(h.s.points_failed() == 2u);
  BOOST_TEST(h.s.running() == 0u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_CASE(failed_attempts_are_retried_until_the_tries_run_out) {
  harness h({make_task(0, 3)});
  auto acts = h.join(1, 1);
  check_single_dispatch(acts, 1, 0, 1);
  BOOST_TEST(dispatches(acts)[0].t.tries_left == 3);

  acts = h.end(1, dispatches(acts)[0].t, exited(1));
  {
    auto e = endeds(acts);
    BOOST_TEST_REQUIRE(e.size() == 1u);
    BOOST_TEST(status(e[0].status) == "failed");
    BOOST_TEST(e[0].t.attempt == 1);
    BOOST_TEST(e[0].runs_again);  // the master's log says so
  }
  check_single_dispatch(acts, 1, 0, 2);
  BOOST_TEST(dispatches(acts)[0].t.tries_left == 2);
  BOOST_TEST(h.s.points_failed() == 0u);
  BOOST_TEST(!h.s.finished());

  acts = h.end(1, dispatches(acts)[0].t, killed(11));
  check_single_dispatch(acts, 1, 0, 3);
  BOOST_TEST(dispatches(acts)[0].t.tries_left == 1);
  BOOST_TEST(h.s.points_failed() == 0u);

  acts = h.end(1, dispatches(acts)[0].t, exited(2));
  BOOST_TEST_INFO("actions: " << describe(acts));
  BOOST_TEST(dispatches(acts).empty());
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "failed");
  BOOST_TEST(e[0].t.attempt == 3);
  BOOST_TEST(!e[0].runs_again);
  BOOST_TEST(h.s.points_failed() == 1u);
  BOOST_TEST(h.s.points_ok() == 0u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_CASE(a_retry_that_succeeds_counts_the_point_ok_not_failed) {
  harness h({make_task(0, 3)});
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  d = dispatches(h.end(d[0], exited(1)));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  auto e = endeds(h.end(d[0], exited(0)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "ok");
  BOOST_TEST(e[0].t.attempt == 2);
  BOOST_TEST(h.s.points_ok() == 1u);
  BOOST_TEST(h.s.points_failed() == 0u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_CASE(an_exit_zero_with_a_failure_note_is_failed_and_retried) {
  // require_metrics: the master marks an exit 0 without its metrics; it must use a retry.
  harness h({make_task(0, 2)});
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  exit_report r = exited(0);
  r.failure = "metric accuracy not found";
  auto acts = h.end(d[0], r);
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "failed");
  BOOST_TEST(e[0].error == "metric accuracy not found");
  check_single_dispatch(acts, 1, 0, 2);
  BOOST_TEST(h.s.points_ok() == 0u);
}

BOOST_AUTO_TEST_CASE(attempt_numbers_continue_from_the_task) {
  // A resumed point starts at attempt 4 with 2 tries left: its retry is attempt 5.
  harness h({task{0, pid(0), 4, 2, 0, {}}});
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  BOOST_TEST(d[0].t.attempt == 4);
  auto acts = h.end(d[0], exited(1));
  check_single_dispatch(acts, 1, 0, 5);
  BOOST_TEST(dispatches(acts)[0].t.tries_left == 1);
}

BOOST_AUTO_TEST_CASE(retries_go_before_fresh_points) {
  harness h({make_task(0, 2), make_task(1), make_task(2)});
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  check_single_dispatch(h.end(d[0], exited(1)), 1, 0, 2);
}

BOOST_AUTO_TEST_CASE(retries_go_before_fresh_points_when_finished_is_polled) {
  // The master asks finished() after every batch of actions (master_reactor check_finished), and
  // finished() looks ahead into the source: that must not change the order.
  harness h({make_task(0, 2), make_task(1), make_task(2)});
  BOOST_TEST(!h.s.finished());
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  BOOST_TEST(!h.s.finished());
  auto acts = h.end(d[0], exited(1));
  check_single_dispatch(acts, 1, 0, 2);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(scheduler_timeouts)

scheduler_config timeout_config(duration timeout, duration heartbeat, duration kill_grace) {
  scheduler_config c;
  c.timeout = timeout;
  c.heartbeat = heartbeat;
  c.kill_grace = kill_grace;
  return c;
}

BOOST_AUTO_TEST_CASE(the_deadline_cancels_and_the_report_ends_as_timeout_whatever_the_exit_code) {
  // A long heartbeat keeps silence checks out of the way.
  harness h({make_task(0, 1), make_task(1, 1)}, timeout_config(10s, 1h, 5s));
  const steady_time t0 = h.now;
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  BOOST_TEST((h.s.next_deadline() == t0 + 10s));

  h.now = t0 + 10s - 1ms;
  BOOST_TEST(h.tick().empty());
  h.now = t0 + 10s;
  auto acts = h.tick();
  BOOST_TEST_INFO("actions: " << describe(acts));
  BOOST_TEST(acts.size() == 1u);
  auto c = cancels(acts);
  BOOST_TEST_REQUIRE(c.size() == 1u);
  BOOST_TEST(c[0].worker == 1u);
  BOOST_TEST(c[0].id == pid(0));
  BOOST_TEST(c[0].attempt == 1);
  BOOST_TEST(h.s.is_running(1, pid(0), 1));  // still running until the worker reports
  BOOST_TEST(h.tick().empty());              // no second cancel

  h.advance(2s);
  acts = h.end(d[0], exited(1));  // it exited 1 after the cancel: a timeout, not a failure
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "timeout");
  BOOST_TEST(e[0].t.attempt == 1);
  BOOST_TEST(h.s.points_ok() == 0u);
  BOOST_TEST(h.s.points_failed() == 1u);  // its only try is used
  check_single_dispatch(acts, 1, 1, 1);   // the slot goes to the next point
  BOOST_TEST((h.s.next_deadline() == h.now + 10s));
}

BOOST_AUTO_TEST_CASE(a_timeout_with_tries_left_is_retried) {
  harness h({make_task(0, 2)}, timeout_config(10s, 1h, 5s));
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  h.advance(10s);
  BOOST_TEST_REQUIRE(cancels(h.tick()).size() == 1u);
  h.advance(1s);
  auto acts = h.end(d[0], killed(15));
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "timeout");
  check_single_dispatch(acts, 1, 0, 2);
  BOOST_TEST(dispatches(acts)[0].t.tries_left == 1);
  BOOST_TEST(h.s.points_failed() == 0u);
  // The retry has its own deadline, counted from its dispatch.
  BOOST_TEST((h.s.next_deadline() == h.now + 10s));
}

BOOST_AUTO_TEST_CASE(an_attempt_that_ends_before_its_deadline_is_not_canceled) {
  harness h({make_task(0, 1)}, timeout_config(10s, 1h, 5s));
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  h.advance(9s);
  BOOST_TEST(status(endeds(h.end(d[0], exited(0))).at(0).status) == "ok");
  h.advance(5s);
  BOOST_TEST(h.tick().empty());
}

BOOST_AUTO_TEST_CASE(an_unanswered_timeout_cancel_loses_the_worker_but_the_attempt_stays_a_timeout) {
  // timeout 10 s; the worker keeps sending heartbeats but never confirms the cancel. After
  // kill_grace + 3 heartbeats (1 s + 3 s) it is lost: its other attempt ends `lost`, while the
  // attempt that had timed out ends as what the cancel was for, `timeout` (the scheduler's own
  // comment: "A cancel we sent and never saw confirmed still ends as what it was meant to be").
  harness h(make_tasks(3), timeout_config(10s, 1s, 1s));
  const steady_time t0 = h.now;
  auto d = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  h.now = t0 + 5s;
  h.s.heard_from(1, h.now);
  auto acts = h.end(d[1], exited(0));
  check_single_dispatch(acts, 1, 2, 1);  // p2, deadline t0 + 15 s

  std::vector<scheduler_action> at14;
  for (int s = 6; s <= 14; ++s) {
    h.now = t0 + std::chrono::seconds(s);
    h.s.heard_from(1, h.now);
    acts = h.tick();
    BOOST_TEST_INFO("t0+" << s << "s actions: " << describe(acts));
    if (s == 10) {
      BOOST_TEST(cancels(acts).size() == 1u);
      BOOST_TEST(endeds(acts).empty());
    } else if (s < 14) {
      BOOST_TEST(acts.empty());
    } else {
      at14 = acts;
    }
  }
  BOOST_TEST_INFO("t0+14s actions: " << describe(at14));
  auto e = endeds(at14);
  BOOST_TEST_REQUIRE(e.size() == 2u);
  BOOST_TEST(!h.s.knows(1));
  for (const auto& x : e) {
    BOOST_TEST_INFO("point #" << x.t.index);
    if (x.t.index == 0u) BOOST_TEST(status(x.status) == "timeout");
    else BOOST_TEST(status(x.status) == "lost");
  }
  BOOST_TEST(h.s.points_failed() == 1u);  // p0's single try ended in a timeout
}

BOOST_AUTO_TEST_CASE(next_deadline_is_never_later_than_a_running_attempts_deadline) {
  harness h(make_tasks(2), timeout_config(30s, 1s, 5s));
  const steady_time t0 = h.now;
  BOOST_TEST_REQUIRE(dispatches(h.join(1, 2)).size() == 2u);
  // Follow next_deadline() like the master does: the cancels come exactly at t0 + 30 s.
  for (int i = 0; i < 100; ++i) {
    steady_time next = h.s.next_deadline();
    BOOST_TEST_REQUIRE((next >= h.now));
    BOOST_TEST_REQUIRE((next <= t0 + 30s));
    h.now = next;
    h.s.heard_from(1, h.now);
    auto acts = h.tick();
    if (!acts.empty()) {
      BOOST_TEST((h.now == t0 + 30s));
      BOOST_TEST(cancels(acts).size() == 2u);
      return;
    }
  }
  BOOST_FAIL("no cancel after 100 deadlines");
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(scheduler_lost_workers)

BOOST_AUTO_TEST_CASE(exactly_three_silent_heartbeats_is_not_yet_lost) {
  harness h(make_tasks(1));
  BOOST_TEST_REQUIRE(dispatches(h.join(1, 1)).size() == 1u);
  h.advance(3s);
  BOOST_TEST(h.tick().empty());
  BOOST_TEST(h.s.knows(1));
}

BOOST_AUTO_TEST_CASE(more_than_three_silent_heartbeats_is_lost_at_tick) {
  harness h(make_tasks(1));
  BOOST_TEST_REQUIRE(dispatches(h.join(1, 1)).size() == 1u);
  h.advance(3001ms);
  BOOST_TEST(h.s.knows(1));  // nothing happens without tick()
  auto acts = h.tick();
  BOOST_TEST_INFO("actions: " << describe(acts));
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "lost");
  BOOST_TEST(!h.s.knows(1));
  BOOST_TEST(h.s.workers() == 0u);
  BOOST_TEST(h.s.slots() == 0u);
}

BOOST_AUTO_TEST_CASE(a_lost_workers_attempts_go_to_another_worker_with_the_next_attempt_number) {
  harness h({make_task(0, 2), make_task(1, 2)});
  const steady_time t0 = h.now;
  check_single_dispatch(h.join(1, 1), 1, 0, 1);
  check_single_dispatch(h.join(2, 1), 2, 1, 1);
  h.now = t0 + 500ms;
  BOOST_TEST(dispatches(h.end(2, make_task(1, 2), exited(0))).empty());  // worker 2 is free

  auto acts = tick_until_actions(h, {2}, t0 + 10s);
  BOOST_TEST_INFO("actions: " << describe(acts) << " at t0+" << (h.now - t0).count() << "ns");
  BOOST_TEST((h.now - t0 > 3s));
  BOOST_TEST((h.now - t0 <= 4s));  // checks run every heartbeat: lost within the 4th
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(e[0].worker == 1u);
  BOOST_TEST(e[0].t.index == 0u);
  BOOST_TEST(e[0].t.attempt == 1);
  BOOST_TEST(status(e[0].status) == "lost");
  BOOST_TEST(!e[0].error.empty());
  check_single_dispatch(acts, 2, 0, 2);
  BOOST_TEST(dispatches(acts)[0].t.tries_left == 2);  // a loss uses no try
  BOOST_TEST(!h.s.knows(1));
  BOOST_TEST(h.s.knows(2));
  BOOST_TEST(h.s.points_failed() == 0u);

  BOOST_TEST(status(endeds(h.end(dispatches(acts)[0], exited(0))).at(0).status) == "ok");
  BOOST_TEST(h.s.points_ok() == 2u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_CASE(heard_from_keeps_a_worker_alive) {
  harness h(make_tasks(2));
  BOOST_TEST_REQUIRE(dispatches(h.join(1, 1)).size() == 1u);
  BOOST_TEST_REQUIRE(dispatches(h.join(2, 1)).size() == 1u);
  // Worker 1 is heard from every 900 ms for a minute; worker 2, the control, is never heard.
  bool lost2 = false;
  for (int i = 0; i < 67; ++i) {
    h.advance(900ms);
    h.s.heard_from(1, h.now);
    auto acts = h.tick();
    for (const auto& e : endeds(acts)) {
      BOOST_TEST(e.worker == 2u);
      lost2 = true;
    }
  }
  BOOST_TEST(lost2);
  BOOST_TEST(h.s.knows(1));
  BOOST_TEST(!h.s.knows(2));
  BOOST_TEST(h.s.is_running(1, pid(0), 1));
}

BOOST_AUTO_TEST_CASE(the_third_loss_of_a_point_makes_it_failed) {
  harness h({make_task(0, 2)});
  for (worker_id w = 1; w <= 3; ++w) {
    BOOST_TEST_CONTEXT("loss " << w) {
      auto acts = h.join(w, 1);
      check_single_dispatch(acts, w, 0, static_cast<int>(w));
      BOOST_TEST(dispatches(acts).at(0).t.tries_left == 2);  // losses use no try
      acts = tick_until_actions(h, {}, h.now + 10s);
      BOOST_TEST_INFO("actions: " << describe(acts));
      auto e = endeds(acts);
      BOOST_TEST_REQUIRE(e.size() == 1u);
      BOOST_TEST(e[0].worker == w);
      BOOST_TEST(e[0].t.attempt == static_cast<int>(w));
      BOOST_TEST(dispatches(acts).empty());  // no worker left to take it
      if (w < 3) {
        BOOST_TEST(status(e[0].status) == "lost");
        BOOST_TEST(h.s.points_failed() == 0u);
        BOOST_TEST(!h.s.finished());  // the point waits for a worker
      } else {
        BOOST_TEST(status(e[0].status) == "failed");
        BOOST_TEST(e[0].error.find("lost") != std::string::npos, "error: " << e[0].error);
        BOOST_TEST(h.s.points_failed() == 1u);
        BOOST_TEST(h.s.finished());
      }
    }
  }
  BOOST_TEST(h.join(4, 1).empty());  // nothing left to run
}

BOOST_AUTO_TEST_CASE(worker_left_sends_its_attempts_elsewhere) {
  harness h({make_task(0), make_task(1), make_task(2)});
  BOOST_TEST_REQUIRE(dispatches(h.join(1, 2)).size() == 2u);  // p0, p1
  BOOST_TEST(h.s.is_running(1, pid(0), 1));
  BOOST_TEST(h.s.is_running(1, pid(1), 1));
  check_single_dispatch(h.join(2, 1), 2, 2, 1);
  BOOST_TEST(dispatches(h.end(2, make_task(2), exited(0))).empty());

  auto acts = h.s.worker_left(1, h.now);
  BOOST_TEST_INFO("actions: " << describe(acts));
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 2u);
  for (const auto& x : e) {
    BOOST_TEST(x.worker == 1u);
    BOOST_TEST(status(x.status) == "lost");
  }
  auto d = dispatches(acts);
  BOOST_TEST_REQUIRE(d.size() == 1u);  // worker 2 has one slot
  BOOST_TEST(d[0].worker == 2u);
  BOOST_TEST(d[0].t.attempt == 2);
  BOOST_TEST(d[0].t.tries_left == 1);
  BOOST_TEST(!h.s.knows(1));
  // The other re-queued point follows when the slot frees.
  auto d2 = dispatches(h.end(d[0], exited(0)));
  BOOST_TEST_REQUIRE(d2.size() == 1u);
  BOOST_TEST(d2[0].worker == 2u);
  BOOST_TEST(d2[0].t.attempt == 2);
  BOOST_TEST(d2[0].t.index != d[0].t.index);
  BOOST_TEST(status(endeds(h.end(d2[0], exited(0))).at(0).status) == "ok");
  BOOST_TEST(h.s.points_ok() == 3u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_CASE(attempts_of_a_worker_that_left_wait_for_the_next_worker) {
  harness h(make_tasks(1));
  BOOST_TEST_REQUIRE(dispatches(h.join(1, 1)).size() == 1u);
  auto acts = h.s.worker_left(1, h.now);
  BOOST_TEST(endeds(acts).size() == 1u);
  BOOST_TEST(dispatches(acts).empty());
  BOOST_TEST(!h.s.finished());
  check_single_dispatch(h.join(2, 1), 2, 0, 2);
}

BOOST_AUTO_TEST_CASE(worker_exiting_ends_lost_and_is_redispatched_without_using_a_try) {
  harness h({make_task(0, 1), make_task(1, 1)});
  check_single_dispatch(h.join(1, 1), 1, 0, 1);
  check_single_dispatch(h.join(2, 1), 2, 1, 1);
  BOOST_TEST(dispatches(h.end(2, make_task(1), exited(0))).empty());  // worker 2 is free

  auto acts = h.end(1, make_task(0), worker_exiting());
  BOOST_TEST_INFO("actions: " << describe(acts));
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "lost");
  BOOST_TEST(!e[0].error.empty());
  check_single_dispatch(acts, 2, 0, 2);
  BOOST_TEST(dispatches(acts)[0].t.tries_left == 1);
  BOOST_TEST(h.s.points_failed() == 0u);
  BOOST_TEST(status(endeds(h.end(dispatches(acts)[0], exited(0))).at(0).status) == "ok");
  BOOST_TEST(h.s.points_ok() == 2u);
}

BOOST_AUTO_TEST_CASE(an_exiting_worker_gets_no_new_job) {
  // README: a worker under SIGTERM "take[s] no new jobs"; the real worker answers a job it gets
  // while exiting with exit 127 (recorded `failed`). So the slot an exiting worker reports free
  // must not be handed a job: neither the lost point nor the next fresh one.
  harness h(make_tasks(3));
  BOOST_TEST_REQUIRE(dispatches(h.join(1, 2)).size() == 2u);
  auto acts = h.end(1, make_task(0), worker_exiting());
  BOOST_TEST_INFO("actions: " << describe(acts));
  BOOST_TEST(endeds(acts).size() == 1u);
  BOOST_TEST(dispatches(acts).empty());
  // Its last job ends the same way; still nothing for it. A new worker takes the work.
  acts = h.end(1, make_task(1), worker_exiting());
  BOOST_TEST_INFO("actions: " << describe(acts));
  BOOST_TEST(dispatches(acts).empty());
  auto d = dispatches(h.join(2, 3));
  BOOST_TEST(d.size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(scheduler_late_reports)

BOOST_AUTO_TEST_CASE(a_duplicate_report_gives_no_actions) {
  harness h(make_tasks(3));
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  auto acts = h.end(d[0], exited(0));
  BOOST_TEST(endeds(acts).size() == 1u);
  BOOST_TEST(dispatches(acts).size() == 1u);
  BOOST_TEST(h.end(d[0], exited(0)).empty());
  BOOST_TEST(h.end(d[0], exited(1)).empty());
  BOOST_TEST(h.s.points_ok() == 1u);
  BOOST_TEST(h.s.points_failed() == 0u);
  BOOST_TEST(h.s.running() == 1u);
}

BOOST_AUTO_TEST_CASE(a_report_from_a_worker_not_running_the_attempt_is_dropped) {
  harness h(make_tasks(2));
  check_single_dispatch(h.join(1, 1), 1, 0, 1);
  check_single_dispatch(h.join(2, 1), 2, 1, 1);
  BOOST_TEST(h.end(2, make_task(0), exited(0)).empty());  // p0 runs on worker 1
  BOOST_TEST(h.end(3, make_task(0), exited(0)).empty());  // worker 3 is unknown
  task wrong_attempt = make_task(0);
  wrong_attempt.attempt = 2;
  BOOST_TEST(h.end(1, wrong_attempt, exited(0)).empty());
  BOOST_TEST(h.s.is_running(1, pid(0), 1));
  BOOST_TEST(!h.s.is_running(2, pid(0), 1));
  BOOST_TEST(h.s.points_ok() == 0u);
  BOOST_TEST(h.s.running() == 2u);
}

BOOST_AUTO_TEST_CASE(a_lost_workers_late_report_is_dropped_so_a_point_has_one_ok) {
  harness h({make_task(0), make_task(1)});
  const steady_time t0 = h.now;
  check_single_dispatch(h.join(1, 1), 1, 0, 1);
  check_single_dispatch(h.join(2, 1), 2, 1, 1);
  h.now = t0 + 500ms;
  BOOST_TEST_REQUIRE(endeds(h.end(2, make_task(1), exited(0))).size() == 1u);

  h.now = t0 + 3500ms;
  h.s.heard_from(2, h.now);
  auto acts = h.tick();
  check_single_dispatch(acts, 2, 0, 2);

  h.advance(100ms);
  BOOST_TEST(h.end(1, make_task(0), exited(0)).empty());  // worker 1 comes back too late
  BOOST_TEST(!h.s.knows(1));
  BOOST_TEST(h.s.points_ok() == 1u);
  BOOST_TEST(h.s.is_running(2, pid(0), 2));

  auto e = endeds(h.end(dispatches(acts)[0], exited(0)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "ok");
  BOOST_TEST(h.s.points_ok() == 2u);
  BOOST_TEST(h.end(dispatches(acts)[0], exited(0)).empty());
  BOOST_TEST(h.s.points_ok() == 2u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(scheduler_stop)

BOOST_AUTO_TEST_CASE(stop_cancels_every_running_attempt_and_they_end_canceled) {
  harness h(make_tasks(6, 3));
  auto a = dispatches(h.join(1, 2));
  auto b = dispatches(h.join(2, 1));
  BOOST_TEST_REQUIRE(a.size() == 2u);
  BOOST_TEST_REQUIRE(b.size() == 1u);

  auto acts = h.s.stop(h.now);
  BOOST_TEST_INFO("actions: " << describe(acts));
  BOOST_TEST(h.s.stopping());
  auto c = cancels(acts);
  BOOST_TEST(acts.size() == 3u);
  BOOST_TEST_REQUIRE(c.size() == 3u);
  int seen = 0;
  for (const auto& x : c) {
    for (const auto& d : a)
      if (x.worker == 1u && x.id == d.t.id && x.attempt == d.t.attempt) ++seen;
    if (x.worker == 2u && x.id == b[0].t.id && x.attempt == b[0].t.attempt) ++seen;
  }
  BOOST_TEST(seen == 3);
  BOOST_TEST(h.s.stop(h.now).empty());  // a second stop does nothing
  BOOST_TEST(!h.s.finished());

  h.advance(1s);
  acts = h.end(a[0], exited(1));  // a failure with tries left: canceled, not retried
  BOOST_TEST_INFO("actions: " << describe(acts));
  BOOST_TEST(acts.size() == 1u);
  BOOST_TEST(status(endeds(acts).at(0).status) == "canceled");
  acts = h.end(b[0], exited(0));  // it finished anyway: its result is real
  BOOST_TEST(acts.size() == 1u);
  BOOST_TEST(status(endeds(acts).at(0).status) == "ok");
  BOOST_TEST(!h.s.finished());
  BOOST_TEST(h.join(3, 4).empty());  // nothing new, not even to a new worker
  acts = h.end(a[1], killed(15));
  BOOST_TEST(acts.size() == 1u);
  BOOST_TEST(status(endeds(acts).at(0).status) == "canceled");
  BOOST_TEST(h.s.finished());
  BOOST_TEST(h.s.points_ok() == 1u);
  BOOST_TEST(h.s.points_failed() == 0u);
  BOOST_TEST(h.tick().empty());
}

BOOST_AUTO_TEST_CASE(stop_with_nothing_running_is_finished_at_once) {
  harness h(make_tasks(5));
  BOOST_TEST(!h.s.finished());
  BOOST_TEST(h.s.stop(h.now).empty());
  BOOST_TEST(h.s.finished());
  BOOST_TEST(h.join(1, 2).empty());
}

BOOST_AUTO_TEST_CASE(stop_drops_queued_retries) {
  harness h({make_task(0, 2)});
  BOOST_TEST_REQUIRE(dispatches(h.join(1, 1)).size() == 1u);
  BOOST_TEST(endeds(h.s.worker_left(1, h.now)).size() == 1u);  // p0 is queued again
  BOOST_TEST(!h.s.finished());
  h.s.stop(h.now);
  BOOST_TEST(h.s.finished());
  BOOST_TEST(h.join(2, 1).empty());
}

BOOST_AUTO_TEST_CASE(an_unanswered_cancel_loses_the_worker_after_kill_grace_and_three_heartbeats) {
  harness h(make_tasks(2));  // heartbeat 1 s, kill_grace 5 s: 8 s to answer
  auto d = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  const steady_time stopped = h.now + 2s;
  h.now = stopped;
  h.s.heard_from(1, h.now);
  BOOST_TEST(cancels(h.s.stop(h.now)).size() == 2u);
  BOOST_TEST((h.s.next_deadline() <= stopped + 8s));

  // It keeps sending heartbeats but never reports: nothing before the window closes.
  for (int ms = 500; ms < 8000; ms += 500) {
    h.now = stopped + std::chrono::milliseconds(ms);
    h.s.heard_from(1, h.now);
    auto acts = h.tick();
    BOOST_TEST_INFO("at stop+" << ms << "ms: " << describe(acts));
    BOOST_TEST(acts.empty());
  }
  BOOST_TEST(h.s.knows(1));
  BOOST_TEST(!h.s.finished());

  h.now = stopped + 8s;
  h.s.heard_from(1, h.now);
  auto acts = h.tick();
  BOOST_TEST_INFO("actions: " << describe(acts));
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 2u);
  for (const auto& x : e) BOOST_TEST(status(x.status) == "canceled");
  BOOST_TEST(dispatches(acts).empty());
  BOOST_TEST(!h.s.knows(1));
  BOOST_TEST(h.s.finished());
  // Its late report is dropped.
  BOOST_TEST(h.end(d[0], exited(0)).empty());
}

BOOST_AUTO_TEST_CASE(a_silent_worker_after_stop_ends_its_attempts_canceled) {
  harness h(make_tasks(1));
  BOOST_TEST_REQUIRE(dispatches(h.join(1, 1)).size() == 1u);
  BOOST_TEST(cancels(h.s.stop(h.now)).size() == 1u);
  auto acts = tick_until_actions(h, {}, h.now + 10s);
  BOOST_TEST_INFO("actions: " << describe(acts));
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "canceled");
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_CASE(stop_does_not_cancel_a_timed_out_attempt_twice) {
  scheduler_config cfg = make_config();
  cfg.timeout = 10s;
  cfg.heartbeat = 1h;
  harness h(make_tasks(1, 2), cfg);
  auto d = dispatches(h.join(1, 1));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  h.advance(10s);
  BOOST_TEST(cancels(h.tick()).size() == 1u);
  BOOST_TEST(h.s.stop(h.now).empty());
  auto acts = h.end(d[0], killed(15));
  BOOST_TEST_INFO("actions: " << describe(acts));
  BOOST_TEST(status(endeds(acts).at(0).status) == "timeout");
  BOOST_TEST(dispatches(acts).empty());  // stopping: no retry
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(scheduler_finished)

BOOST_AUTO_TEST_CASE(an_empty_source_is_finished_from_the_start) {
  harness h({});
  BOOST_TEST(h.s.finished());
  BOOST_TEST(h.join(1, 4).empty());
  BOOST_TEST(h.s.finished());
  BOOST_TEST(h.tick().empty());
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_CASE(finished_only_when_nothing_runs_or_remains) {
  harness h(make_tasks(3));
  BOOST_TEST(!h.s.finished());  // no worker yet
  BOOST_TEST(!h.s.finished());  // asking twice changes nothing
  auto d = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  BOOST_TEST(d[0].t.index == 0u);  // finished() looked ahead but lost no point
  BOOST_TEST(d[1].t.index == 1u);
  BOOST_TEST(!h.s.finished());
  auto d2 = dispatches(h.end(d[0], exited(0)));
  BOOST_TEST_REQUIRE(d2.size() == 1u);
  BOOST_TEST(d2[0].t.index == 2u);
  BOOST_TEST(!h.s.finished());
  BOOST_TEST(dispatches(h.end(d[1], exited(0))).empty());
  BOOST_TEST(!h.s.finished());  // p2 still runs
  BOOST_TEST(dispatches(h.end(d2[0], exited(0))).empty());
  BOOST_TEST(h.s.finished());
  BOOST_TEST(h.s.points_ok() == 3u);
}

BOOST_AUTO_TEST_CASE(plan_task_source_feeds_the_scheduler_the_points_to_run) {
  // p0 done; p1 failed once with retries = 1 (one try left, attempt 2); p2 exhausted; p3 fresh.
  grid g({axis::from_list("p", {"a", "b", "c", "d"})});
  point_id ids[4];
  for (std::uint64_t i = 0; i < 4; ++i) ids[i] = g.id_of(g.values(i));
  results_history hist;
  hist.points[ids[0]] = point_history{1, 0, attempt_status::ok, true};
  hist.points[ids[1]] = point_history{1, 1, attempt_status::failed, false};
  hist.points[ids[2]] = point_history{2, 2, attempt_status::timeout, false};
  resume_plan plan(g, &hist, 1, false);
  scheduler s(make_config(), std::make_unique<plan_task_source>(plan));
  const steady_time t0 = steady_time{} + 1h;
  auto d = dispatches(s.worker_joined(1, 4, t0));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  BOOST_TEST(d[0].t.index == 1u);
  BOOST_TEST(d[0].t.id == ids[1]);
  BOOST_TEST(d[0].t.attempt == 2);
  BOOST_TEST(d[0].t.tries_left == 1);
  BOOST_TEST(d[1].t.index == 3u);
  BOOST_TEST(d[1].t.id == ids[3]);
  BOOST_TEST(d[1].t.attempt == 1);
  BOOST_TEST(d[1].t.tries_left == 2);
  s.attempt_ended(1, d[0].t.id, d[0].t.attempt, exited(1), t0);
  s.attempt_ended(1, d[1].t.id, d[1].t.attempt, exited(0), t0);
  BOOST_TEST(s.points_failed() == 1u);
  BOOST_TEST(s.points_ok() == 1u);
  BOOST_TEST(s.finished());
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(scheduler_scale)

BOOST_AUTO_TEST_CASE(a_thousand_workers_and_a_hundred_thousand_points) {
  constexpr int n_workers = 1000;
  constexpr int slots = 4;
  constexpr std::uint64_t n_points = 100000;
  harness h(make_tasks(n_points));

  std::vector<int> running(n_workers + 1, 0);
  std::vector<std::uint32_t> ok_count(n_points, 0);
  std::vector<action::dispatch> pending;
  std::uint64_t over_slots = 0, bad_worker = 0, bad_status = 0, cancels_seen = 0, dispatched = 0;

  auto absorb = [&](const std::vector<scheduler_action>& acts) {
    for (const auto& a : acts) {
      if (auto* d = std::get_if<action::dispatch>(&a)) {
        ++dispatched;
        if (d->worker < 1 || d->worker > static_cast<worker_id>(n_workers) || d->t.index >= n_points) {
          ++bad_worker;
          continue;
        }
        if (++running[d->worker] > slots) ++over_slots;
        pending.push_back(*d);
      } else if (auto* e = std::get_if<action::ended>(&a)) {
        if (e->status != attempt_status::ok || e->t.index >= n_points) {
          ++bad_status;
          continue;
        }
        --running[e->worker];
        ++ok_count[e->t.index];
      } else {
        ++cancels_seen;
      }
    }
  };

  for (int w = 1; w <= n_workers; ++w) absorb(h.join(static_cast<worker_id>(w), slots));
  BOOST_TEST(pending.size() == static_cast<std::size_t>(n_workers * slots));
  BOOST_TEST(h.s.slots() == static_cast<std::size_t>(n_workers * slots));

  // Answer the outstanding attempts in a scrambled order, each at once with exit 0.
  std::mt19937_64 rng(20261129);
  std::uint64_t steps = 0;
  while (!pending.empty() && steps < 2 * n_points) {
    std::size_t i = std::uniform_int_distribution<std::size_t>(0, pending.size() - 1)(rng);
    std::swap(pending[i], pending.back());
    action::dispatch d = pending.back();
    pending.pop_back();
    h.advance(1ms);
    absorb(h.end(d, exited(0)));
    ++steps;
  }

  std::uint64_t not_once = 0;
  for (auto c : ok_count)
    if (c != 1) ++not_once;
  BOOST_TEST(not_once == 0u);
  BOOST_TEST(dispatched == n_points);
  BOOST_TEST(over_slots == 0u);
  BOOST_TEST(bad_worker == 0u);
  BOOST_TEST(bad_status == 0u);
  BOOST_TEST(cancels_seen == 0u);
  BOOST_TEST(h.s.points_ok() == n_points);
  BOOST_TEST(h.s.points_failed() == 0u);
  BOOST_TEST(h.s.running() == 0u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_SUITE_END()

// scheduler rules that keep results and sweeps safe (issue 6): an attempt that exits 0 is ok
// whatever was asked of it; losses fail a point only on 2 distinct workers; a command that
// cannot run stops the sweep early and leaves its points runnable.
#include "scheduler_harness.hpp"

using namespace scheduler_test;

namespace {
/// A loss of worker `w`'s attempts by re-registration (what the master does on a new hello).
std::vector<scheduler_action> rejoin(harness& h, worker_id w, int slots, const std::string& name) {
  return h.join(w, slots, name);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(scheduler_exit_0_is_ok)

BOOST_AUTO_TEST_CASE(an_attempt_that_exits_0_after_an_interrupt_is_ok) {
  harness h(make_tasks(2));
  auto d = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  BOOST_TEST(cancels(h.s.stop(h.now)).size() == 2u);
  auto e = endeds(h.end(d[0], exited(0)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "ok");
  e = endeds(h.end(d[1], killed(15)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "canceled");
  BOOST_TEST(h.s.points_ok() == 1u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_CASE(an_attempt_that_exits_0_after_its_timeout_is_ok) {
  auto cfg = make_config();
  cfg.timeout = 10s;
  harness h(make_tasks(1), cfg);
  auto d = dispatches(h.join(1, 1));
  h.advance(10s);
  h.s.heard_from(1, h.now);
  BOOST_TEST(cancels(h.tick()).size() == 1u);
  auto e = endeds(h.end(d[0], exited(0)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "ok");
}

BOOST_AUTO_TEST_CASE(an_attempt_that_exits_0_while_its_worker_shuts_down_is_ok_and_the_worker_drains) {
  harness h(make_tasks(3));
  auto d = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  auto acts = h.end(d[0], exit_report{0, std::nullopt, true, {}, {}});
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "ok");
  BOOST_TEST(dispatches(acts).empty());  // a worker shutting down gets no new job
  e = endeds(h.end(d[1], worker_exiting()));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "lost");  // killed by its worker: not the point's fault
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scheduler_loss_rule)

BOOST_AUTO_TEST_CASE(one_worker_registering_again_and_again_never_fails_a_point) {
  harness h(make_tasks(1));
  for (int round = 0; round < 10; ++round) {
    auto acts = rejoin(h, 7, 1, "evil");
    for (const auto& e : endeds(acts)) BOOST_TEST(status(e.status) == "lost");
    BOOST_TEST_REQUIRE(dispatches(acts).size() == 1u);
  }
  BOOST_TEST(h.s.points_failed() == 0u);
  // A real worker finishes it.
  BOOST_TEST(dispatches(h.s.worker_left(7, h.now)).empty());
  auto d = dispatches(h.join(2, 1, "node02"));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  auto e = endeds(h.end(d[0], exited(0)));
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "ok");
  BOOST_TEST(d[0].t.losses == 10);  // 9 re-registrations and a goodbye, all on one worker
}

BOOST_AUTO_TEST_CASE(three_losses_on_two_workers_fail_the_point) {
  harness h(make_tasks(1));
  auto d = dispatches(h.join(1, 1, "a"));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  d = dispatches(h.s.worker_left(1, h.now));  // lost on a (1)
  BOOST_TEST(d.empty());
  d = dispatches(h.join(2, 1, "a"));  // a again
  d = dispatches(h.s.worker_left(2, h.now));  // lost on a (2)
  d = dispatches(h.join(3, 1, "b"));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  auto acts = h.s.worker_left(3, h.now);  // lost on b (3): 3 losses on 2 workers
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(status(e[0].status) == "failed");
  BOOST_TEST(e[0].error.find("3 times, on 2 workers") != std::string::npos);
  BOOST_TEST(h.s.points_failed() == 1u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scheduler_unrunnable_command)

BOOST_AUTO_TEST_CASE(the_first_five_attempts_exiting_127_stop_the_sweep_using_no_try) {
  harness h(make_tasks(20));
  auto d = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  std::vector<action::ended> recorded;
  std::vector<action::cancel> canceled;
  std::deque<action::dispatch> running(d.begin(), d.end());
  int ends = 0;
  while (!running.empty() && ends < 5) {
    auto acts = h.end(running.front(), exited(127));
    running.pop_front();
    ++ends;
    for (auto& x : dispatches(acts)) running.push_back(x);
    for (auto& x : endeds(acts)) recorded.push_back(x);
    for (auto& x : cancels(acts)) canceled.push_back(x);
  }
  BOOST_TEST(ends == 5);
  // Held until the verdict, then all five recorded at once, using no try.
  BOOST_TEST_REQUIRE(recorded.size() == 5u);
  for (const auto& e : recorded) {
    BOOST_TEST(status(e.status) == "failed");
    BOOST_TEST(!e.uses_try);
  }
  BOOST_TEST(h.s.stopping());
  BOOST_TEST(h.s.stopped_because().find("cannot run") != std::string::npos);
  BOOST_TEST(h.s.stopped_because().find("127") != std::string::npos);
  BOOST_TEST(canceled.size() == running.size());  // the one still running is canceled
  BOOST_TEST(h.s.points_failed() == 0u);          // nothing failed for good
}

BOOST_AUTO_TEST_CASE(an_attempt_that_runs_ends_the_check_and_the_held_failures_are_ordinary) {
  harness h(make_tasks(10));
  auto d = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  auto acts = h.end(d[0], exited(127));
  BOOST_TEST(endeds(acts).empty());  // held for the verdict
  auto next = dispatches(acts);
  BOOST_TEST_REQUIRE(next.size() == 1u);
  acts = h.end(d[1], exited(1));  // this command runs: not the "cannot run" case
  auto e = endeds(acts);
  BOOST_TEST_REQUIRE(e.size() == 2u);
  for (const auto& x : e) {
    BOOST_TEST(status(x.status) == "failed");
    BOOST_TEST(x.uses_try);
  }
  BOOST_TEST(!h.s.stopping());
  BOOST_TEST(h.s.points_failed() == 2u);
  // Later 127s are ordinary failures.
  e = endeds(h.end(next[0], exited(127)));
  BOOST_TEST(e.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_held_failure_is_recorded_when_no_verdict_comes_in_time) {
  harness h(make_tasks(2));
  auto d = dispatches(h.join(1, 2));
  BOOST_TEST_REQUIRE(d.size() == 2u);
  BOOST_TEST(endeds(h.end(d[0], exited(127))).empty());
  BOOST_TEST((h.s.next_deadline() <= h.now + 10s));
  h.advance(10s);
  h.s.heard_from(1, h.now);
  auto e = endeds(h.tick());
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(e[0].uses_try);
  BOOST_TEST(!h.s.stopping());
}

BOOST_AUTO_TEST_CASE(a_small_sweep_that_cannot_run_records_its_failures_when_nothing_is_left) {
  harness h(make_tasks(2));
  auto d = dispatches(h.join(1, 2));
  BOOST_TEST(endeds(h.end(d[0], exited(127))).empty());
  auto e = endeds(h.end(d[1], exited(127)));
  BOOST_TEST(e.size() == 2u);  // nothing runs and nothing is left: no verdict can come
  BOOST_TEST(h.s.points_failed() == 2u);
  BOOST_TEST(h.s.finished());
}

BOOST_AUTO_TEST_SUITE_END()

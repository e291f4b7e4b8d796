// protocol: the messages between master (ROUTER) and workers (DEALER). Two closed sets, one per
// direction (to_worker, to_master), so that neither side has a case for a message it never
// receives: each message is a list of ZeroMQ frames, frame 0 names its type; decode_to_worker()
// and decode_to_master() check every frame and return an error for anything malformed or sent
// the wrong way — they never throw. Output bytes travel as raw frames (never inside JSON), so a
// job may print anything.
//
//   worker                                    master
//     hello(version, name, slots, registration) ->    register; or refuse(reason) if version differs
//     <--------------------------------- welcome(version, heartbeat_ms, slots to run at once)
//     <--------------------------------- job(point, attempt, command, workdir, env, limits)
//                                         up to slots + lookahead jobs; the ones beyond the
//                                         free slots wait in the worker's queue
//     started(point, attempt) ---------->    a job began on arrival (a slot was free)
//     output(point, attempt, stream, bytes) -->      streamed as the job prints
//     done(point, attempt, exit, signal, ..., error, next) -> the attempt ended; `next`: the
//                                         queued job that began in its slot (its `started`)
//     <--------------------------------- take_back(point, attempt)   a slot elsewhere is idle
//     returned(point, attempt) --------->    the job was still queued: it never ran (the
//                                         answer to take_back, to a cancel of a queued job, and
//                                         what an exiting worker does with its queue). A job
//                                         that had started ignores take_back.
//     <--------------------------------- cancel(point, attempt)   timeout or sweep interrupted
//     heartbeat <------------------------------> heartbeat   (any message counts as one)
//     <--------------------------------- shutdown   the sweep is over
//
// A master that gets anything but hello from a peer it does not know answers `shutdown` with
// reason "unknown": the worker then says hello again (the master restarted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "grid.hpp"

namespace gridctl::protocol {

/// Bumped on any incompatible change; a peer of another version is refused.
inline constexpr int version = 4;  // 2: the worker's queue (started, returned, take_back); 3, 4: deeper queues

using frames = std::vector<std::string>;

struct hello {
  static constexpr std::string_view type = "hello";
  int version = protocol::version;
  std::string name;  ///< the worker's name (host name by default), shown in records
  int slots = 1;
  /// Which registration of this worker process this is: a hello repeated while waiting for the
  /// welcome carries the same number (the master answers it again and changes nothing); a new
  /// number means the worker dropped its jobs and starts afresh.
  std::uint64_t registration = 0;
};
struct welcome {
  static constexpr std::string_view type = "welcome";
  int version = protocol::version;
  std::int64_t heartbeat_ms = 1000;
  /// Jobs the worker runs at once (its hello's slots, or fewer with cores_per_job); the ones
  /// beyond wait in its queue. 0: as many as the hello said.
  int slots = 0;
};
struct refuse {
  static constexpr std::string_view type = "refuse";
  std::string reason;
};
struct job {
  static constexpr std::string_view type = "job";
  point_id point = 0;
  int attempt = 1;
  std::string command;  ///< run as /bin/sh -c command
  std::string workdir;
  std::vector<std::pair<std::string, std::string>> env;  ///< added to the worker's environment
  std::uint64_t output_limit = 1 << 20;  ///< bytes of each stream to send; the rest is counted
  std::int64_t kill_grace_ms = 5000;
};
struct output {
  static constexpr std::string_view type = "output";
  point_id point = 0;
  int attempt = 1;
  int stream = 1;  ///< 1 stdout, 2 stderr
  std::string bytes;
};
struct done {
  static constexpr std::string_view type = "done";
  point_id point = 0;
  int attempt = 1;
  std::optional<int> exit_code;  ///< set when the job exited
  std::optional<int> signal;     ///< set when a signal killed it
  std::int64_t started_ms = 0;   ///< wall clock (Unix ms) at spawn
  std::int64_t duration_us = 0;
  std::uint64_t stdout_dropped = 0;  ///< bytes beyond output_limit, counted, not sent
  std::uint64_t stderr_dropped = 0;
  std::string stdout_tail;  ///< last bytes of stdout when some were dropped (for `output`)
  bool worker_exiting = false;  ///< killed because the worker is shutting down, not the job's fault
  /// The worker's own note on how the attempt ended (the record's `error`), e.g. that a process
  /// the job left behind held its output open and was killed; empty: none.
  std::string error;
  /// The queued job that began in the slot this attempt freed, if any (so that a start needs
  /// no message of its own when jobs follow each other from the queue).
  std::optional<std::pair<point_id, int>> next_started;
};
/// A job began at once when it arrived (a slot was free).
struct started {
  static constexpr std::string_view type = "started";
  point_id point = 0;
  int attempt = 1;
};
/// A queued job went back unstarted: it never ran, and its slot in the queue is free.
struct returned {
  static constexpr std::string_view type = "returned";
  point_id point = 0;
  int attempt = 1;
};
/// Give back this job if it is still queued (a slot elsewhere is idle); ignored once it started.
struct take_back {
  static constexpr std::string_view type = "take_back";
  point_id point = 0;
  int attempt = 1;
};
struct cancel {
  static constexpr std::string_view type = "cancel";
  point_id point = 0;
  int attempt = 1;
};
struct heartbeat {
  static constexpr std::string_view type = "heartbeat";
};
struct shutdown {
  static constexpr std::string_view type = "shutdown";
  std::string reason;  ///< "end": the sweep is over; "unknown": say hello again
};

/// What a master sends; what a worker receives.
using to_worker = std::variant<welcome, refuse, job, take_back, cancel, heartbeat, shutdown>;
/// What a worker sends; what a master receives.
using to_master = std::variant<hello, started, output, done, returned, heartbeat, shutdown>;

/// The frames of a message.
frames encode(const to_worker& m);
frames encode(const to_master& m);

/// The message in `f`, or an error text saying what is wrong with it.
template <class Message>
struct decoded {
  std::optional<Message> msg;
  std::string error;
};
/// A message for a worker; any other type (a worker's own messages too) is an error.
decoded<to_worker> decode_to_worker(const frames& f);
/// A message for the master; any other type (the master's own messages too) is an error.
decoded<to_master> decode_to_master(const frames& f);

}  // namespace gridctl::protocol

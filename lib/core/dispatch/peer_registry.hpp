// peer_registry: the workers the master knows, by the ZeroMQ routing id they send from and by
// the worker id the scheduler knows them by, and what a hello gets:
//
//   hello of another protocol version          -> refuse (nothing else changes)
//   same routing id, same registration number  -> a repeat (ours crossed it): welcome again
//   same routing id, new registration number   -> the old registration's attempts are stale
//                                                 (`replaces`), then judged as a new one
//   slots < 1 or above the bound ([workers] max_slots, or the embedded worker's own) -> refuse
//   else                                       -> accept: a new worker id, never reused
//
// A forgotten peer (it left, or the scheduler lost it) keeps its name for the records of its
// attempts. The embedded worker is told by its routing id (NAME/PID/RANDOM, worker.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol.hpp"
#include "scheduler.hpp"

namespace gridctl {

struct peer {
  std::string routing_id;
  std::string name;  ///< as the worker sent it; printable() before it reaches a log
  std::uint64_t registration = 0;
};

/// What to do with a hello.
struct hello_verdict {
  enum kind { refuse, repeat, accept } what = accept;
  /// A new registration from a known routing id: that worker's attempts are stale (it dropped
  /// them); it must leave the scheduler and be forgotten before the hello is acted on.
  std::optional<worker_id> replaces;
  std::string reason;    ///< refuse: what the worker is told (protocol::refuse)
  std::string log_line;  ///< refuse: what the master's log says
};

class peer_registry {
 public:
  /// Judges a hello from `routing_id`; changes nothing (accept() and forget() do).
  hello_verdict judge(const std::string& routing_id, const protocol::hello& h, int slot_bound) const;
  /// Registers an accepted hello under a new worker id.
  worker_id accept(const std::string& routing_id, const protocol::hello& h);
  /// Forgets a peer; its name stays known to name_of(). No-op for an unknown id.
  void forget(worker_id w);
  /// Forgets the peers the scheduler no longer knows (it declared them lost); their names.
  std::vector<std::string> forget_lost(const scheduler& s);

  /// The registered worker id of a routing id, if any.
  std::optional<worker_id> find(const std::string& routing_id) const;
  const peer* get(worker_id w) const;
  /// The peer's name, also once forgotten (for the records of its attempts); empty if never seen.
  std::string name_of(worker_id w) const;
  /// The registered workers, in no particular order.
  std::vector<worker_id> ids() const;

  /// The embedded worker now runs as `pid` under `name` (its hello will come from
  /// NAME/PID/...); pid <= 0: there is none.
  void expect_embedded(const std::string& name, std::int64_t pid);
  /// The embedded worker's registration, while it has one.
  std::optional<worker_id> embedded() const { return embedded_; }
  /// The embedded worker process exited: a restarted one registers anew.
  void embedded_exited() { embedded_.reset(); }

 private:
  std::unordered_map<std::string, worker_id> by_routing_id_;
  std::unordered_map<worker_id, peer> peers_;
  std::unordered_map<worker_id, std::string> lost_names_;
  worker_id next_id_ = 1;
  std::string embedded_prefix_;  ///< NAME/PID/ of the embedded worker, empty: none
  std::optional<worker_id> embedded_;
};

}  // namespace gridctl

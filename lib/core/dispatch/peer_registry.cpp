// peer_registry: the workers the master knows (see peer_registry.hpp).
#include "peer_registry.hpp"

namespace gridctl {

namespace {

hello_verdict refusal(std::string reason, std::string log_line) {
  hello_verdict v;
  v.what = hello_verdict::refuse;
  v.reason = std::move(reason);
  v.log_line = std::move(log_line);
  return v;
}

}  // namespace

hello_verdict peer_registry::judge(const std::string& routing_id, const protocol::hello& h, int slot_bound) const {
  namespace proto = protocol;
  if (h.version != proto::version) {
    return refusal("the master speaks gridctl protocol " + std::to_string(proto::version) + ", this worker " +
                       std::to_string(h.version) + ": run the same gridctl version on master and workers",
                   "refused a worker speaking protocol " + std::to_string(h.version) + " (this master speaks " +
                       std::to_string(proto::version) + "): run the same gridctl version on master and workers");
  }
  hello_verdict v;
  if (auto w = find(routing_id)) {
    if (peers_.at(*w).registration == h.registration) {
      v.what = hello_verdict::repeat;
      return v;
    }
    v.replaces = *w;
  }
  if (h.slots < 1 || h.slots > slot_bound) {
    // One peer must not take a whole sweep's jobs (and lose them all when it leaves).
    std::string limit = std::to_string(slot_bound);
    hello_verdict r = refusal("this worker claims " + std::to_string(h.slots) + " slots; the master accepts 1 to " +
                                  limit + " per worker ([workers] max_slots): start it with --slots " + limit +
                                  " or less, or raise max_slots",
                              "refused worker " + h.name + ": it claims " + std::to_string(h.slots) +
                                  " slots, more than max_slots (" + limit + ")");
    r.replaces = v.replaces;
    return r;
  }
  return v;
}

worker_id peer_registry::accept(const std::string& routing_id, const protocol::hello& h) {
  worker_id w = next_id_++;
  peers_[w] = peer{routing_id, h.name, h.registration};
  by_routing_id_[routing_id] = w;
  if (!embedded_prefix_.empty() && routing_id.rfind(embedded_prefix_, 0) == 0) embedded_ = w;
  return w;
}

void peer_registry::forget(worker_id w) {
  auto it = peers_.find(w);
  if (it == peers_.end()) return;
  by_routing_id_.erase(it->second.routing_id);
  lost_names_[w] = it->second.name;
  peers_.erase(it);
}

std::vector<std::string> peer_registry::forget_lost(const scheduler& s) {
  std::vector<worker_id> gone;
  for (const auto& [w, p] : peers_)
    if (!s.knows(w)) gone.push_back(w);
  std::vector<std::string> names;
  for (worker_id w : gone) {
    names.push_back(peers_.at(w).name);
    forget(w);
  }
  return names;
}

std::optional<worker_id> peer_registry::find(const std::string& routing_id) const {
  auto it = by_routing_id_.find(routing_id);
  if (it == by_routing_id_.end()) return std::nullopt;
  return it->second;
}

const peer* peer_registry::get(worker_id w) const {
  auto it = peers_.find(w);
  return it == peers_.end() ? nullptr : &it->second;
}

std::string peer_registry::name_of(worker_id w) const {
  if (const peer* p = get(w)) return p->name;
  auto it = lost_names_.find(w);
  return it == lost_names_.end() ? std::string() : it->second;
}

std::vector<worker_id> peer_registry::ids() const {
  std::vector<worker_id> v;
  v.reserve(peers_.size());
  for (const auto& [w, p] : peers_) v.push_back(w);
  return v;
}

void peer_registry::expect_embedded(const std::string& name, std::int64_t pid) {
  embedded_prefix_ = pid > 0 ? name + "/" + std::to_string(pid) + "/" : std::string();
}

}  // namespace gridctl

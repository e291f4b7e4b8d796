// point_table: point id -> a value, in an open-addressing hash table (linear probing over one
// flat power-of-two array, at most half full). Resuming a big sweep looks up every grid point in
// one, and `results` indexes a million rows with one: a lookup costs one cache miss where
// std::unordered_map costs two or three (measured in bench/README.md). Point ids are already
// well-mixed hashes (point_id.hpp): their low bits index the table.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <utility>
#include <vector>

#include "attempt_status.hpp"
#include "point_id.hpp"

namespace gridctl {

template <class Value>
class flat_point_map {
 public:
  /// The entry of `id`, made (value-initialized) if missing.
  Value& operator[](point_id id) { return try_emplace(id, Value{}).first; }
  /// The entry of `id`, inserting `value` if missing; second: whether it was inserted.
  std::pair<Value&, bool> try_emplace(point_id id, Value value) {
    if (slots_.empty() || 2 * (size_ + 1) > slots_.size()) grow_to(slots_.size() * 2);
    slot& s = slots_[index_of(id)];
    const bool fresh = !s.used;
    if (fresh) {
      s = slot{id, std::move(value), true};
      ++size_;
    }
    return {s.value, fresh};
  }
  /// The entry of `id`, or null.
  const Value* find(point_id id) const {
    if (slots_.empty()) return nullptr;
    const slot& s = slots_[index_of(id)];
    return s.used ? &s.value : nullptr;
  }
  /// The entry of `id`; throws std::out_of_range if missing.
  const Value& at(point_id id) const {
    const Value* v = find(id);
    if (!v) throw std::out_of_range("no such point " + format_point_id(id));
    return *v;
  }
  std::size_t count(point_id id) const { return find(id) ? 1 : 0; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// Room for `n` points without growing (and copying itself) on the way.
  void reserve(std::size_t n) { grow_to(2 * n); }

 private:
  struct slot {
    point_id id = 0;
    Value value{};
    bool used = false;
  };
  std::size_t index_of(point_id id) const {  // the slot holding id, or the free slot where it goes
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(id) & mask;
    while (slots_[i].used && slots_[i].id != id) i = (i + 1) & mask;
    return i;
  }
  void grow_to(std::size_t want) {
    std::size_t n = 64;
    while (n < want) n *= 2;
    if (n <= slots_.size()) return;
    std::vector<slot> old;
    old.swap(slots_);
    slots_.resize(n);
    for (slot& s : old)
      if (s.used) slots_[index_of(s.id)] = std::move(s);
  }

  std::vector<slot> slots_;
  std::size_t size_ = 0;
};

/// What the results file says about one point.
struct point_history {
  int last_attempt = 0;  ///< highest attempt number recorded
  int failures = 0;      ///< failed + timeout records
  attempt_status last_status = attempt_status::ok;
  bool ok = false;       ///< some attempt ended ok
};

/// The resume planner's table: point id -> its history.
using point_table = flat_point_map<point_history>;

}  // namespace gridctl

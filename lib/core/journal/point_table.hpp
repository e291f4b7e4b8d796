// point_table: point id -> what the results file says about that point. An open-addressing
// hash table (linear probing over one flat array): resuming a big sweep looks up every grid
// point in it, and a lookup here costs one cache miss where std::unordered_map costs two or
// three (measured in bench/README.md).
#pragma once

#include <cstddef>
#include <vector>

#include "attempt_status.hpp"
#include "grid.hpp"

namespace gridctl {

/// What the results file says about one point.
struct point_history {
  int last_attempt = 0;  ///< highest attempt number recorded
  int failures = 0;      ///< failed + timeout records
  attempt_status last_status = attempt_status::ok;
  bool ok = false;       ///< some attempt ended ok
};

class point_table {
 public:
  /// The entry of `id`, made empty if missing.
  point_history& operator[](point_id id);
  /// The entry of `id`, or null.
  const point_history* find(point_id id) const;
  /// The entry of `id`; throws std::out_of_range if missing.
  const point_history& at(point_id id) const;
  std::size_t count(point_id id) const { return find(id) ? 1 : 0; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct slot {  // 24 bytes
    point_id id = 0;
    point_history history;
    bool used = false;
  };
  std::size_t index_of(point_id id) const;  // the slot holding id, or the free slot where it goes
  void grow();

  std::vector<slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace gridctl

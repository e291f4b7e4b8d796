// point_table: linear probing over a power-of-two array, at most half full.
#include "point_table.hpp"

#include <stdexcept>

namespace gridctl {

std::size_t point_table::index_of(point_id id) const {
  // Point ids are already well-mixed hashes (grid.hpp): their low bits index the table.
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = static_cast<std::size_t>(id) & mask;
  while (slots_[i].used && slots_[i].id != id) i = (i + 1) & mask;
  return i;
}

const point_history* point_table::find(point_id id) const {
  if (slots_.empty()) return nullptr;
  const slot& s = slots_[index_of(id)];
  return s.used ? &s.history : nullptr;
}

const point_history& point_table::at(point_id id) const {
  const point_history* h = find(id);
  if (!h) throw std::out_of_range("point_table::at: no such point " + format_point_id(id));
  return *h;
}

point_history& point_table::operator[](point_id id) {
  if (slots_.empty() || 2 * (size_ + 1) > slots_.size()) grow();
  slot& s = slots_[index_of(id)];
  if (!s.used) {
    s.used = true;
    s.id = id;
    ++size_;
  }
  return s.history;
}

void point_table::grow() {
  std::vector<slot> old;
  old.swap(slots_);
  slots_.resize(old.empty() ? 64 : old.size() * 2);
  for (const slot& s : old)
    if (s.used) slots_[index_of(s.id)] = s;
}

}  // namespace gridctl

// grid: lazy Cartesian product, point ids, job environments.
#include "grid.hpp"

#include <algorithm>


namespace gridctl {

grid::grid(std::vector<axis> axes) : axes_(std::move(axes)) {
  size_ = axes_.empty() ? 0 : 1;
  for (const auto& a : axes_) size_ *= a.size();
  sorted_.resize(axes_.size());
  for (std::size_t i = 0; i < sorted_.size(); ++i) sorted_[i] = i;
  std::sort(sorted_.begin(), sorted_.end(),
            [&](std::size_t a, std::size_t b) { return axes_[a].name() < axes_[b].name(); });
}

std::vector<std::string> grid::axis_names() const {
  std::vector<std::string> names;
  for (const auto& a : axes_) names.push_back(a.name());
  return names;
}

std::vector<std::string> grid::values(std::uint64_t index) const {
  // Mixed-radix decomposition: the last axis varies fastest.
  std::vector<std::string> out(axes_.size());
  for (std::size_t k = axes_.size(); k-- > 0;) {
    std::uint64_t n = axes_[k].size();
    out[k] = axes_[k].value(index % n);
    index /= n;
  }
  return out;
}

point_id grid::id_of(const std::vector<std::string>& values) const {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis
  auto feed = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0) * 1099511628211ull;  // the '\0' terminator
  };
  for (std::size_t k : sorted_) {
    feed(axes_[k].name());
    feed(values[k]);
  }
  // splitmix64 finalizer: FNV's low bits are weak; this spreads every input bit over all 64.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

std::vector<std::pair<std::string, std::string>> job_environment(
    const grid& g, point_id id, int attempt, const std::vector<std::string>& values) {
  std::vector<std::pair<std::string, std::string>> env;
  env.reserve(2 + g.axes().size());
  env.emplace_back("GRIDCTL_POINT", format_point_id(id));
  env.emplace_back("GRIDCTL_ATTEMPT", std::to_string(attempt));
  for (std::size_t k = 0; k < g.axes().size(); ++k)
    env.emplace_back("GRIDCTL_P_" + g.axes()[k].name(), values[k]);
  return env;
}

}  // namespace gridctl

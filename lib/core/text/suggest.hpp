// suggest: "did you mean ...?" for a misspelt key or option.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridctl {

/// Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours
/// as one edit (optimal string alignment), so `timout` and `retires` are 1 from the real word.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word`, when it is near enough to be a likely typo (at most 2 edits,
/// or a third of the word's length for longer words); ties go to the first candidate.
std::optional<std::string> nearest_word(std::string_view word, const std::vector<std::string>& candidates);

/// "did you mean 'x'? " when there is a nearest word, else empty: the start of a hint.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace gridctl

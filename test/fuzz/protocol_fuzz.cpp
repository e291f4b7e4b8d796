// protocol_fuzz: libFuzzer target for the protocol decoder (lib/core/dispatch/protocol.hpp).
// The input is frames, each a length byte and that many bytes; the first byte picks the
// direction. decode must never crash, and whatever it accepts must survive encode + decode.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "protocol.hpp"

namespace proto = gridctl::protocol;

namespace {

proto::frames split(const std::uint8_t* data, std::size_t size) {
  proto::frames f;
  std::size_t i = 0;
  while (i < size) {
    std::size_t n = data[i++];
    n = std::min(n, size - i);
    f.emplace_back(reinterpret_cast<const char*>(data + i), n);
    i += n;
  }
  return f;
}

template <class Decoded, class Decode>
void round_trip(const Decoded& d, Decode decode) {
  if (!d.msg) return;
  auto again = decode(proto::encode(*d.msg));
  if (!again.msg) std::abort();  // encode wrote what decode refuses
  if (proto::encode(*again.msg) != proto::encode(*d.msg)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  proto::frames f = split(data + 1, size - 1);
  if (data[0] & 1) round_trip(proto::decode_to_master(f), proto::decode_to_master);
  else round_trip(proto::decode_to_worker(f), proto::decode_to_worker);
  return 0;
}

#!/usr/bin/env bash
# layering_test: lib/core is the pure core (decisions only). It must not include Asio, Boost.Process
# or ZeroMQ headers, so that it can be tested without sockets, timers or processes; lib/runtime
# does the I/O. Usage: layering_test.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: layering_test.sh SOURCE_DIR}
bad=$(grep -rEn '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](boost/asio|boost/process|zmq|zmq\.hpp|zmq_addon\.hpp)' "$src/lib/core" || true)
if [[ -n "$bad" ]]; then
  echo "layering_test: lib/core includes I/O headers (move this code to lib/runtime):"
  echo "$bad"
  exit 1
fi
# The core library's CMake target links no I/O library either.
if grep -En 'PkgConfig::ZMQ|gridctl_runtime|gridctl_boost_process|Threads::Threads' "$src/lib/core/CMakeLists.txt"; then
  echo "layering_test: lib/core/CMakeLists.txt links an I/O library"
  exit 1
fi
echo "layering_test: lib/core includes and links no Asio, Boost.Process or ZeroMQ"

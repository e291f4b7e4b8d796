// The one BOOST_TEST_MODULE of the runtime-test executable: lib/runtime pieces with real
// sockets on this machine (ipc:// in a temporary directory), no gridctl process.
#define BOOST_TEST_MODULE gridctl runtime tests
#include <boost/test/unit_test.hpp>

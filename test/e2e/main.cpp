// The one BOOST_TEST_MODULE of the end-to-end test executable: each test drives the real
// gridctl binary (master, embedded and remote workers) in a sandbox of its own (harness.hpp).
#define BOOST_TEST_MODULE gridctl end-to-end tests
#include <boost/test/unit_test.hpp>

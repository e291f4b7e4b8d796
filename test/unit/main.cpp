// The one BOOST_TEST_MODULE of the unit-test executable; every other file adds suites.
#define BOOST_TEST_MODULE gridctl unit tests
#include <boost/test/unit_test.hpp>

// Boost.JSON and Boost.URL compiled with the fuzz targets' instrumentation
// instead of linking Debian's prebuilt libraries.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>

#pragma once
// ALB's `statusDescription`: the status code and its reason phrase, as on an HTTP/1.1 status line.

#include <string>

namespace pyfun::events {

// "200 OK", "404 Not Found"; a code without a known phrase gives the code alone ("299").
std::string status_description(unsigned status);

}  // namespace pyfun::events

#pragma once
// The entrypoints' extra facts for GET /healthz (core::api_options::health_details): the sandbox layers and
// interpreter every run uses, the run slots (active, waiting, limit), and the GitHub source's state when the
// lessons come from GitHub.

#include "github_source.hpp"

#include "lib/runner.hpp"

#include <boost/json/object.hpp>

#include <functional>

namespace pyfun::github {

// Both must outlive the returned function; `github` may be null.
std::function<boost::json::object()> health_details(core::runner const& sandbox, github_source const* github);

}  // namespace pyfun::github

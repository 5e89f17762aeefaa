#include "health_details.hpp"

#include <boost/json/array.hpp>

namespace pyfun::github {

std::function<boost::json::object()> health_details(core::runner const& sandbox, github_source const* github)
{
    return [&sandbox, github] {
        boost::json::array layers;
        for (auto const& layer : sandbox.sandbox_layers())
            layers.emplace_back(layer);
        auto const& slots = sandbox.slots();
        auto const warm = sandbox.warm_runs();
        boost::json::object details{{"sandbox", std::move(layers)},
                                    {"interpreter", sandbox.interpreter().string()},
                                    {"runs", {{"active", slots.active()},
                                              {"waiting", slots.waiting()},
                                              {"limit", slots.limit()}}},
                                    {"warm_runs", {{"capacity", warm.capacity},
                                                   {"waiting", warm.waiting},
                                                   {"warm", warm.warm},
                                                   {"cold", warm.cold},
                                                   {"lost", warm.lost},
                                                   {"failed_starts", warm.failed_starts}}}};
        if (github != nullptr)
            details["github"] = github->health();
        return details;
    };
}

}  // namespace pyfun::github

#pragma once
// Remembers the JSON text rendered for immutable objects (a lesson, a catalog), keyed by the object's
// identity: lesson sources hand out the same shared_ptr until the content changes (for GitHub: until the
// blob SHA changes), so a hit is always current and the hot path does no JSON work.

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

namespace pyfun::core {

template <typename T>
class render_cache {
public:
    explicit render_cache(std::size_t max_entries) : max_entries_{max_entries} {}

    // The text for `object`, rendering it with render(*object) on a miss.
    template <typename Render>
    std::string const& get(std::shared_ptr<T const> const& object, Render&& render)
    {
        auto const it = entries_.find(object.get());
        // The weak_ptr tells a live entry from one whose object died and whose address was reused.
        if (it != entries_.end() && it->second.object.lock() == object)
            return it->second.text;
        if (entries_.size() >= max_entries_)
            entries_.clear();  // rare: a bound, not an eviction policy; the next requests re-render
        auto& slot = entries_[object.get()];
        slot = entry{object, std::forward<Render>(render)(*object)};
        return slot.text;
    }

private:
    struct entry {
        std::weak_ptr<T const> object;
        std::string text;
    };

    std::size_t max_entries_;
    std::unordered_map<T const*, entry> entries_;
};

}  // namespace pyfun::core

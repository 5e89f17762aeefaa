#include "file_cache.hpp"

namespace pyfun::github {

std::shared_ptr<parsed_file const> file_cache::find(std::string const& key)
{
    auto const it = by_key_.find(key);
    if (it == by_key_.end()) {
        ++misses_;
        return nullptr;
    }
    ++hits_;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->value;
}

void file_cache::insert(std::string const& key, std::shared_ptr<parsed_file const> value, std::size_t bytes)
{
    if (auto const existing = by_key_.find(key); existing != by_key_.end())
        erase(existing->second);
    if (bytes > capacity_)
        return;
    while (bytes_ + bytes > capacity_ && !order_.empty()) {
        erase(std::prev(order_.end()));
        ++evictions_;
    }
    order_.push_front({key, std::move(value), bytes});
    by_key_.emplace(key, order_.begin());
    bytes_ += bytes;
}

void file_cache::erase(std::list<entry>::iterator it)
{
    bytes_ -= it->bytes;
    by_key_.erase(it->key);
    order_.erase(it);
}

cache_stats file_cache::stats() const
{
    return {bytes_, capacity_, order_.size(), hits_, misses_, evictions_};
}

}  // namespace pyfun::github

#pragma once
// What the source keeps of one verified file: the parsed lesson or stage, or why it does not load (also a
// fact about those bytes). An LRU bounded in bytes holds them by blob SHA and path; it counts hits and
// misses.

#include "lib/lesson.hpp"

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace pyfun::github {

struct parsed_file {
    std::shared_ptr<core::lesson const> lesson;  // set for a lesson file that loaded
    std::optional<core::stage_info> stage;       // set for a stage.json that loaded
    std::optional<core::load_error> problem;     // set when the file does not load
};

struct cache_stats {
    std::size_t bytes = 0;
    std::size_t capacity = 0;
    std::size_t entries = 0;
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t evictions = 0;
};

class file_cache {
  public:
    explicit file_cache(std::size_t capacity_bytes) : capacity_{capacity_bytes} {}

    // Counts a hit (and makes the entry the most recent) or a miss.
    std::shared_ptr<parsed_file const> find(std::string const& key);

    // Evicts least recently used entries until `bytes` fits; an entry larger than the capacity is not kept.
    void insert(std::string const& key, std::shared_ptr<parsed_file const> value, std::size_t bytes);

    cache_stats stats() const;

  private:
    struct entry {
        std::string key;
        std::shared_ptr<parsed_file const> value;
        std::size_t bytes = 0;
    };

    void erase(std::list<entry>::iterator it);

    std::size_t capacity_;
    std::size_t bytes_ = 0;
    std::list<entry> order_;  // most recent first
    std::unordered_map<std::string, std::list<entry>::iterator> by_key_;
    std::uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;
};

}  // namespace pyfun::github

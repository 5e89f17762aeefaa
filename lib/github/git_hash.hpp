#pragma once
// Git object ids: SHA-1 over "<type> <size>\0" + content, as lower-case hex (what GitHub's trees list).

#include <string>
#include <string_view>

namespace pyfun::github {

// type is "blob", "tree", "commit" or "tag".
std::string git_object_id(std::string_view type, std::string_view content);

// The id git gives a file with these bytes: git_object_id("blob", bytes).
std::string git_blob_id(std::string_view bytes);

// 40 lower-case hex digits.
bool is_object_id(std::string_view text);

}  // namespace pyfun::github

#include "author_options.hpp"

namespace pyfun::service {
namespace {

constexpr std::string_view playground_flag = "--playground";
constexpr std::string_view no_playground_flag = "--no-playground";
constexpr std::string_view watch_flag = "--watch";

}  // namespace

std::vector<option_spec> author_option_specs()
{
    return {
        {std::string{playground_flag}, "PYFUN_PLAYGROUND", "",
         "serve the playground page at /play: browse the lessons, fill the blanks, run them", "on"},
        {std::string{no_playground_flag}, "", "", "do not serve the playground page (as --playground=false)", ""},
        {std::string{watch_flag}, "PYFUN_WATCH", "",
         "reload lesson files when they change on disk, without a restart (dir: sources only)", "off"},
    };
}

author_options read_author_options(option_values const& values)
{
    author_options out;
    if (values.is_set(playground_flag))
        out.playground = values.get_switch(playground_flag);
    if (values.get_switch(no_playground_flag)) {
        if (values.is_set(playground_flag) && out.playground && values.source(playground_flag) == playground_flag) {
            out.error = "--playground and --no-playground contradict each other";
            return out;
        }
        out.playground = false;  // the flag wins over PYFUN_PLAYGROUND, as flags win over variables
    }
    out.watch = values.get_switch(watch_flag);
    return out;
}

}  // namespace pyfun::service

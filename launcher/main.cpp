// pyfun-launcher: started by the runner in place of the interpreter. It applies the sandbox layers the runner
// asks for (namespaces, the mount view, Landlock, seccomp) and then execs the interpreter. The runner's own
// child has already set the rlimits, the session, the uid and no_new_privs. Usage: see options.hpp.

#include "landlock.hpp"
#include "mount_view.hpp"
#include "namespaces.hpp"
#include "options.hpp"
#include "report.hpp"
#include "seccomp_filter.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>

int main(int argc, char** argv)
{
    using namespace pyfun::launcher;
    using pyfun::core::launcher_step;
    using pyfun::core::sandbox_layer;

    auto const options = parse_arguments(argc, argv);
    if (!options)
        fail(launcher_step::arguments, EINVAL);
    auto const layers = options->layers;

    // First, whatever the caller did: nothing below, nor the interpreter, can gain privileges through execve.
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL) != 0)
        fail(launcher_step::no_new_privs);
    if (layers.any_namespace())
        enter_namespaces(layers);
    if (layers.has(sandbox_layer::pid_ns))
        split_for_pid_namespace();  // returns in the learner's process, pid 2 of the namespace
    if (layers.has(sandbox_layer::mount_ns))
        build_view(*options);
    if (layers.has(sandbox_layer::landlock))
        restrict_paths(*options);
    if (layers.has(sandbox_layer::seccomp))
        install_seccomp_filter();

    seal_status();
    ::execve(options->target[0], options->target, environ);
    fail(launcher_step::execve);
}

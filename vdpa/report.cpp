// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.hpp"

#include <cerrno>
#include <cstring>

namespace vdpa::cli {
namespace {

// iproute2 adds the full stop the kernel's messages leave out.
void print_sentence(Output& err, std::string_view label, std::string_view message)
{
    err.print("{}: {}", label, message);
    if (!message.empty() && message.back() != '.')
        err.put('.');
    err.put('\n');
}

} // namespace

void print_error(Output& err, const Error& error)
{
    switch (error.kind) {
    case ErrorKind::kernel:
        if (!error.message.empty())
            print_sentence(err, "Error", error.message);
        err.print("kernel answers: {}\n", std::strerror(error.errnum));
        // iproute2 stops at the line above; it leaves a newcomer guessing
        // (README, differences).
        if (error.errnum == EPERM)
            err.print("vdpa: this command needs the CAP_NET_ADMIN privilege: run it as root.\n");
        break;
    case ErrorKind::system:
        err.print("Error: {}: {}.\n", error.message, std::strerror(error.errnum));
        // Refused sysfs writes and unreadable /proc entries: file access
        // that only root has.
        if (error.errnum == EACCES || error.errnum == EPERM)
            err.print("vdpa: this command needs root privileges: run it as root.\n");
        break;
    default:
        print_sentence(err, "Error", error.message);
        break;
    }
}

void print_warning(Output& err, std::string_view message)
{
    print_sentence(err, "Warning", message);
}

} // namespace vdpa::cli

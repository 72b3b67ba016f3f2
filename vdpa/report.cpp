// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.hpp"

#include <cerrno>
#include <cstring>
#include <string>

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

// What vdpa says a kernel lacks: the command or keyword that needs it.
std::string missing_capability(Capability missing)
{
    std::string since = std::string("Linux ") + minimum_linux(missing) + " or later";
    auto provision = [&](const char* what, const char* keyword) {
        return std::string("this kernel cannot give a new device ") + what + " (" + keyword +
               " needs " + since + "); nothing was created";
    };
    switch (missing) {
    case Capability::change_attributes:
        return "this kernel cannot change device attributes (vdpa dev set needs " + since + ")";
    case Capability::device_config:
        return "this kernel cannot show device configuration (vdpa dev config needs " + since +
               ")";
    case Capability::queue_stats:
        return "this kernel cannot show queue statistics (vdpa dev vstats needs " + since + ")";
    case Capability::provision_mac:
        return provision("a MAC address", "mac");
    case Capability::provision_mtu:
        return provision("an MTU", "mtu");
    case Capability::provision_max_vqp:
        return provision("the number of queue pairs", "max_vqp");
    case Capability::provision_features:
        return provision("device features", "device_features");
    case Capability::none:
        break;
    }
    return {};
}

} // namespace

std::string cli_message(const Error& error)
{
    if (error.kind == ErrorKind::unsupported && error.missing != Capability::none)
        return missing_capability(error.missing);
    return error.message;
}

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
        print_sentence(err, "Error", cli_message(error));
        break;
    }
}

void print_warning(Output& err, std::string_view message)
{
    print_sentence(err, "Warning", message);
}

} // namespace vdpa::cli

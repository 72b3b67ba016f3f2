// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The errors of the sysfs side (DeviceBus), each with its kind and errno
// (system errors are Error::system, as everywhere).
#pragma once

#include <cerrno>
#include <string>
#include <string_view>

#include <vdpa/result.hpp>

#include "names.hpp"

namespace vdpa::bus_errors {

inline Error not_found(std::string message)
{
    return Error::make(ErrorKind::not_found, ENOENT, std::move(message));
}

// A name sysfs does not have; the name is escaped, as another tool may
// have put terminal control sequences in it.
inline Error no_such_device(std::string_view name)
{
    return not_found("there is no vDPA device " + quoted(name));
}

inline Error timeout(std::string message)
{
    return Error::make(ErrorKind::timeout, ETIMEDOUT, std::move(message));
}

inline Error ambiguous(std::string message)
{
    return Error::make(ErrorKind::ambiguous, 0, std::move(message));
}

} // namespace vdpa::bus_errors

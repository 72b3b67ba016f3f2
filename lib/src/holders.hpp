// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The refusal of a change to a device a process holds open.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vdpa/bus.hpp>
#include <vdpa/result.hpp>

namespace vdpa {

// ErrorKind::in_use, naming the device's vhost node (`node`, when known)
// and each holder with its command, escaped.
Error in_use_error(std::string_view device, const std::optional<std::string>& node,
                   const std::vector<Holder>& holders);

} // namespace vdpa

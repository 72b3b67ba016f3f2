// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Generic netlink family resolution through the "nlctrl" controller.
#pragma once

#include <string_view>

#include <vdpa/family.hpp>
#include <vdpa/result.hpp>

#include "netlink/channel.hpp"

namespace vdpa::netlink {

// Asks the controller for `name`. A family the kernel does not have comes
// back as a kernel error with errnum ENOENT.
Result<FamilyInfo> resolve_family(Channel& channel, std::string_view name);

} // namespace vdpa::netlink

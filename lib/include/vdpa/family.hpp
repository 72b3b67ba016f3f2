// SPDX-License-Identifier: LGPL-2.1-or-later
//
// What the running kernel's "vdpa" generic netlink family offers, as its
// controller describes it: resolved once per Client.
#pragma once

#include <cstdint>
#include <vector>

#include <vdpa/export.hpp>

namespace vdpa {

struct VDPA_EXPORT FamilyOperation {
    std::uint32_t command = 0; // VDPA_CMD_*
    std::uint32_t flags = 0;   // GENL_ADMIN_PERM, GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP, ...
};

struct VDPA_EXPORT FamilyInfo {
    std::uint16_t id = 0;
    std::uint32_t version = 0;
    std::uint32_t max_attribute = 0;
    std::vector<FamilyOperation> operations;

    bool has_command(std::uint32_t command) const;
    // Whether the kernel knows attribute `type`. Older kernels silently
    // ignore attributes above their maximum instead of refusing them. The
    // controller reports the family's maxattr, which for vdpa is
    // VDPA_ATTR_MAX: one past the last attribute the kernel knows.
    bool has_attribute(std::uint32_t type) const { return type < max_attribute; }
};

} // namespace vdpa

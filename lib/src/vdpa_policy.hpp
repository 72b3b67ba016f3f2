// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Attribute policies of the vdpa family, mirroring drivers/vdpa/vdpa.c.
#pragma once

#include "netlink/attributes.hpp"

namespace vdpa {

// Attributes 1..20: meaningful for every device class.
const netlink::AttrPolicy& vdpa_policy();

// Attributes 21..36: block configuration. Read only from block devices,
// because older kernels used some of these numbers for other things.
const netlink::AttrPolicy& vdpa_block_policy();

} // namespace vdpa

// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Names of virtio feature bits, as the virtio specification spells them
// without their VIRTIO_*_F_ prefix ("MTU", "VERSION_1", "RING_PACKED").
#pragma once

#include <cstdint>
#include <string_view>

#include <vdpa/export.hpp>

namespace vdpa {

// The name of feature bit `bit` (0..63) of a device with virtio device id
// `device_id`, or an empty view when the bit has no name we know. Transport
// bits (28..41) are named for every device; device bits only for net (1) and
// block (2) devices. Pass device_id 0 to name transport bits only.
//
// Net names are exactly the set iproute2's vdpa prints, so output that
// prints "bit_N" for unnamed bits stays identical to it.
VDPA_EXPORT std::string_view feature_name(std::uint32_t device_id, unsigned bit);

} // namespace vdpa

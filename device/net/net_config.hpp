// SPDX-License-Identifier: GPL-2.0-or-later
//
// What the network device offers: its virtio features and configuration
// space (MAC, MTU, link status), from the user's choices. VDUSE on 6.12
// takes one queue pair and no control queue, and insists on VERSION_1 and
// ACCESS_PLATFORM.
#pragma once

#include <kernel-uapi/virtio_device.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace vdpa::device {

using MacBytes = std::array<std::uint8_t, 6>;

struct NetOptions {
    std::string tap;                // the interface frames go to and come from
    std::optional<MacBytes> mac;    // none: a random locally administered one
    std::uint32_t mtu = 1500;
    std::uint32_t queue_size = 256;
};

inline constexpr std::uint32_t net_min_mtu = 68;      // the kernel's IPv4 minimum, as vdpa's policy
inline constexpr std::uint32_t net_max_mtu = 65535;   // the config field is 16 bits
inline constexpr std::uint32_t net_max_queue_size = 1024;
inline constexpr std::uint32_t rx_queue_index = 0;
inline constexpr std::uint32_t tx_queue_index = 1;
inline constexpr std::uint32_t net_queue_count = 2;
// The largest frame the TAP hands over with GSO: a 64 KiB IP packet, its
// Ethernet and VLAN headers, and the virtio-net header.
inline constexpr std::uint32_t net_max_gso_frame = 65535 + 14 + 4 + 12;

// "52:54:00:12:34:56" (hex octets, one or two digits, separated by ':');
// nullopt when malformed.
std::optional<MacBytes> parse_mac(const std::string &text);
std::string format_mac(const MacBytes &mac);
// A random locally administered unicast address.
MacBytes random_mac();

// A TAP name the kernel accepts: 1 to 15 bytes, no '/', ':', whitespace,
// not "." or "..". Error message, empty when valid.
std::string check_interface_name(const std::string &name);
// Error message, empty when valid: the interface name, a unicast MAC, the
// MTU range, the queue size.
std::string check_net_options(const NetOptions &options);

std::uint64_t net_features();
uapi::virtio::net::Config net_config(const MacBytes &mac, std::uint32_t mtu, bool link_up);

// The TAP offloads (TUNSETOFFLOAD flags) matching what the driver can
// take: what it negotiated of GUEST_CSUM and GUEST_TSO4/6.
unsigned tap_offloads(std::uint64_t negotiated);
// The room a received frame may need: with GUEST_TSO a whole GSO frame,
// otherwise the MTU plus Ethernet, VLAN and virtio-net headers.
std::uint32_t receive_frame_room(std::uint64_t negotiated, std::uint32_t mtu);

} // namespace vdpa::device

// SPDX-License-Identifier: GPL-2.0-or-later
#include "net_config.hpp"

#include <kernel-uapi/virtio.hpp>

#include <bit>
#include <cstdio>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <unistd.h>

namespace vdpa::device {

namespace virtio = uapi::virtio;

namespace {
constexpr std::uint64_t bit(unsigned n) { return std::uint64_t{1} << n; }

int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

std::optional<MacBytes> parse_mac(const std::string &text)
{
    MacBytes mac{};
    std::size_t i = 0;
    for (std::size_t octet = 0; octet < mac.size(); ++octet) {
        if (octet > 0) {
            if (i >= text.size() || text[i] != ':')
                return std::nullopt;
            ++i;
        }
        int value = 0;
        std::size_t digits = 0;
        while (i < text.size() && digits < 2 && hex_digit(text[i]) >= 0) {
            value = value * 16 + hex_digit(text[i]);
            ++i;
            ++digits;
        }
        if (digits == 0)
            return std::nullopt;
        mac[octet] = static_cast<std::uint8_t>(value);
    }
    if (i != text.size())
        return std::nullopt;
    return mac;
}

std::string format_mac(const MacBytes &mac)
{
    char text[18];
    std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                  mac[3], mac[4], mac[5]);
    return text;
}

MacBytes random_mac()
{
    MacBytes mac{};
    const int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        [[maybe_unused]] auto n = read(fd, mac.data(), mac.size());
        close(fd);
    }
    mac[0] = static_cast<std::uint8_t>((mac[0] & 0xfe) | 0x02); // unicast, local
    return mac;
}

std::string check_interface_name(const std::string &name)
{
    // The kernel's dev_valid_name(): IFNAMSIZ-1 bytes, no '/', ':' or
    // whitespace, not "." or "..".
    if (name.empty() || name.size() > 15)
        return "interface name \"" + name + "\" must have 1 to 15 bytes";
    if (name == "." || name == "..")
        return "interface name \"" + name + "\" is not valid";
    for (char c : name)
        if (c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r') || c == '\0')
            return "interface name \"" + name + "\" contains '/', ':' or whitespace";
    return {};
}

std::string check_net_options(const NetOptions &o)
{
    if (auto problem = check_interface_name(o.tap); !problem.empty())
        return problem;
    if (o.mac && ((*o.mac)[0] & 1))
        return "MAC address " + format_mac(*o.mac) + " is a multicast address";
    if (o.mac && *o.mac == MacBytes{})
        return "MAC address 00:00:00:00:00:00 is not valid";
    if (o.mtu < net_min_mtu || o.mtu > net_max_mtu)
        return "mtu must be between " + std::to_string(net_min_mtu) + " and " +
               std::to_string(net_max_mtu);
    if (o.queue_size < 2 || o.queue_size > net_max_queue_size ||
        !std::has_single_bit(o.queue_size))
        return "queue_size must be a power of two between 2 and " +
               std::to_string(net_max_queue_size);
    return {};
}

std::uint64_t net_features()
{
    namespace net = virtio::net;
    return bit(virtio::f_version_1) | bit(virtio::f_access_platform) |
           bit(virtio::ring_f_indirect_desc) | bit(virtio::ring_f_event_idx) | bit(net::f_mac) |
           bit(net::f_mtu) | bit(net::f_status) | bit(net::f_csum) | bit(net::f_guest_csum) |
           bit(net::f_host_tso4) | bit(net::f_host_tso6) | bit(net::f_guest_tso4) |
           bit(net::f_guest_tso6) | bit(net::f_mrg_rxbuf);
}

virtio::net::Config net_config(const MacBytes &mac, std::uint32_t mtu, bool link_up)
{
    virtio::net::Config c{};
    for (std::size_t i = 0; i < mac.size(); ++i)
        c.mac[i] = mac[i];
    c.status = link_up ? virtio::net::s_link_up : 0;
    c.max_virtqueue_pairs = 1;
    c.mtu = static_cast<std::uint16_t>(mtu);
    return c;
}

unsigned tap_offloads(std::uint64_t negotiated)
{
    namespace net = virtio::net;
    if (!(negotiated & bit(net::f_guest_csum)))
        return 0; // segmentation offloads need the checksum one
    unsigned flags = TUN_F_CSUM;
    if (negotiated & bit(net::f_guest_tso4))
        flags |= TUN_F_TSO4;
    if (negotiated & bit(net::f_guest_tso6))
        flags |= TUN_F_TSO6;
    return flags;
}

std::uint32_t receive_frame_room(std::uint64_t negotiated, std::uint32_t mtu)
{
    namespace net = virtio::net;
    if (negotiated & (bit(net::f_guest_tso4) | bit(net::f_guest_tso6)))
        return net_max_gso_frame;
    return mtu + 14 + 4 + sizeof(virtio::net::Header);
}

} // namespace vdpa::device

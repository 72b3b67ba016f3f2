// SPDX-License-Identifier: GPL-2.0-or-later
//
// The TAP behind a network device: opened with IFF_TAP | IFF_NO_PI |
// IFF_VNET_HDR, so every frame read or written starts with the 12-byte
// virtio-net header, passed through untouched (checksum and segmentation
// offloads travel in it). A TAP this process creates is made persistent,
// so that a killed server leaves it for its successor (the TAP may have
// been moved into another network namespace meanwhile); it is removed on
// teardown only when this device created it.
#pragma once

#include "vduse/control.hpp"

#include <cstdint>
#include <string>

namespace vdpa::device {

class Tap {
public:
    Tap() = default;
    Tap(const Tap &) = delete;
    Tap &operator=(const Tap &) = delete;
    ~Tap() { close(false); }

    // Attaches the TAP called name, creating it (up, with mtu) when no
    // interface has that name. Errors: ENOENT (no /dev/net/tun: tun module
    // missing), EPERM (not privileged), EINVAL (name is not a TAP), EBUSY
    // (another process serves that TAP).
    DeviceError open(const std::string &name, std::uint32_t mtu);
    // Uses an already open TAP fd (tests: a socket pair stands in).
    void adopt(int fd) { fd_ = fd; }
    int fd() const { return fd_; }
    bool created() const { return created_; }
    // A restarted server learns from its log that its predecessor created it.
    void set_created(bool created) { created_ = created; }

    // TUNSETOFFLOAD: which offloaded frames the device side accepts.
    DeviceError set_offloads(unsigned flags);
    // Administratively up with carrier, wherever the TAP lives now (it may
    // have been moved to another network namespace). False when unknown.
    bool link_up() const;
    // Closes the fd; remove: and the TAP too, if this created it.
    void close(bool remove);

private:
    int fd_ = -1;
    int own_netns_ = -1; // to come back after looking into another namespace
    bool created_ = false;
};

} // namespace vdpa::device

// SPDX-License-Identifier: GPL-2.0-or-later
#include "tap.hpp"

#include <kernel-uapi/virtio_device.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vdpa::device {

namespace {

constexpr const char *tun_path = "/dev/net/tun";

void copy_name(ifreq &ifr, const std::string &name)
{
    std::memset(&ifr, 0, sizeof ifr);
    std::memcpy(ifr.ifr_name, name.data(), std::min(name.size(), sizeof ifr.ifr_name - 1));
}

// SIOCSIFMTU and SIOCSIFFLAGS need a socket in the TAP's namespace; at
// creation that is ours.
void configure_created(const std::string &name, std::uint32_t mtu)
{
    const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return;
    ifreq ifr;
    copy_name(ifr, name);
    ifr.ifr_mtu = static_cast<int>(mtu);
    ioctl(s, SIOCSIFMTU, &ifr);
    copy_name(ifr, name);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    ::close(s);
}

} // namespace

DeviceError Tap::open(const std::string &name, std::uint32_t mtu)
{
    fd_ = ::open(tun_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
        if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
            return DeviceError{ENOENT, std::string(tun_path) +
                                           " is missing: is the tun module loaded?"};
        if (const int code = errno; code == EACCES || code == EPERM)
            // Without udev (or with a strict one) the node is root's alone.
            return DeviceError{code, "not permitted to create TAP " + name +
                                         " (or attach it): cannot open " + tun_path + ": " +
                                         std::strerror(code)};
        return errno_error(std::string("cannot open ") + tun_path);
    }
    own_netns_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    ifreq ifr;
    copy_name(ifr, name);
    // IFF_TUN_EXCL first: success means this created the TAP; EBUSY means
    // an interface of that name exists, to be attached if it is a TAP.
    ifr.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL);
    if (ioctl(fd_, TUNSETIFF, &ifr) == 0) {
        created_ = true;
    } else if (errno == EBUSY) {
        copy_name(ifr, name);
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
        if (ioctl(fd_, TUNSETIFF, &ifr) != 0) {
            const int code = errno;
            close(false);
            if (code == EINVAL)
                return DeviceError{EINVAL, "interface " + name +
                                               " exists and is not a TAP (or is a multi-queue one)"};
            if (code == EBUSY)
                return DeviceError{EBUSY, "TAP " + name + " is in use by another process"};
            if (code == EPERM)
                return DeviceError{EPERM, "not permitted to attach TAP " + name +
                                              " (CAP_NET_ADMIN, or the TAP's owner)"};
            return DeviceError{code, "cannot attach TAP " + name + ": " + std::strerror(code)};
        }
    } else {
        const int code = errno;
        close(false);
        if (code == EPERM)
            return DeviceError{EPERM, "not permitted to create TAP " + name + " (CAP_NET_ADMIN)"};
        return DeviceError{code, "cannot create TAP " + name + ": " + std::strerror(code)};
    }
    int header_bytes = sizeof(uapi::virtio::net::Header);
    if (ioctl(fd_, TUNSETVNETHDRSZ, &header_bytes) != 0) {
        auto e = errno_error("TUNSETVNETHDRSZ " + name);
        close(true);
        return e;
    }
    if (created_) {
        if (ioctl(fd_, TUNSETPERSIST, 1ul) != 0) {
            auto e = errno_error("TUNSETPERSIST " + name);
            close(true);
            return e;
        }
        configure_created(name, mtu);
    }
    return {};
}

DeviceError Tap::set_offloads(unsigned flags)
{
    if (ioctl(fd_, TUNSETOFFLOAD, static_cast<unsigned long>(flags)) != 0)
        return errno_error("TUNSETOFFLOAD");
    return {};
}

bool Tap::link_up() const
{
    if (fd_ < 0)
        return false;
    ifreq ifr{};
    if (ioctl(fd_, TUNGETIFF, &ifr) != 0)
        return false;
    const int netns = ioctl(fd_, TUNGETDEVNETNS);
    if (netns < 0)
        return false;
    // In another namespace, a socket made there asks: setns() changes only
    // this thread, and it comes straight back.
    bool moved = false;
    struct stat there {}, here {};
    if (own_netns_ >= 0 && fstat(netns, &there) == 0 && fstat(own_netns_, &here) == 0)
        moved = there.st_ino != here.st_ino || there.st_dev != here.st_dev;
    if (moved && setns(netns, CLONE_NEWNET) != 0) {
        ::close(netns);
        return false;
    }
    const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (moved)
        setns(own_netns_, CLONE_NEWNET);
    ::close(netns);
    if (s < 0)
        return false;
    const bool ok = ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
    ::close(s);
    return ok && (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}

void Tap::close(bool remove)
{
    if (fd_ >= 0) {
        // Not persistent any more: the kernel removes it with the last fd.
        if (remove && created_)
            ioctl(fd_, TUNSETPERSIST, 0ul);
        ::close(fd_);
    }
    fd_ = -1;
    if (own_netns_ >= 0)
        ::close(own_netns_);
    own_netns_ = -1;
}

} // namespace vdpa::device

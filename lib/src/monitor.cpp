// SPDX-License-Identifier: LGPL-2.1-or-later
#include <vdpa/monitor.hpp>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel_modules.hpp"
#include "names.hpp"
#include "sysfs.hpp"

namespace vdpa {
namespace {

std::vector<std::string> components(std::string_view path)
{
    std::vector<std::string> parts;
    std::size_t at = 0;
    while (at < path.size()) {
        std::size_t end = path.find('/', at);
        if (end == std::string_view::npos)
            end = path.size();
        if (end > at)
            parts.emplace_back(path.substr(at, end - at));
        at = end + 1;
    }
    return parts;
}

bool is_virtio_name(std::string_view name)
{
    return name.size() > 6 && name.substr(0, 6) == "virtio" &&
           std::all_of(name.begin() + 6, name.end(), is_ascii_digit);
}

} // namespace

std::string_view Uevent::value(std::string_view key) const
{
    auto found = values.find(key);
    return found == values.end() ? std::string_view() : std::string_view(found->second);
}

std::optional<Uevent> parse_uevent(std::span<const std::byte> datagram)
{
    std::string_view text(reinterpret_cast<const char*>(datagram.data()), datagram.size());
    std::size_t end = text.find('\0');
    std::string_view header = text.substr(0, end);
    std::size_t at = header.find('@');
    if (at == std::string_view::npos || at == 0)
        return std::nullopt; // not a kernel uevent (udev's start "libudev")
    Uevent uevent;
    uevent.action = std::string(header.substr(0, at));
    uevent.devpath = std::string(header.substr(at + 1));
    while (end != std::string_view::npos && end + 1 < text.size()) {
        std::size_t start = end + 1;
        end = text.find('\0', start);
        std::string_view pair =
            text.substr(start, end == std::string_view::npos ? end : end - start);
        std::size_t equals = pair.find('=');
        if (equals != std::string_view::npos)
            uevent.values.emplace(pair.substr(0, equals), pair.substr(equals + 1));
    }
    return uevent;
}

struct BusEventDecoder::Impl {
    using Object = BusEvent::Object;
    using Action = BusEvent::Action;

    // A uevent of the vdpa bus itself: a device added, removed, bound or
    // unbound.
    void decode_device(const Uevent& uevent, const std::string& device,
                       std::vector<BusEvent>& events);
    // A uevent below a vDPA device (`parts` of its devpath):
    // .../<device>/virtioN[/net/<ifname>|/block/<disk>]
    void decode_below_device(const Uevent& uevent, const std::vector<std::string>& parts,
                             std::vector<BusEvent>& events) const;

    HostPaths paths;
    std::set<std::string> devices;
    std::map<std::string, std::string> drivers;  // device -> bound driver
    std::map<std::string, std::string> chardevs; // device -> /dev/vhost-vdpa-N
};

BusEventDecoder::BusEventDecoder(HostPaths paths) : impl_(std::make_unique<Impl>())
{
    impl_->paths = std::move(paths);
}
BusEventDecoder::BusEventDecoder(const BusEventDecoder& other)
    : impl_(std::make_unique<Impl>(*other.impl_))
{
}
BusEventDecoder& BusEventDecoder::operator=(const BusEventDecoder& other)
{
    if (this != &other)
        impl_ = std::make_unique<Impl>(*other.impl_);
    return *this;
}
BusEventDecoder::BusEventDecoder(BusEventDecoder&&) noexcept = default;
BusEventDecoder& BusEventDecoder::operator=(BusEventDecoder&&) noexcept = default;
BusEventDecoder::~BusEventDecoder() = default;

void BusEventDecoder::scan()
{
    impl_->devices.clear();
    impl_->drivers.clear();
    impl_->chardevs.clear();
    std::string devices = impl_->paths.sysfs + "/bus/vdpa/devices";
    for (const std::string& name : sysfs::list(devices)) {
        impl_->devices.insert(name);
        if (auto driver = sysfs::link_name(devices + "/" + name + "/driver"))
            impl_->drivers[name] = *driver;
        if (auto details = DeviceBus(impl_->paths).details(name); details && details->vhost_path)
            impl_->chardevs[name] = *details->vhost_path;
    }
}

void BusEventDecoder::Impl::decode_device(const Uevent& uevent, const std::string& device,
                                          std::vector<BusEvent>& events)
{
    if (uevent.action == "add") {
        devices.insert(device);
        events.push_back({Object::device, Action::add, device, ""});
    } else if (uevent.action == "remove") {
        devices.erase(device);
        drivers.erase(device);
        events.push_back({Object::device, Action::remove, device, ""});
    } else if (uevent.action == "bind") {
        std::string driver(uevent.value("DRIVER"));
        drivers[device] = driver;
        events.push_back({Object::device, Action::bind, device, driver});
        // vhost-vdpa character devices have neither bus nor class, so
        // the kernel sends no uevent for them: they exist once
        // vhost_vdpa is bound, and sysfs names them.
        if (driver == bus_driver_name(BusDriver::vhost_vdpa))
            if (auto details = DeviceBus(paths).details(device); details && details->vhost_path) {
                chardevs[device] = *details->vhost_path;
                events.push_back({Object::chardev, Action::add, device, *details->vhost_path});
            }
    } else if (uevent.action == "unbind") {
        if (auto chardev = chardevs.find(device); chardev != chardevs.end()) {
            events.push_back({Object::chardev, Action::remove, device, chardev->second});
            chardevs.erase(chardev);
        }
        events.push_back({Object::device, Action::unbind, device, drivers[device]});
        drivers.erase(device);
    }
}

void BusEventDecoder::Impl::decode_below_device(const Uevent& uevent,
                                                const std::vector<std::string>& parts,
                                                std::vector<BusEvent>& events) const
{
    auto virtio = std::find_if(parts.begin(), parts.end(), is_virtio_name);
    if (virtio == parts.begin() || virtio == parts.end() || !devices.count(*(virtio - 1)))
        return;
    const std::string& device = *(virtio - 1);
    Action action;
    if (uevent.action == "add")
        action = Action::add;
    else if (uevent.action == "remove")
        action = Action::remove;
    else
        return;
    std::string_view subsystem = uevent.value("SUBSYSTEM");
    if (subsystem == "virtio" && virtio + 1 == parts.end())
        events.push_back({Object::virtio, action, device, *virtio});
    else if (subsystem == "net" && virtio + 3 == parts.end() && *(virtio + 1) == "net")
        events.push_back({Object::netdev, action, device, parts.back()});
    else if (subsystem == "block" && uevent.value("DEVTYPE") == "disk")
        events.push_back({Object::disk, action, device, parts.back()});
}

std::vector<BusEvent> BusEventDecoder::decode(const Uevent& uevent)
{
    std::vector<BusEvent> events;
    std::vector<std::string> parts = components(uevent.devpath);
    if (parts.empty())
        return events;
    if (uevent.value("SUBSYSTEM") == "vdpa")
        impl_->decode_device(uevent, parts.back(), events);
    else
        impl_->decode_below_device(uevent, parts, events);
    return events;
}

struct BusMonitor::Impl {
    Impl(int socket, HostPaths paths) : fd(socket), decoder(std::move(paths)) {}
    ~Impl()
    {
        if (fd >= 0)
            ::close(fd);
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    int fd = -1;
    BusEventDecoder decoder;
    std::vector<BusEvent> pending;
};

BusMonitor::BusMonitor(int fd, HostPaths paths) : impl_(std::make_unique<Impl>(fd, std::move(paths)))
{
}
BusMonitor::BusMonitor(BusMonitor&&) noexcept = default;
BusMonitor& BusMonitor::operator=(BusMonitor&&) noexcept = default;
BusMonitor::~BusMonitor() = default;

int BusMonitor::fd() const
{
    return impl_->fd;
}

Result<BusMonitor> BusMonitor::open(HostPaths paths)
{
    return open(std::move(paths), MonitorOptions{});
}

Result<BusMonitor> BusMonitor::open(HostPaths paths, const MonitorOptions& options)
{
    // Waiting for a bus that no module of this kernel can bring would wait
    // forever without a word; without the vdpa module merely not loaded,
    // the monitor waits for it (modprobe vdpa later shows up as events).
    if (auto missing = kernel_without_vdpa(paths, running_kernel_release()))
        return *std::move(missing);
    int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
    if (fd < 0)
        return Error::system(errno, "cannot open a uevent socket");
    if (options.socket_receive_buffer > 0) {
        if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.socket_receive_buffer,
                         sizeof(options.socket_receive_buffer)) < 0) {
            int saved = errno;
            ::close(fd);
            return Error::system(saved, "cannot set the uevent socket's receive buffer");
        }
    } else {
        // Adding a thousand devices is a burst of several thousand uevents.
        // Beyond rmem_max only with CAP_NET_ADMIN; the default otherwise.
        int size = 8 << 20;
        if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
            ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    }
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;
    address.nl_groups = 1; // the kernel's own events, not udev's
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0) {
        int saved = errno;
        ::close(fd);
        return Error::system(saved, "cannot subscribe to kernel uevents");
    }
    BusMonitor monitor(fd, std::move(paths));
    // Subscribed first, then scanned: nothing happens unseen in between.
    monitor.impl_->decoder.scan();
    return monitor;
}

Result<std::optional<BusEvent>> BusMonitor::next(std::chrono::milliseconds timeout)
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (!impl_->pending.empty()) {
            BusEvent event = std::move(impl_->pending.front());
            impl_->pending.erase(impl_->pending.begin());
            return std::optional(std::move(event));
        }
        int wait = -1;
        if (timeout.count() >= 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            wait = static_cast<int>(std::max<std::int64_t>(0, left.count()));
        }
        pollfd poll_fd{impl_->fd, POLLIN, 0};
        int ready = ::poll(&poll_fd, 1, wait);
        if (ready < 0 && errno == EINTR)
            return std::optional<BusEvent>();
        if (ready < 0)
            return Error::system(errno, "cannot wait for uevents");
        if (ready == 0)
            return std::optional<BusEvent>();

        std::byte buffer[8192];
        sockaddr_nl sender{};
        iovec iov{buffer, sizeof(buffer)};
        msghdr message{};
        message.msg_name = &sender;
        message.msg_namelen = sizeof(sender);
        message.msg_iov = &iov;
        message.msg_iovlen = 1;
        ssize_t length = ::recvmsg(impl_->fd, &message, MSG_DONTWAIT);
        if (length < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            if (errno == ENOBUFS) {
                // What was remembered may be stale now: learn it again.
                impl_->decoder.scan();
                return std::optional(
                    BusEvent{BusEvent::Object::lost, BusEvent::Action::add, "", ""});
            }
            return Error::system(errno, "cannot receive a uevent");
        }
        // Only the kernel (port 0) speaks for the kernel.
        if (sender.nl_pid != 0)
            continue;
        if (auto uevent = parse_uevent({buffer, static_cast<std::size_t>(length)}))
            impl_->pending = impl_->decoder.decode(*uevent);
    }
}

} // namespace vdpa

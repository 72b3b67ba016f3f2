// SPDX-License-Identifier: GPL-2.0-or-later
//
// faults: drives libvdpa into the kernel-side faults that a command line
// cannot provoke on purpose, on the real kernel (tests/vm/faults.sh).
// Receive errors that the kernel never gives on a request socket (EINTR,
// ENOBUFS) come from the fault-inject shim instead.
//
//   faults small-buffer N   dumps with the smallest socket receive buffer
//                           the kernel allows: all N devices and configs
//                           arrive (the kernel paces a dump by the reader,
//                           so it never overruns the buffer)
//   faults removed A B      deletes device B from another socket while a
//                           dump is under way, then asks for B: an error
//                           value (ENODEV), no crash
//   faults lost-events MGMTDEV N
//                           a monitor with the smallest uevent buffer that
//                           is not read while N devices are added and the
//                           last is bound to vhost_vdpa: the kernel drops
//                           uevents, the monitor reports the loss, reads
//                           sysfs again, and decodes what follows with
//                           what it read (the devices are deleted after)
//
// Prints what happened; exits 0 only when it was as it should be.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <vdpa/bus.hpp>
#include <vdpa/client.hpp>
#include <vdpa/host.hpp>
#include <vdpa/monitor.hpp>

namespace {

struct Counts {
    long devices = -1;
    long configs = -1;
};

Counts dump(vdpa::Client& client)
{
    Counts counts;
    long devices = 0;
    long configs = 0;
    if (auto done = client.for_each_device([&](const vdpa::Device&) { ++devices; }); done)
        counts.devices = devices;
    else
        std::printf("device dump failed: %s (errno %d)\n", done.error().message.c_str(),
                    done.error().errnum);
    if (auto done = client.for_each_device_config([&](const vdpa::DeviceConfig&) { ++configs; });
        done)
        counts.configs = configs;
    else
        std::printf("config dump failed: %s (errno %d)\n", done.error().message.c_str(),
                    done.error().errnum);
    return counts;
}

vdpa::Host open_or_die(const vdpa::HostOptions& options = {})
{
    auto host = vdpa::Host::open(options);
    if (!host) {
        std::printf("cannot open: %s\n", host.error().message.c_str());
        std::exit(2);
    }
    return *std::move(host);
}

int small_buffer(long expected)
{
    vdpa::HostOptions options;
    options.socket_receive_buffer = 1; // the kernel raises it to its minimum
    vdpa::Host host = open_or_die(options);
    vdpa::Client& client = host.client();
    Counts counts = dump(client);
    std::printf("small buffer: %ld devices, %ld configs of %ld\n", counts.devices, counts.configs,
                expected);
    return counts.devices == expected && counts.configs == expected ? 0 : 1;
}

int removed(const std::string& first, const std::string& victim)
{
    vdpa::Host reader_host = open_or_die();
    vdpa::Host remover_host = open_or_die();
    vdpa::Client& reader = reader_host.client();
    vdpa::Client& remover = remover_host.client();
    bool deleted = false;
    long seen = 0;
    auto done = reader.for_each_device([&](const vdpa::Device& device) {
        ++seen;
        if (device.name == first && !deleted) {
            auto gone = remover.delete_device(victim);
            deleted = static_cast<bool>(gone);
            if (!gone)
                std::printf("cannot delete %s: %s\n", victim.c_str(), gone.error().message.c_str());
        }
    });
    std::printf("dump: %s, %ld devices, %s deleted midway: %s\n", done ? "ok" : "failed", seen,
                victim.c_str(), deleted ? "yes" : "no");
    int status = done && deleted ? 0 : 1;
    auto check_gone = [&](const char* what, const auto& result) {
        if (result) {
            std::printf("%s of the deleted device succeeded\n", what);
            status = 1;
        } else {
            std::printf("%s: %s (errno %d)\n", what, result.error().message.c_str(),
                        result.error().errnum);
            status = result.error().errnum == ENODEV ? status : 1;
        }
    };
    check_gone("get", reader.get_device(victim));
    check_gone("config", reader.get_device_config(victim));
    check_gone("vstats", reader.get_queue_stats(victim, 0));
    check_gone("del", reader.delete_device(victim));
    return status;
}

int lost_events(const std::string& mgmtdev, long count)
{
    vdpa::MonitorOptions options;
    options.socket_receive_buffer = 1; // the kernel raises it to its minimum
    auto monitor = vdpa::BusMonitor::open({}, options);
    if (!monitor) {
        std::printf("cannot open the monitor: %s\n", monitor.error().message.c_str());
        return 2;
    }
    vdpa::Host host = open_or_die();
    vdpa::Client& client = host.client();
    vdpa::DeviceBus bus;
    std::vector<std::string> names;
    for (long i = 0; i < count; ++i) {
        names.push_back("burst" + std::to_string(i));
        vdpa::NewDevice device;
        device.name = names.back();
        device.mgmtdev = vdpa::MgmtDevHandle{"", mgmtdev};
        if (auto added = client.add_device(device); !added) {
            std::printf("cannot add %s: %s\n", device.name.c_str(), added.error().message.c_str());
            return 2;
        }
    }
    // Bound while nobody reads: only a monitor that read sysfs again after
    // the loss knows its character device when it goes.
    const std::string& last = names.back();
    if (auto bound = bus.bind(last, vdpa::BusDriver::vhost_vdpa, {}); !bound) {
        std::printf("cannot bind %s: %s\n", last.c_str(), bound.error().message.c_str());
        return 2;
    }

    long added = 0;
    long lost = 0;
    auto drain = [&](std::vector<vdpa::BusEvent>& seen) {
        for (;;) {
            auto event = monitor->next(std::chrono::milliseconds(1000));
            if (!event) {
                std::printf("monitor error: %s\n", event.error().message.c_str());
                return false;
            }
            if (!*event)
                return true;
            seen.push_back(**event);
        }
    };
    std::vector<vdpa::BusEvent> burst;
    if (!drain(burst))
        return 1;
    for (const vdpa::BusEvent& event : burst) {
        lost += event.object == vdpa::BusEvent::Object::lost;
        added += event.object == vdpa::BusEvent::Object::device &&
                 event.action == vdpa::BusEvent::Action::add;
    }
    std::printf("burst of %ld devices: %ld adds seen, %ld losses reported\n", count, added, lost);
    int status = lost > 0 && added < count ? 0 : 1;

    // One uevent (unbind) fits the buffer; what the monitor makes of it
    // comes from what it read of sysfs after the loss.
    if (auto unbound = bus.bind(last, vdpa::BusDriver::none, {}); !unbound) {
        std::printf("cannot unbind %s: %s\n", last.c_str(), unbound.error().message.c_str());
        status = 1;
    }
    std::vector<vdpa::BusEvent> after;
    if (!drain(after))
        status = 1;
    bool chardev_gone = false;
    bool unbound_from_vhost = false;
    for (const vdpa::BusEvent& event : after) {
        if (event.device != last)
            continue;
        chardev_gone |= event.object == vdpa::BusEvent::Object::chardev &&
                        event.action == vdpa::BusEvent::Action::remove;
        unbound_from_vhost |= event.object == vdpa::BusEvent::Object::device &&
                              event.action == vdpa::BusEvent::Action::unbind &&
                              event.name == "vhost_vdpa";
    }
    std::printf("after the loss, unbinding %s: chardev removed %s, unbound from vhost_vdpa %s\n",
                last.c_str(), chardev_gone ? "yes" : "no", unbound_from_vhost ? "yes" : "no");
    if (!chardev_gone || !unbound_from_vhost)
        status = 1;

    for (const std::string& name : names)
        if (auto deleted = client.delete_device(name); !deleted) {
            std::printf("cannot delete %s: %s\n", name.c_str(), deleted.error().message.c_str());
            status = 1;
        }
    return status;
}

} // namespace

int main(int argc, char** argv)
{
    std::string what = argc > 1 ? argv[1] : "";
    if (what == "small-buffer" && argc == 3)
        return small_buffer(std::atol(argv[2]));
    if (what == "removed" && argc == 4)
        return removed(argv[2], argv[3]);
    if (what == "lost-events" && argc == 4)
        return lost_events(argv[2], std::atol(argv[3]));
    std::fputs("usage: faults { small-buffer N | removed A B | lost-events MGMTDEV N }\n", stderr);
    return 2;
}

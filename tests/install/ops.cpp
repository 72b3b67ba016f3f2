// SPDX-License-Identifier: GPL-2.0-or-later
//
// A program of another project, built against the installed libvdpa with
// pkg-config only: it adds, rebinds, changes and deletes devices through
// the library's guarded operations (vdpa::Host), one step per run, so that
// install.sh can hold a device open between steps.
//
//   ops add NAME MGMTDEV DRIVER     add, bound to DRIVER; prints the details
//   ops bind NAME DRIVER            move to DRIVER (refused while held)
//   ops mac NAME MACADDR            change the MAC address
//   ops show NAME                   driver, vhost node and MAC as libvdpa sees them
//   ops del NAME                    delete (refused while held)
//
// Prints "refused: in_use: MESSAGE" and the holders when the library
// refuses a held device, and exits 3 then; other failures exit 1.
#include <cstdio>
#include <string>

#include <vdpa/vdpa.hpp>

namespace {

int failed(const vdpa::Error& error)
{
    if (error.kind == vdpa::ErrorKind::in_use) {
        std::printf("refused: in_use: %s\n", error.message.c_str());
        return 3;
    }
    std::printf("error: %s (errno %d)\n", error.message.c_str(), error.errnum);
    return 1;
}

void print_details(const vdpa::DeviceDetails& details)
{
    std::printf("driver %s\n", details.driver.value_or("none").c_str());
    if (details.vhost_path)
        std::printf("vhost %s\n", details.vhost_path->c_str());
    if (details.virtio_device)
        std::printf("virtio %s\n", details.virtio_device->c_str());
}

bool parse_mac(const char* text, vdpa::MacAddress& mac)
{
    unsigned octets[6];
    char extra;
    if (std::sscanf(text, "%x:%x:%x:%x:%x:%x%c", &octets[0], &octets[1], &octets[2], &octets[3],
                    &octets[4], &octets[5], &extra) != 6)
        return false;
    for (int i = 0; i < 6; ++i)
        mac.octets[i] = static_cast<std::uint8_t>(octets[i]);
    return true;
}

bool parse_driver(const char* text, vdpa::BusDriver& driver)
{
    auto parsed = vdpa::parse_bus_driver(text);
    if (parsed)
        driver = *parsed;
    return parsed.has_value();
}

int add(vdpa::Host& host, const char* name, const char* mgmtdev, const char* driver_name)
{
    vdpa::BusDriver driver;
    if (!parse_driver(driver_name, driver))
        return 2;
    vdpa::NewDevice request;
    request.name = name;
    request.mgmtdev.name = mgmtdev;
    vdpa::DeviceAddition addition = host.add_device(request, driver);
    if (!addition.added)
        return failed(addition.added.error());
    if (!addition.ok()) {
        std::printf("deleted again: %s\n", addition.deleted && addition.deleted->ok() ? "yes" : "no");
        return failed(addition.bound->error());
    }
    print_details(**addition.bound);
    return 0;
}

int bind(vdpa::Host& host, const char* name, const char* driver_name)
{
    vdpa::BusDriver driver;
    if (!parse_driver(driver_name, driver))
        return 2;
    vdpa::DeviceModification change;
    change.name = name;
    change.driver = driver;
    vdpa::DeviceChangeOutcome outcome = host.change_device(change);
    if (!outcome.ok())
        return failed(outcome.result.error());
    print_details(*outcome.bound);
    return 0;
}

int mac(vdpa::Host& host, const char* name, const char* text)
{
    vdpa::DeviceModification change;
    change.name = name;
    change.mac.emplace();
    if (!parse_mac(text, *change.mac))
        return 2;
    vdpa::DeviceChangeOutcome outcome = host.change_device(change);
    if (!outcome.ok())
        return failed(outcome.result.error());
    std::printf("mac changed: %s\n", outcome.mac_changed ? "yes" : "no");
    return 0;
}

int show(vdpa::Host& host, const char* name)
{
    auto details = host.bus().details(name);
    if (!details)
        return failed(details.error());
    print_details(*details);
    auto config = host.client().get_device_config(name);
    if (!config)
        return failed(config.error());
    if (config->net && config->net->mac)
        std::printf("mac %s\n", config->net->mac->to_string().c_str());
    return 0;
}

int del(vdpa::Host& host, const char* name)
{
    vdpa::DeviceDeletion deletion = host.delete_device(name);
    for (const vdpa::Holder& holder : deletion.holders)
        std::printf("holder %d %s\n", holder.pid, holder.command.c_str());
    if (!deletion.ok())
        return failed(deletion.deleted.error());
    std::printf("deleted\n");
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3)
        return 2;
    auto host = vdpa::Host::open();
    if (!host)
        return failed(host.error());
    std::string step = argv[1];
    if (step == "add" && argc == 5)
        return add(*host, argv[2], argv[3], argv[4]);
    if (step == "bind" && argc == 4)
        return bind(*host, argv[2], argv[3]);
    if (step == "mac" && argc == 4)
        return mac(*host, argv[2], argv[3]);
    if (step == "show" && argc == 3)
        return show(*host, argv[2]);
    if (step == "del" && argc == 3)
        return del(*host, argv[2]);
    return 2;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include <vdpa/provision.hpp>

#include "commands/commands.hpp"
#include "commands/show.hpp"
#include "report.hpp"

namespace vdpa::cli {
namespace {

BindOptions bind_options(const Session& session)
{
    BindOptions options;
    options.force = session.force();
    return options;
}

int fail_in_use(Session& session, const Error& error)
{
    session.fail(error);
    if (error.kind == ErrorKind::in_use)
        session.err().print("{} to proceed anyway; the kernel then waits until it is closed.\n",
                            session.in_batch() ? "Put -f on the line" : "Use -f");
    return 1;
}

} // namespace

int dev_show(Session& session, const Arguments& arguments)
{
    FetchOne<Device> one;
    if (arguments.device)
        one = [&](Client& client) { return client.get_device(*arguments.device); };
    bool details = session.render_options().details;
    return show_section<Device>(
        session, "dev", one,
        [](Client& client, const RecordSink<Device>& sink) { return client.for_each_device(sink); },
        [&](Renderer& renderer, const Device& device) {
            if (!details)
                return renderer.device(device, nullptr);
            // A device deleted since the dump, or sysfs unreadable: what
            // netlink said, and nothing the bus could not tell.
            auto found = session.bus().details(device.name);
            renderer.device(device, found ? &*found : nullptr);
        });
}

int dev_add(Session& session, const Arguments& arguments)
{
    NewDevice request;
    request.name = *arguments.device;
    request.mgmtdev = *arguments.mgmtdev;
    request.device_features = arguments.device_features;
    request.mac = arguments.mac;
    request.mtu = arguments.mtu;
    request.max_vq_pairs = arguments.max_vqp;
    Client* client = session.client();
    if (!client)
        return 1;
    if (!arguments.driver)
        return session.finish(client->add_device(request));

    DeviceAddition addition = add_device_with_driver(*client, session.bus(), request,
                                                     *arguments.driver, bind_options(session));
    if (!addition.added || addition.ok())
        return session.finish(addition.added);
    session.fail(addition.bound->error());
    if (*addition.deleted) {
        session.err().print("The device \"{}\" was deleted again.\n", request.name);
    } else {
        session.err().print("The device \"{}\" is left behind: deleting it again failed:\n",
                            request.name);
        session.fail(addition.deleted->error());
    }
    return 1;
}

int dev_del(Session& session, const Arguments& arguments)
{
    // Deleting a device a process holds open pulls it from under that
    // process (a VM), and the kernel waits for it to close the device. A
    // device sysfs does not know is the kernel's to report.
    if (!session.force())
        if (auto free = session.bus().check_not_in_use(*arguments.device);
            !free && free.error().kind != ErrorKind::not_found)
            return fail_in_use(session, free.error());
    Client* client = session.client();
    if (!client)
        return 1;
    return session.finish(client->delete_device(*arguments.device));
}

int dev_set(Session& session, const Arguments& arguments)
{
    // The kernel answers a bare "Operation not supported" to a request
    // that changes nothing; say what is missing instead.
    if (!arguments.mac && !arguments.driver)
        return session.usage_error("Nothing to set: give an attribute to change.\n" +
                                   session.command_help());
    const std::string& name = *arguments.device;
    // Everything the driver change needs is checked before anything
    // changes, the holders too: a refused move must not leave a new MAC.
    if (arguments.driver)
        if (auto ready = session.bus().check_bind(name, *arguments.driver, bind_options(session));
            !ready)
            return fail_in_use(session, ready.error());
    Result<Ack> changed = Ack{};
    if (arguments.mac) {
        Client* client = session.client();
        if (!client)
            return 1;
        changed = client->change_device({name, arguments.mac});
        if (!changed)
            return session.fail(changed.error());
    }
    if (arguments.driver)
        if (auto moved = session.bus().bind(name, *arguments.driver, bind_options(session));
            !moved) {
            fail_in_use(session, moved.error());
            if (arguments.mac)
                session.err().print("The MAC address of \"{}\" was already changed to {}.\n", name,
                                    arguments.mac->to_string());
            return 1;
        }
    return session.finish(changed);
}

int dev_config_show(Session& session, const Arguments& arguments)
{
    FetchOne<DeviceConfig> one;
    if (arguments.device)
        one = [&](Client& client) { return client.get_device_config(*arguments.device); };
    return show_section<DeviceConfig>(
        session, "config", one,
        [](Client& client, const RecordSink<DeviceConfig>& sink) {
            return client.for_each_device_config(sink);
        },
        [](Renderer& renderer, const DeviceConfig& config) { renderer.config(config); });
}

int dev_vstats_show(Session& session, const Arguments& arguments)
{
    return show_section<QueueStats>(
        session, "vstats",
        [&](Client& client) { return client.get_queue_stats(*arguments.device, *arguments.qidx); },
        nullptr, [](Renderer& renderer, const QueueStats& stats) { renderer.queue_stats(stats); });
}

} // namespace vdpa::cli

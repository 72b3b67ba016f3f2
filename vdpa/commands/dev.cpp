// SPDX-License-Identifier: GPL-2.0-or-later
#include "commands/commands.hpp"
#include "commands/show.hpp"
#include "report.hpp"

namespace vdpa::cli {
namespace {

// The bus driver binding of `dev add ... driver` and `dev set ... driver`.
Result<void> move_to_driver(Session& session, const std::string& device, BusDriver driver)
{
    BindOptions options;
    options.force = session.force();
    return session.bus().bind(device, driver, options);
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
            // A device deleted since the dump has no sysfs entry: show
            // what netlink said, with nothing bound.
            DeviceDetails found = session.bus().details(device.name).value_or(DeviceDetails{});
            renderer.device(device, &found);
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
    // A driver that is not loaded is found before anything is created.
    if (arguments.driver)
        if (auto loaded = session.bus().require_driver(*arguments.driver); !loaded)
            return session.fail(loaded.error());
    Client* client = session.client();
    if (!client)
        return 1;
    auto added = client->add_device(request);
    if (!added || !arguments.driver)
        return session.finish(added);
    if (auto moved = move_to_driver(session, request.name, *arguments.driver); !moved) {
        // Leave no half-made device behind.
        static_cast<void>(client->delete_device(request.name));
        session.fail(moved.error());
        session.err().print("The device \"{}\" was deleted again.\n", request.name);
        return 1;
    }
    return session.finish(added);
}

int dev_del(Session& session, const Arguments& arguments)
{
    // Deleting a device a process holds open pulls it from under that
    // process (a VM), and the kernel waits for it to close the device.
    if (!session.force())
        if (auto free = session.bus().check_not_in_use(*arguments.device);
            !free && free.error().kind == ErrorKind::in_use)
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
    if (arguments.driver) {
        // Check everything the driver change needs before changing anything.
        if (auto found = session.bus().details(name); !found)
            return session.fail(found.error());
        if (auto loaded = session.bus().require_driver(*arguments.driver); !loaded)
            return session.fail(loaded.error());
    }
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
        if (auto moved = move_to_driver(session, name, *arguments.driver); !moved)
            return fail_in_use(session, moved.error());
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

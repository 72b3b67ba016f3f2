// SPDX-License-Identifier: GPL-2.0-or-later
#include "commands/commands.hpp"
#include "commands/show.hpp"

namespace vdpa::cli {

int dev_show(Session& session, const Arguments& arguments)
{
    FetchOne<Device> one;
    if (arguments.device)
        one = [&](Client& client) { return client.get_device(*arguments.device); };
    return show_section<Device>(
        session, "dev", one,
        [](Client& client, const RecordSink<Device>& sink) { return client.for_each_device(sink); },
        &Renderer::device);
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
    return session.finish(client->add_device(request));
}

int dev_del(Session& session, const Arguments& arguments)
{
    Client* client = session.client();
    if (!client)
        return 1;
    return session.finish(client->delete_device(*arguments.device));
}

int dev_set(Session& session, const Arguments& arguments)
{
    DeviceChange change;
    change.name = *arguments.device;
    change.mac = arguments.mac;
    // The kernel answers a bare "Operation not supported" to a request
    // that changes nothing; say what is missing instead.
    if (!change.mac)
        return session.usage_error("Nothing to set: give an attribute to change.\n" +
                                   session.command_help());
    Client* client = session.client();
    if (!client)
        return 1;
    return session.finish(client->change_device(change));
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
        &Renderer::config);
}

int dev_vstats_show(Session& session, const Arguments& arguments)
{
    return show_section<QueueStats>(
        session, "vstats",
        [&](Client& client) { return client.get_queue_stats(*arguments.device, *arguments.qidx); },
        nullptr, &Renderer::queue_stats);
}

} // namespace vdpa::cli

// SPDX-License-Identifier: GPL-2.0-or-later
#include <vdpa/host.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <variant>

#include "served_device.hpp"
#include "served_record.hpp"

#include "commands/commands.hpp"
#include "commands/serving.hpp"
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

bool is_vduse(const MgmtDevHandle& handle)
{
    return handle.bus.empty() && handle.name == "vduse";
}

std::string_view backend_word(BackendKind kind)
{
    switch (kind) {
    case BackendKind::file:
        return "file";
    case BackendKind::tap:
        return "tap";
    }
    return "file";
}

// A record's backend is shown as a key: only a backend the grammar has.
std::optional<ServedBy> served_by(const Device& shown)
{
    if (!is_vduse(shown.mgmtdev))
        return std::nullopt;
    auto record = vdpa::device::live_served_record(shown.name);
    if (!record || (record->backend != backend_word(BackendKind::file) &&
                    record->backend != backend_word(BackendKind::tap)))
        return std::nullopt;
    return ServedBy{record->backend, record->target, record->server_pid};
}

// `file PATH` and its tuning; a usage error when a network keyword came too.
std::optional<std::string> blk_backend(const Arguments& arguments,
                                       vdpa::device::ServedBackend& backend)
{
    if (arguments.mac || arguments.mtu || arguments.max_vqp || arguments.device_features)
        return "A file backend is a block device: mac, mtu, max_vqp and device_features do not "
               "apply.";
    vdpa::device::ServerOptions server;
    server.name = *arguments.device;
    server.blk.path = arguments.backend->target;
    server.blk.readonly = arguments.readonly;
    if (arguments.queues)
        server.blk.queues = *arguments.queues;
    if (arguments.queue_size)
        server.blk.queue_size = *arguments.queue_size;
    if (arguments.blk_size)
        server.blk.blk_size = *arguments.blk_size;
    backend = std::move(server);
    return std::nullopt;
}

// `tap IFNAME` and its tuning. mac and mtu go into the device's virtio-net
// configuration, which the server hands VDUSE at creation: the vduse
// management device takes no netlink attributes.
std::optional<std::string> net_backend(const Arguments& arguments,
                                       vdpa::device::ServedBackend& backend)
{
    if (arguments.readonly || arguments.queues || arguments.blk_size || arguments.max_vqp ||
        arguments.device_features)
        return "A tap backend is a network device of one queue pair: readonly, queues, "
               "blk_size, max_vqp and device_features do not apply.";
    vdpa::device::NetServerOptions server;
    server.name = *arguments.device;
    server.net.tap = arguments.backend->target;
    if (arguments.mac)
        server.net.mac = arguments.mac->octets;
    if (arguments.mtu)
        server.net.mtu = *arguments.mtu;
    if (arguments.queue_size)
        server.net.queue_size = *arguments.queue_size;
    backend = std::move(server);
    return std::nullopt;
}

// dev add with a backend: vdpa serves the device itself.
int add_served_device(Session& session, const Arguments& arguments)
{
    if (!is_vduse(*arguments.mgmtdev))
        return session.usage_error(
            "The backend keywords (file, tap, readonly, queues, queue_size, blk_size) need "
            "mgmtdev vduse: vdpa serves only VDUSE devices itself, not " +
            vdpa::quoted(arguments.mgmtdev->to_string()) + ".");
    if (!arguments.backend)
        return session.usage_error(
            "readonly, queues, queue_size and blk_size configure a backend: give one "
            "(file PATH or tap IFNAME).");
    vdpa::device::ServedDeviceRequest request;
    const BackendKind kind = arguments.backend->kind;
    auto refused = kind == BackendKind::tap ? net_backend(arguments, request.backend)
                                            : blk_backend(arguments, request.backend);
    if (refused)
        return session.usage_error(*refused);
    // Bad values before the kernel is asked anything (the library checks
    // them again, for every caller).
    if (const auto* net = std::get_if<vdpa::device::NetServerOptions>(&request.backend))
        if (auto problem = vdpa::device::check_net_options(net->net); !problem.empty())
            return session.fail(Error::invalid(problem));
    const vdpa::device::ServingSetup setup = serving_setup();
    request.server_exe = kind == BackendKind::tap ? setup.net_server_exe : setup.blk_server_exe;
    request.supervision = setup.supervision;
    request.systemctl = setup.systemctl;
    request.driver = arguments.driver;
    Host* host = session.host();
    if (!host)
        return 1;
    return session.finish(vdpa::device::add_served_device(*host, request, bind_options(session)));
}

} // namespace

int dev_show(Session& session, const Arguments& arguments)
{
    if (session.render_options().details) {
        // -d: what the bus adds, or nothing it could not tell.
        FetchOne<DetailedDevice> one;
        if (arguments.device)
            one = [&](Host& host) { return host.get_detailed_device(*arguments.device); };
        return show_section<DetailedDevice>(
            session, "dev", one,
            [](Host& host, const RecordSink<DetailedDevice>& sink) {
                return host.for_each_detailed_device(sink);
            },
            [](Renderer& renderer, const DetailedDevice& detailed) {
                const std::optional<ServedBy> served = served_by(detailed.device);
                renderer.device(detailed.device, detailed.bus ? &*detailed.bus : nullptr,
                                served ? &*served : nullptr);
            });
    }
    FetchOne<Device> one;
    if (arguments.device)
        one = [&](Host& host) { return host.client().get_device(*arguments.device); };
    return show_section<Device>(
        session, "dev", one,
        [](Host& host, const RecordSink<Device>& sink) {
            return host.client().for_each_device(sink);
        },
        [](Renderer& renderer, const Device& device) { renderer.device(device, nullptr); });
}

int dev_add(Session& session, const Arguments& arguments)
{
    if (arguments.backend || arguments.readonly || arguments.queues || arguments.queue_size ||
        arguments.blk_size)
        return add_served_device(session, arguments);
    NewDevice request;
    request.name = *arguments.device;
    request.mgmtdev = *arguments.mgmtdev;
    request.device_features = arguments.device_features;
    request.mac = arguments.mac;
    request.mtu = arguments.mtu;
    request.max_vq_pairs = arguments.max_vqp;
    Host* host = session.host();
    if (!host)
        return 1;
    DeviceAddition addition = host->add_device(request, arguments.driver, bind_options(session));
    if (!addition.added || addition.ok())
        return session.finish(addition.added);
    session.fail(addition.bound->error());
    if (*addition.deleted) {
        session.err().print("The device {} was deleted again.\n", vdpa::quoted(request.name));
    } else {
        session.err().print("The device {} is left behind: deleting it again failed:\n",
                            vdpa::quoted(request.name));
        session.fail(addition.deleted->error());
    }
    return 1;
}

int dev_del(Session& session, const Arguments& arguments)
{
    Host* host = session.host();
    if (!host)
        return 1;
    // A device vdpa serves: its server stops and its VDUSE device goes too.
    DeviceDeletion deletion =
        vdpa::device::delete_served_device(*host, *arguments.device, {session.force()});
    if (!deletion.ok())
        return fail_in_use(session, deletion.deleted.error());
    return session.finish(deletion.deleted);
}

int dev_set(Session& session, const Arguments& arguments)
{
    // Our own words for a command line that changes nothing, with the help.
    if (!arguments.mac && !arguments.driver)
        return session.usage_error("Nothing to set: give an attribute to change.\n" +
                                   session.command_help());
    Host* host = session.host();
    if (!host)
        return 1;
    DeviceChangeOutcome outcome = host->change_device(
        {*arguments.device, arguments.mac, arguments.driver}, bind_options(session));
    if (outcome.ok())
        return session.finish(outcome.result);
    fail_in_use(session, outcome.result.error());
    if (outcome.mac_changed)
        session.err().print("The MAC address of {} was already changed to {}.\n",
                            vdpa::quoted(*arguments.device), arguments.mac->to_string());
    return 1;
}

int dev_config_show(Session& session, const Arguments& arguments)
{
    FetchOne<DeviceConfig> one;
    if (arguments.device)
        one = [&](Host& host) { return host.client().get_device_config(*arguments.device); };
    return show_section<DeviceConfig>(
        session, "config", one,
        [](Host& host, const RecordSink<DeviceConfig>& sink) {
            return host.client().for_each_device_config(sink);
        },
        [](Renderer& renderer, const DeviceConfig& config) { renderer.config(config); });
}

int dev_vstats_show(Session& session, const Arguments& arguments)
{
    return show_section<QueueStats>(
        session, "vstats",
        [&](Host& host) {
            return host.client().get_queue_stats(*arguments.device, *arguments.qidx);
        },
        nullptr, [](Renderer& renderer, const QueueStats& stats) { renderer.queue_stats(stats); });
}

} // namespace vdpa::cli

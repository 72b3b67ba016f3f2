// SPDX-License-Identifier: GPL-2.0-or-later
#include "render/state_renderer.hpp"

#include <cstring>

#include <fmt/format.h>

#include "render/json_writer.hpp"

namespace vdpa::cli {
namespace {

using Kind = PlannedAction::Kind;
using Status = ActionOutcome::Status;

std::string features_text(std::uint64_t features)
{
    return fmt::format("0x{:x}", features);
}

// One list of a spec's fields, in file order, for both renderers.
template <typename Sink>
void spec_fields(const DeviceSpec& device, Sink&& sink)
{
    sink.text("mgmtdev", device.mgmtdev.to_string());
    if (device.mac)
        sink.text("mac", device.mac->to_string());
    if (device.mtu)
        sink.number("mtu", *device.mtu);
    if (device.max_vqp)
        sink.number("max_vqp", *device.max_vqp);
    if (device.device_features)
        sink.text("device_features", features_text(*device.device_features));
    if (device.driver)
        sink.text("driver", bus_driver_name(*device.driver));
    const VduseBackend& backend = device.backend;
    if (backend.file)
        sink.text("file", *backend.file);
    if (backend.readonly)
        sink.flag("readonly", *backend.readonly);
    if (backend.queues)
        sink.number("queues", *backend.queues);
    if (backend.queue_size)
        sink.number("queue_size", *backend.queue_size);
    if (backend.blk_size)
        sink.number("blk_size", *backend.blk_size);
    if (backend.tap)
        sink.text("tap", *backend.tap);
}

struct JsonFields {
    JsonWriter& json;
    void text(std::string_view key, std::string_view value) { json.field(key, value); }
    void number(std::string_view key, std::uint64_t value) { json.field(key, value); }
    void flag(std::string_view key, bool value) { json.field_bool(key, value); }
};

struct TextFields {
    std::string line;
    void add(std::string_view key, std::string_view value)
    {
        line += fmt::format("{}{} {}", line.empty() ? "" : " ", key, value);
    }
    void text(std::string_view key, std::string_view value) { add(key, value); }
    void number(std::string_view key, std::uint64_t value) { add(key, std::to_string(value)); }
    void flag(std::string_view key, bool value) { add(key, value ? "true" : "false"); }
};

std::string driver_text(std::optional<BusDriver> driver)
{
    return driver ? std::string(bus_driver_name(*driver)) : std::string("(unknown)");
}

std::string holders_text(const std::vector<Holder>& holders)
{
    std::string text;
    for (const Holder& holder : holders)
        text += fmt::format("{}{} (pid {})", text.empty() ? "" : ", ", holder.command, holder.pid);
    return text;
}

// "create n1: mgmtdev vdpasim_net mac ... driver vhost_vdpa"
std::string action_text(const PlannedAction& action)
{
    std::string what = fmt::format("{} {}", action_kind_name(action.kind), action.device);
    switch (action.kind) {
    case Kind::create:
    case Kind::remove: {
        TextFields fields;
        spec_fields(action.target, fields);
        return what + ": " + fields.line;
    }
    case Kind::recreate: {
        std::string differences;
        for (const std::string& difference : action.differences)
            differences += (differences.empty() ? "" : ", ") + difference;
        return what + ": " + differences;
    }
    case Kind::set_mac:
        return what + fmt::format(": mac {} -> {}",
                                  action.from_mac ? action.from_mac->to_string() : "(unknown)",
                                  action.target.mac->to_string());
    case Kind::rebind:
        return what + fmt::format(": driver {} -> {}", driver_text(action.from_driver),
                                  driver_text(action.target.driver));
    case Kind::refuse_in_use: {
        std::string refused =
            fmt::format("{} {}", action_kind_name(action.refused.value_or(Kind::recreate)),
                        action.device);
        if (!action.reason.empty())
            return fmt::format("refused: {}: {}", refused, action.reason);
        return fmt::format("refused: {}: in use by {} (-f to go ahead)", refused,
                           holders_text(action.holders));
    }
    case Kind::unsupported:
    case Kind::missing_mgmtdev:
        return fmt::format("refused: {} {}: {}",
                           action_kind_name(action.refused.value_or(Kind::create)),
                           action.device, action.reason);
    case Kind::restart_server: {
        TextFields fields;
        spec_fields(action.target, fields);
        return what + ": the server is gone; a new one takes over: " + fields.line;
    }
    }
    return what;
}

// The kernel may refuse without a message of its own: then its errno.
std::string error_text(const Error& error)
{
    if (error.message.empty())
        return std::strerror(error.errnum);
    if (error.kind == ErrorKind::kernel || error.kind == ErrorKind::system)
        return error.errnum ? error.message + ": " + std::strerror(error.errnum) : error.message;
    return error.message;
}

std::string_view status_name(Status status)
{
    switch (status) {
    case Status::done:
        return "done";
    case Status::failed:
        return "failed";
    case Status::not_done:
        return "not_done";
    }
    return "not_done";
}

} // namespace

void render_state_spec(Output& out, const StateSpec& spec, bool pretty)
{
    JsonWriter json(out, pretty);
    json.begin_object();
    json.key("devices");
    json.begin_array();
    for (const DeviceSpec& device : spec.devices) {
        json.begin_object();
        json.field("name", device.name);
        spec_fields(device, JsonFields{json});
        json.end_object();
    }
    json.end_array();
    json.end_object();
}

void render_state_text(Output& out, const StatePlan& plan, const ApplyReport* report)
{
    if (plan.actions.empty()) {
        out.write("No change: the host matches the file.\n");
        return;
    }
    for (std::size_t i = 0; i < plan.actions.size(); ++i) {
        const PlannedAction& action = plan.actions[i];
        out.write(action_text(action));
        // A refusal's line says it all; the other actions of a refused
        // plan say "not done".
        bool refusal = action.kind == Kind::refuse_in_use || action.kind == Kind::unsupported ||
                       action.kind == Kind::missing_mgmtdev;
        if (report && !refusal) {
            const ActionOutcome& outcome = report->outcomes[i];
            if (outcome.status == Status::done)
                out.write(": done");
            else if (outcome.status == Status::failed)
                out.print(": FAILED: {}", outcome.error ? error_text(*outcome.error) : "");
            else
                out.write(": not done");
            if (!outcome.note.empty())
                out.print(" ({})", outcome.note);
        }
        out.put('\n');
    }
    if (!report)
        out.print("Check only: {} action{} planned, nothing changed.\n", plan.actions.size(),
                  plan.actions.size() == 1 ? "" : "s");
}

void render_state_json(Output& out, bool pretty, const StatePlan& plan, const ApplyReport* report)
{
    JsonWriter json(out, pretty);
    json.begin_object();
    json.field_bool("changed", report && report->changed());
    json.key("actions");
    json.begin_array();
    for (std::size_t i = 0; i < plan.actions.size(); ++i) {
        const PlannedAction& action = plan.actions[i];
        json.begin_object();
        json.field("action", action_kind_name(action.kind));
        json.field("device", action.device);
        if (action.refused)
            json.field("refused", action_kind_name(*action.refused));
        switch (action.kind) {
        case Kind::create:
        case Kind::remove:
        case Kind::recreate:
        case Kind::unsupported:
        case Kind::missing_mgmtdev:
        case Kind::restart_server:
            spec_fields(action.target, JsonFields{json});
            break;
        case Kind::set_mac:
            if (action.from_mac)
                json.field("from", action.from_mac->to_string());
            json.field("mac", action.target.mac->to_string());
            break;
        case Kind::rebind:
            if (action.from_driver)
                json.field("from", bus_driver_name(*action.from_driver));
            json.field("driver", bus_driver_name(*action.target.driver));
            break;
        case Kind::refuse_in_use:
            break;
        }
        if (!action.differences.empty()) {
            json.key("differences");
            json.begin_array();
            for (const std::string& difference : action.differences)
                json.string(difference);
            json.end_array();
        }
        if (!action.holders.empty()) {
            json.key("holders");
            json.begin_array();
            for (const Holder& holder : action.holders) {
                json.begin_object();
                json.field("pid", static_cast<std::uint64_t>(holder.pid));
                json.field("command", holder.command);
                json.end_object();
            }
            json.end_array();
        }
        if (!action.reason.empty())
            json.field("reason", action.reason);
        if (report) {
            const ActionOutcome& outcome = report->outcomes[i];
            json.field("status", status_name(outcome.status));
            if (outcome.error)
                json.field("error", error_text(*outcome.error));
            if (!outcome.note.empty())
                json.field("note", outcome.note);
        } else {
            json.field("status", "planned");
        }
        json.end_object();
    }
    json.end_array();
    json.end_object();
}

} // namespace vdpa::cli

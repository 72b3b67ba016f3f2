// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Carrying out a plan: one action after the other, stopping at the first
// failure so that what was done and what was not is exact, and a re-run
// (which plans again from what the host then has) converges. The guards
// are checked again as each action runs: a process may have opened a
// device since the plan was made.
#include <algorithm>
#include <cerrno>

#include <poll.h>

#include <vdpa/monitor.hpp>
#include <vdpa/host.hpp>
#include <vdpa/state.hpp>

#include "names.hpp"

namespace vdpa {
namespace {

using Kind = PlannedAction::Kind;

NewDevice new_device(const DeviceSpec& spec)
{
    NewDevice request;
    request.name = spec.name;
    request.mgmtdev = spec.mgmtdev;
    request.device_features = spec.device_features;
    request.mac = spec.mac;
    request.mtu = spec.mtu;
    request.max_vq_pairs = spec.max_vqp;
    return request;
}

Result<void> create(Host& host, const DeviceSpec& spec, const BindOptions& options,
                    const DeviceServing* serving)
{
    // A served device: its server first, then the device (the caller's).
    if (spec.backend.file || spec.backend.tap) {
        if (!serving || !serving->create)
            return Error::make(ErrorKind::unsupported, 0,
                               "serving VDUSE devices is not available to this caller");
        return serving->create(host, spec, options);
    }
    DeviceAddition addition = host.add_device(new_device(spec), spec.driver, options);
    if (!addition.added)
        return std::move(addition.added).error();
    if (!addition.ok()) {
        Error error = addition.bound->error();
        if (addition.deleted && !*addition.deleted)
            error.message += "; deleting the device again failed, so it is left behind";
        else
            error.message += "; the device was deleted again";
        return error;
    }
    return {};
}

// Host::delete_device refuses a device a process holds, naming the holders,
// unless forced; a device sysfs does not know is the kernel's to report.
// Through the serving hooks when there are some: a served device's server
// stops with it (a device without a server is only deleted).
Result<void> remove(Host& host, const std::string& device, bool force,
                    const DeviceServing* serving)
{
    if (serving && serving->remove)
        return serving->remove(host, device, DeleteOptions{force});
    DeviceDeletion deletion = host.delete_device(device, DeleteOptions{force});
    if (!deletion.deleted)
        return std::move(deletion.deleted).error();
    return {};
}

Error refusal_error(const PlannedAction& action)
{
    switch (action.kind) {
    case Kind::refuse_in_use: {
        if (!action.reason.empty())
            return Error::make(ErrorKind::in_use, 0, action.reason);
        std::string names;
        for (const Holder& holder : action.holders)
            names += (names.empty() ? "" : ", ") + vdpa::quoted(holder.command) + " (pid " +
                     std::to_string(holder.pid) + ")";
        return Error::make(ErrorKind::in_use, 0,
                           "the device " + vdpa::quoted(action.device) + " is in use by " + names);
    }
    case Kind::unsupported:
        return Error::make(ErrorKind::unsupported, 0, action.reason);
    case Kind::missing_mgmtdev:
        return Error::make(ErrorKind::not_found, ENODEV, action.reason);
    default:
        return Error::invalid("not a refusal");
    }
}

bool is_refusal(const PlannedAction& action)
{
    return action.kind == Kind::refuse_in_use || action.kind == Kind::unsupported ||
           action.kind == Kind::missing_mgmtdev;
}

} // namespace

bool ApplyReport::ok() const
{
    return std::all_of(outcomes.begin(), outcomes.end(), [](const ActionOutcome& outcome) {
        return outcome.status == ActionOutcome::Status::done;
    });
}

bool ApplyReport::changed() const
{
    return std::any_of(outcomes.begin(), outcomes.end(), [](const ActionOutcome& outcome) {
        return outcome.status == ActionOutcome::Status::done || !outcome.note.empty();
    });
}

ApplyReport apply_plan(Host& host, const StatePlan& plan,
                       const ApplyOptions& options)
{
    ApplyReport report;
    for (const PlannedAction& action : plan.actions)
        report.outcomes.push_back({action, ActionOutcome::Status::not_done, std::nullopt, {}});
    if (plan.refused()) {
        for (ActionOutcome& outcome : report.outcomes)
            if (is_refusal(outcome.action)) {
                outcome.status = ActionOutcome::Status::failed;
                outcome.error = refusal_error(outcome.action);
            }
        return report;
    }
    BindOptions bind = options.bind;
    bind.force = options.force;
    for (ActionOutcome& outcome : report.outcomes) {
        const PlannedAction& action = outcome.action;
        Result<void> result;
        switch (action.kind) {
        case Kind::create:
            result = create(host, action.target, bind, options.serving);
            break;
        case Kind::remove:
            result = remove(host, action.device, options.force, options.serving);
            break;
        case Kind::restart_server:
            if (options.serving && options.serving->restart)
                result = options.serving->restart(host, action.target);
            else
                result = Error::make(ErrorKind::unsupported, 0,
                                     "serving VDUSE devices is not available to this caller");
            break;
        case Kind::recreate:
            result = remove(host, action.device, options.force, options.serving);
            if (result) {
                result = create(host, action.target, bind, options.serving);
                if (!result)
                    outcome.note = "the device was deleted, and creating it again failed";
            }
            break;
        case Kind::set_mac: {
            auto changed = host.client().change_device({action.device, action.target.mac});
            if (!changed)
                result = std::move(changed).error();
            break;
        }
        case Kind::rebind: {
            auto bound = host.bus().bind(action.device, *action.target.driver, bind);
            if (!bound)
                result = std::move(bound).error();
            break;
        }
        case Kind::refuse_in_use:
        case Kind::unsupported:
        case Kind::missing_mgmtdev:
            result = refusal_error(action);
            break;
        }
        if (!result) {
            outcome.status = ActionOutcome::Status::failed;
            outcome.error = std::move(result).error();
            break;
        }
        outcome.status = ActionOutcome::Status::done;
    }
    return report;
}

bool StateApplication::ok() const
{
    return prepared.ok() && !plan.refused() && (!report || report->ok());
}

bool StateApplication::changed() const
{
    return report && report->changed();
}

namespace {

bool waits_for_mgmtdev(const StatePlan& plan)
{
    return std::any_of(plan.actions.begin(), plan.actions.end(), [](const PlannedAction& action) {
        return action.kind == Kind::missing_mgmtdev;
    });
}

// Sleeps until the kernel announces something (any uevent: a module
// loaded, a PCI function or sub-function bound) or `deadline` passes.
// Returns false once the time is up.
Result<bool> wait_for_uevents(BusMonitor& monitor, std::chrono::steady_clock::time_point deadline)
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
        return false;
    pollfd poll_fd{monitor.fd(), POLLIN, 0};
    int ready = ::poll(&poll_fd, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1 << 30)));
    if (ready < 0 && errno != EINTR)
        return Error::system(errno, "cannot wait for uevents");
    // What arrived, read now so that the next wait sleeps again.
    for (;;) {
        auto event = monitor.next(std::chrono::milliseconds(0));
        if (!event)
            return std::move(event).error();
        if (!*event)
            break;
    }
    return true;
}

} // namespace

StateApplication apply_state(Host& host, const StateSpec& desired,
                             const StateApplyOptions& options)
{
    StateApplication application;
    PlanOptions plan_options;
    plan_options.prune = options.prune;
    plan_options.force = options.force;
    plan_options.serving = options.serving;

    // Subscribed before the first look: a management device that appears
    // between the look and the wait is not missed.
    std::optional<BusMonitor> monitor;
    auto deadline = std::chrono::steady_clock::now();
    if (options.wait && options.wait->count() > 0) {
        auto opened = BusMonitor::open(host.paths());
        if (!opened) {
            application.prepared = std::move(opened).error();
            return application;
        }
        monitor.emplace(*std::move(opened));
        deadline += *options.wait;
    }
    for (;;) {
        auto state = read_host_state(host);
        if (!state) {
            application.prepared = std::move(state).error();
            return application;
        }
        if (options.serving && options.serving->describe)
            options.serving->describe(*state);
        application.plan = plan_state(desired, *state, plan_options);
        if (!monitor || !waits_for_mgmtdev(application.plan))
            break;
        auto woken = wait_for_uevents(*monitor, deadline);
        if (!woken) {
            application.prepared = std::move(woken).error();
            return application;
        }
        if (!*woken)
            break; // the plan names what is still missing
    }
    if (options.check)
        return application;
    // A plan that refused() is not started: apply_plan fails its refusals.
    ApplyOptions apply_options;
    apply_options.force = options.force;
    apply_options.bind = options.bind;
    apply_options.serving = options.serving;
    application.report = apply_plan(host, application.plan, apply_options);
    return application;
}

} // namespace vdpa

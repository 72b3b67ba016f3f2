// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Declarative state: a file says which devices a host should have; the
// library reads and checks it (read_state_spec), reads what the host has
// (read_host_state), turns the difference into a plan (plan_state) and
// carries the plan out (apply_plan). A plan is a value: a list of typed
// actions the caller renders, checks or applies. apply_state does all of it
// in one call, as `vdpa state apply` does.
//
// A key the file leaves out means "leave it as it is". Values the kernel
// does not report are neither shown nor compared, never invented.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vdpa/bus.hpp>
#include <vdpa/client.hpp>
#include <vdpa/host.hpp>
#include <vdpa/export.hpp>
#include <vdpa/model.hpp>
#include <vdpa/result.hpp>

namespace vdpa {

// The keys of a device served by a VDUSE server: a block device's backing
// file, or a network device's TAP interface. Planned like the other keys;
// carried out by the caller's DeviceServing, as libvdpa starts no servers.
struct VDPA_EXPORT VduseBackend {
    std::optional<std::string> file;
    std::optional<bool> readonly;
    std::optional<std::uint16_t> queues;
    std::optional<std::uint16_t> queue_size;
    std::optional<std::uint32_t> blk_size;
    std::optional<std::string> tap;

    bool empty() const;
    bool operator==(const VduseBackend&) const = default;
};

// One device as a state file names it (or as the host has it).
struct VDPA_EXPORT DeviceSpec {
    std::string name;
    MgmtDevHandle mgmtdev;
    std::optional<MacAddress> mac;
    std::optional<std::uint16_t> mtu;
    std::optional<std::uint16_t> max_vqp;
    std::optional<std::uint64_t> device_features;
    std::optional<BusDriver> driver; // BusDriver::none: unbound
    VduseBackend backend;

    bool operator==(const DeviceSpec&) const = default;
};

struct VDPA_EXPORT StateSpec {
    std::vector<DeviceSpec> devices;
};

// What is wrong in a state file, and where: "devices[2].mac", or
// "line 3, column 7" for JSON that does not parse.
struct VDPA_EXPORT SpecProblem {
    std::string location;
    std::string message;
};

struct VDPA_EXPORT SpecReading {
    StateSpec spec;                    // meaningful only when ok()
    std::vector<SpecProblem> problems; // every problem found, in file order
    bool ok() const { return problems.empty(); }
};

// Reads a state file's JSON text:
//   {"devices": [{"name": "n1", "mgmtdev": "[BUS/]NAME", "mac": "...",
//                 "mtu": N, "max_vqp": N, "device_features": "0xHEX",
//                 "driver": "virtio_vdpa" | "vhost_vdpa" | "none",
//                 "file": "/abs/path", "readonly": BOOL, "queues": N,
//                 "queue_size": N, "blk_size": N, "tap": "IFNAME"}]}
// The whole file is checked, and every problem reported: JSON syntax,
// unknown keys, wrong types, values `dev add` would refuse, names given
// twice, and two devices on one backing file or TAP interface.
VDPA_EXPORT SpecReading read_state_spec(std::string_view text);

// A device on the host: what netlink and sysfs report, and who holds it.
struct VDPA_EXPORT HostDevice {
    DeviceSpec spec;
    std::optional<std::string> chardev; // "/dev/vhost-vdpa-0" when bound to vhost_vdpa
    std::vector<Holder> holders;
    // Set when the holders could not be read (another user's processes
    // without root): whether it is in use cannot be told.
    std::optional<Error> holders_unknown;
    // A block device's configuration as the kernel reports it: where a
    // DeviceServing reads readonly, queues and blk_size from.
    std::optional<BlockConfig> block;
    // Set by DeviceServing::describe: the device's server is gone (killed)
    // and the VDUSE device waits for a new one to take it over.
    bool server_stopped = false;
};

struct VDPA_EXPORT HostState {
    std::vector<HostDevice> devices;
    std::vector<MgmtDevHandle> mgmtdevs;
    // The kernel can change a MAC address in place (VDPA_CMD_DEV_ATTR_SET,
    // Linux 6.12); otherwise a device with another MAC is recreated.
    bool can_change_mac = false;
};

// Reads the host's devices, their configuration, drivers and holders, and
// its management devices. Errors: those of the Client's dumps.
VDPA_EXPORT Result<HostState> read_host_state(Client& client, const DeviceBus& bus);
// The same through a Host, both sides at once.
VDPA_EXPORT Result<HostState> read_host_state(Host& host);

// The host's devices as a state file would name them (`vdpa state show`).
// A served device is named by its backend keys: its device_features (and,
// for a block device, the net keys) are left out, as `dev add` refuses them.
VDPA_EXPORT StateSpec state_spec_of(const HostState& host);

// Devices a VDUSE server serves (the backend keys file and tap): libvdpa
// plans them but starts no servers. A caller that can (the vdpa tool,
// through its device side) fills in these hooks; without them, such
// devices are planned as PlannedAction::unsupported. Plain functions
// rather than a virtual interface, so that no vtable or typeinfo becomes
// part of libvdpa's ABI.
struct VDPA_EXPORT DeviceServing {
    // Fills in what the server side knows of the host's devices: each
    // served device's spec.backend (only values known, never defaults) and
    // server_stopped.
    std::function<void(HostState& host)> describe;
    // Why `device` (with backend keys) cannot be served here; empty when
    // it can. Asked while planning: reads nothing, changes nothing.
    std::function<std::string(const DeviceSpec& device)> unservable;
    // Starts a server for `device`, then adds the vDPA device with its
    // driver: the call `vdpa dev add ... file PATH` makes.
    std::function<Result<void>(Host& host, const DeviceSpec& device, const BindOptions& options)>
        create;
    // Deletes a device (Host's guarded delete) and stops its server, if it
    // has one: the call `vdpa dev del` makes.
    std::function<Result<void>(Host& host, const std::string& name, const DeleteOptions& options)>
        remove;
    // Starts a new server for a device whose server stopped; it takes the
    // VDUSE device over and finishes the requests in flight.
    std::function<Result<void>(Host& host, const DeviceSpec& device)> restart;
};

struct VDPA_EXPORT PlannedAction {
    enum class Kind {
        create,          // the device is missing
        rebind,          // its driver differs
        set_mac,         // its MAC differs, and the kernel changes it in place
        recreate,        // a fixed attribute differs: delete, then create
        remove,          // prune: the file does not name it
        refuse_in_use,   // `refused` would be needed, but a process holds it
        unsupported,     // a VDUSE device that cannot be created or served here
        missing_mgmtdev, // the management device to create it on does not exist
        restart_server,  // a served device's server is gone: start a new one
    };
    Kind kind = Kind::create;
    std::string device;
    // create, recreate: the device made; rebind: its driver; set_mac: its
    // MAC; restart_server: the device and the backend its server serves.
    DeviceSpec target;
    std::optional<BusDriver> from_driver;  // rebind: the driver it has
    std::optional<MacAddress> from_mac;    // set_mac: the MAC it has
    std::vector<std::string> differences;  // recreate: "mtu 1500 -> 9000"
    std::optional<Kind> refused;           // refuse_in_use: what was refused
    std::vector<Holder> holders;           // refuse_in_use: who holds it
    std::string reason;                    // refuse_in_use (holders unknown), unsupported
};

struct VDPA_EXPORT StatePlan {
    std::vector<PlannedAction> actions;

    // Whether carrying it out would change the host.
    bool changes() const;
    // Whether it holds an action that cannot be carried out (refuse_in_use,
    // unsupported, missing_mgmtdev): apply_plan then changes nothing.
    bool refused() const;
};

struct VDPA_EXPORT PlanOptions {
    bool prune = false; // delete the devices the file does not name
    bool force = false; // recreate, rebind or delete devices in use all the same
    // Served devices can be created (its unservable hook is asked).
    const DeviceServing* serving = nullptr;
};

// The actions that make `host` match `desired`, in the order they are
// carried out: deletions, then server restarts, recreations, creations,
// MAC changes and rebinds. Pure: nothing is read or changed.
VDPA_EXPORT StatePlan plan_state(const StateSpec& desired, const HostState& host,
                                 const PlanOptions& options = {});

struct VDPA_EXPORT ActionOutcome {
    enum class Status { done, failed, not_done };
    PlannedAction action;
    Status status = Status::not_done;
    std::optional<Error> error; // failed
    // A recreation that failed after the delete: the device is gone.
    std::string note;
};

struct VDPA_EXPORT ApplyReport {
    std::vector<ActionOutcome> outcomes; // one per planned action, in order

    bool ok() const;      // every action done
    bool changed() const; // some action done (or half done)
};

struct VDPA_EXPORT ApplyOptions {
    bool force = false;  // unbind or delete devices in use (BindOptions::force)
    BindOptions bind{};  // for every binding; force is taken from above
    // Creates devices with backend keys, restarts servers, and deletes
    // every device (so that a served device's server stops with it).
    const DeviceServing* serving = nullptr;
};

// Carries out `plan` in order, stopping at the first failure: the outcome
// of each action says done, failed (with its error) or not done. A plan
// that refused() is not started: its refusals fail and nothing is done.
VDPA_EXPORT ApplyReport apply_plan(Host& host, const StatePlan& plan,
                                   const ApplyOptions& options = {});

struct VDPA_EXPORT StateApplyOptions {
    bool prune = false;
    bool check = false; // plan only
    bool force = false;
    // Wait up to this long for the management devices the file names to
    // appear, woken by the kernel's uevents (no polling).
    std::optional<std::chrono::milliseconds> wait;
    BindOptions bind{};
    // Describes the host's served devices after each read, and carries
    // out what concerns them (PlanOptions::serving, ApplyOptions::serving).
    const DeviceServing* serving = nullptr;
};

struct VDPA_EXPORT StateApplication {
    // Reading the host or waiting failed: nothing was planned or changed.
    Result<void> prepared;
    StatePlan plan;
    std::optional<ApplyReport> report; // unless check, or preparing failed

    bool ok() const;
    bool changed() const;
};

// Reads the host and plans; with options.wait, while the plan misses a
// management device, waits for the kernel's next uevent and plans again,
// until the time is up (the plan then still says missing_mgmtdev). Unless
// options.check, applies the plan (apply_plan: a plan that refused()
// changes nothing). Errors in `prepared`: those of read_host_state;
// ErrorKind::system when uevents cannot be received.
VDPA_EXPORT StateApplication apply_state(Host& host, const StateSpec& desired,
                                         const StateApplyOptions& options = {});

VDPA_EXPORT std::string_view action_kind_name(PlannedAction::Kind kind);

} // namespace vdpa

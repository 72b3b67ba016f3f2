// SPDX-License-Identifier: GPL-2.0-or-later
//
// The two ways a command's records are shown: iproute2's text and its JSON.
// Both come from one list of fields per record (render/records.cpp), so
// they cannot drift apart. A renderer receives records one at a time as
// the kernel sends them.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <vdpa/bus.hpp>
#include <vdpa/model.hpp>
#include <vdpa/monitor.hpp>

#include "render/output.hpp"

namespace vdpa::cli {

struct RenderOptions {
    bool json = false;
    bool pretty = false;
    bool details = false; // -d: what sysfs adds, and provisioned features
};

// What `mgmtdev show -d` adds to a management device.
struct MgmtDevExtras {
    std::optional<MgmtDevDetails> sysfs; // its driver; nullopt when sysfs could not tell
    std::size_t devices = 0;             // vDPA devices it created
};

// What `dev show -d` adds for a device vdpa serves itself (from the
// server's record, checked: device/served_record.hpp): the backend's
// keyword as the key ("file", "tap"), what it serves as the value, the process.
struct ServedBy {
    std::string backend; // a backend keyword of dev add: "file", "tap"
    std::string target;  // its value: the backing file's path, the TAP's name
    int server_pid = 0;
};

class Renderer {
public:
    virtual ~Renderer() = default;

    // A list of records under `section` ("mgmtdev", "dev", "config",
    // "vstats"); in JSON, one document.
    virtual void begin_section(std::string_view section) = 0;
    virtual void end_section() = 0;

    // The extras are given with -d only. With -d, `details` is what sysfs
    // shows, or nullptr when it could not tell: its fields are left out
    // then rather than shown as "none".
    virtual void mgmtdev(const MgmtDev& mgmtdev, const MgmtDevExtras* extras) = 0;
    // `served` with -d only, for a device vdpa serves; nullptr otherwise.
    virtual void device(const Device& device, const DeviceDetails* details,
                        const ServedBy* served = nullptr) = 0;
    virtual void config(const DeviceConfig& config) = 0;
    virtual void queue_stats(const QueueStats& stats) = 0;
    // One line per bus event (JSON: one compact document per line).
    virtual void event(const BusEvent& event) = 0;
};

std::unique_ptr<Renderer> make_renderer(Output& out, const RenderOptions& options);

} // namespace vdpa::cli

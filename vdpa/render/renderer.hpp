// SPDX-License-Identifier: GPL-2.0-or-later
//
// The two ways a command's records are shown: iproute2's text and its JSON.
// Both render the same library values, so they cannot drift apart. A
// renderer receives records one at a time as the kernel sends them.
#pragma once

#include <memory>
#include <string_view>

#include <vdpa/model.hpp>

#include "render/output.hpp"

namespace vdpa::cli {

struct RenderOptions {
    bool json = false;
    bool pretty = false;
};

class Renderer {
public:
    virtual ~Renderer() = default;

    // A list of records under `section` ("mgmtdev", "dev", "config",
    // "vstats"); in JSON, one document.
    virtual void begin_section(std::string_view section) = 0;
    virtual void end_section() = 0;

    virtual void mgmtdev(const MgmtDev& mgmtdev) = 0;
    virtual void device(const Device& device) = 0;
    virtual void config(const DeviceConfig& config) = 0;
    virtual void queue_stats(const QueueStats& stats) = 0;
};

std::unique_ptr<Renderer> make_text_renderer(Output& out);
std::unique_ptr<Renderer> make_json_renderer(Output& out, bool pretty);
std::unique_ptr<Renderer> make_renderer(Output& out, const RenderOptions& options);

} // namespace vdpa::cli

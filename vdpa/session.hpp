// SPDX-License-Identifier: GPL-2.0-or-later
//
// What a running command needs: the options, where output and errors go,
// the renderer, and the libvdpa Host, opened on first use so that help
// and bad input never need the kernel.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <vdpa/host.hpp>

#include "render/output.hpp"
#include "render/renderer.hpp"

namespace vdpa::cli {

struct Node;

class Session {
public:
    Session(const RenderOptions& render_options, Output& out, Output& err);

    // The host's vDPA subsystem, or nullptr after printing why it could
    // not be opened. One for the whole session: its bus remembers the
    // virtio devices it bound.
    Host* host();
    // Its netlink client, or nullptr as host().
    Client* client();
    // Uses `host` instead of opening one (tests replaying a recording on
    // a made-up sysfs).
    void use_host(Host host)
    {
        paths_ = host.paths();
        host_.emplace(std::move(host));
    }
    // Where sysfs, /dev and /proc are, for what needs no netlink (monitor).
    const HostPaths& paths() const { return paths_; }

    // A show command printed a JSON document (batch mode ends each with a
    // newline); reading the flag clears it.
    void document_printed() { document_printed_ = true; }
    bool take_document_printed() { return std::exchange(document_printed_, false); }

    // The command ends its own lines (monitor's JSON lines): no closing
    // newline after it.
    void set_lines_complete() { lines_complete_ = true; }
    bool lines_complete() const { return lines_complete_; }

    // Each command gets a fresh renderer (a JSON writer holds state).
    void reset_renderer() { renderer_.reset(); }

    // -f: proceed although the device is in use.
    bool force() const { return force_; }
    void set_force(bool force) { force_ = force; }
    // Running the lines of a batch, where that -f is given on the line.
    bool in_batch() const { return in_batch_; }
    void set_in_batch(bool in_batch) { in_batch_ = in_batch; }

    // A renderer for the current command's records.
    Renderer& renderer();

    // Prints `error` as iproute2 does and returns the failure status.
    int fail(const Error& error);
    // Prints a usage error (our own words) and returns the failure status.
    int usage_error(std::string_view message);
    // 0 on success; prints the error or the kernel's warning.
    int finish(const Result<void>& result);
    int finish(const Result<Ack>& result);

    // The help of the command being run, for usage errors found late.
    // Kept as where to find it, and written out only when needed: batch
    // mode runs thousands of commands that never print it.
    void set_command(const Node* node, std::string path)
    {
        command_node_ = node;
        command_path_ = std::move(path);
    }
    std::string command_help() const;

    const RenderOptions& render_options() const { return render_options_; }
    Output& out() { return out_; }
    Output& err() { return err_; }

    // Whether the kernel could not be reached: iproute2 then prints no
    // JSON document at all, not even its closing newline.
    bool connection_failed() const { return connection_failed_; }

private:
    RenderOptions render_options_;
    Output& out_;
    Output& err_;
    HostPaths paths_;
    std::optional<Host> host_;
    bool force_ = false;
    bool in_batch_ = false;
    bool document_printed_ = false;
    bool lines_complete_ = false;
    std::unique_ptr<Renderer> renderer_;
    const Node* command_node_ = nullptr;
    std::string command_path_;
    bool connection_failed_ = false;
};

} // namespace vdpa::cli

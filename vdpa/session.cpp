// SPDX-License-Identifier: GPL-2.0-or-later
#include "session.hpp"

#include "help.hpp"
#include "report.hpp"

namespace vdpa::cli {

Session::Session(const RenderOptions& render_options, Output& out, Output& err)
    : render_options_(render_options), out_(out), err_(err)
{
}

Host* Session::host()
{
    if (host_)
        return &*host_;
    auto opened = Host::open(HostOptions{paths_});
    if (!opened) {
        connection_failed_ = true;
        print_error(err_, opened.error());
        return nullptr;
    }
    host_.emplace(*std::move(opened));
    return &*host_;
}

Client* Session::client()
{
    Host* opened = host();
    return opened ? &opened->client() : nullptr;
}

Renderer& Session::renderer()
{
    if (!renderer_)
        renderer_ = make_renderer(out_, render_options_);
    return *renderer_;
}

int Session::fail(const Error& error)
{
    print_error(err_, error);
    return 1;
}

int Session::usage_error(std::string_view message)
{
    err_.write(message);
    if (message.empty() || message.back() != '\n')
        err_.put('\n');
    return 1;
}

int Session::finish(const Result<void>& result)
{
    return result ? 0 : fail(result.error());
}

int Session::finish(const Result<Ack>& result)
{
    if (!result)
        return fail(result.error());
    if (!result->warning.empty())
        print_warning(err_, result->warning);
    return 0;
}

std::string Session::command_help() const
{
    return command_node_ ? help_text(*command_node_, command_path_) : std::string();
}

} // namespace vdpa::cli

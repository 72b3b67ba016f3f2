// SPDX-License-Identifier: GPL-2.0-or-later
#include "commands/commands.hpp"
#include "commands/show.hpp"

namespace vdpa::cli {

int mgmtdev_show(Session& session, const Arguments& arguments)
{
    FetchOne<MgmtDev> one;
    if (arguments.mgmtdev)
        one = [&](Client& client) { return client.get_mgmtdev(*arguments.mgmtdev); };
    return show_section<MgmtDev>(
        session, "mgmtdev", one,
        [](Client& client, const RecordSink<MgmtDev>& sink) {
            return client.for_each_mgmtdev(sink);
        },
        &Renderer::mgmtdev);
}

} // namespace vdpa::cli

// SPDX-License-Identifier: GPL-2.0-or-later
#include <optional>

#include "commands/commands.hpp"
#include "commands/show.hpp"

namespace vdpa::cli {

int mgmtdev_show(Session& session, const Arguments& arguments)
{
    if (!session.render_options().details) {
        FetchOne<MgmtDev> one;
        if (arguments.mgmtdev)
            one = [&](Host& host) { return host.client().get_mgmtdev(*arguments.mgmtdev); };
        return show_section<MgmtDev>(
            session, "mgmtdev", one,
            [](Host& host, const RecordSink<MgmtDev>& sink) {
                return host.client().for_each_mgmtdev(sink);
            },
            [](Renderer& renderer, const MgmtDev& mgmtdev) { renderer.mgmtdev(mgmtdev, nullptr); });
    }

    // -d counts each parent's devices: one device dump, done first (a
    // failure prints no section) so that the management devices still stream.
    Host* host = session.host();
    if (!host)
        return 1;
    auto counted = host->client().count_devices();
    if (!counted)
        return session.fail(counted.error());
    const DeviceCounts& counts = *counted;
    FetchOne<DetailedMgmtDev> one;
    if (arguments.mgmtdev)
        one = [&](Host& opened) { return opened.get_detailed_mgmtdev(*arguments.mgmtdev, counts); };
    return show_section<DetailedMgmtDev>(
        session, "mgmtdev", one,
        [&](Host& opened, const RecordSink<DetailedMgmtDev>& sink) {
            return opened.for_each_detailed_mgmtdev(counts, sink);
        },
        [](Renderer& renderer, const DetailedMgmtDev& detailed) {
            MgmtDevExtras extras{detailed.bus, detailed.devices};
            renderer.mgmtdev(detailed.mgmtdev, &extras);
        });
}

} // namespace vdpa::cli

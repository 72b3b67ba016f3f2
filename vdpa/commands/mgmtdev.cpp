// SPDX-License-Identifier: GPL-2.0-or-later
#include <optional>

#include "commands/commands.hpp"
#include "commands/show.hpp"

namespace vdpa::cli {

int mgmtdev_show(Session& session, const Arguments& arguments)
{
    bool details = session.render_options().details;
    // -d counts each parent's devices: one device dump, done first so
    // the management devices still stream.
    std::optional<DeviceCounts> counts;
    if (details) {
        Client* client = session.client();
        if (!client)
            return 1;
        auto counted = client->count_devices();
        if (!counted)
            return session.fail(counted.error());
        counts = *std::move(counted);
    }

    FetchOne<MgmtDev> one;
    if (arguments.mgmtdev)
        one = [&](Client& client) { return client.get_mgmtdev(*arguments.mgmtdev); };
    return show_section<MgmtDev>(
        session, "mgmtdev", one,
        [](Client& client, const RecordSink<MgmtDev>& sink) {
            return client.for_each_mgmtdev(sink);
        },
        [&](Renderer& renderer, const MgmtDev& mgmtdev) {
            if (!counts)
                return renderer.mgmtdev(mgmtdev, nullptr);
            MgmtDevExtras extras;
            if (auto found = session.host()->bus().mgmtdev_details(mgmtdev.handle))
                extras.sysfs = *found;
            extras.devices = counts->of(mgmtdev.handle);
            renderer.mgmtdev(mgmtdev, &extras);
        });
}

} // namespace vdpa::cli

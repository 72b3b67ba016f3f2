// SPDX-License-Identifier: GPL-2.0-or-later
//
// The shape every show command shares: open a section, render one record
// or a dump of them as they arrive, close the section even after an error
// (iproute2 prints {"dev":{}} before its error), report.
#pragma once

#include <functional>
#include <string_view>

#include <vdpa/host.hpp>

#include "render/renderer.hpp"
#include "session.hpp"

namespace vdpa::cli {

template <typename Record>
using FetchOne = std::function<Result<Record>(Host&)>;
template <typename Record>
using FetchAll = std::function<Result<void>(Host&, const RecordSink<Record>&)>;
template <typename Record>
using RenderRecord = std::function<void(Renderer&, const Record&)>;

// Renders `fetch_one` when it is set, else every record of `fetch_all`.
template <typename Record>
int show_section(Session& session, std::string_view section, const FetchOne<Record>& fetch_one,
                 const FetchAll<Record>& fetch_all, const RenderRecord<Record>& render)
{
    Host* host = session.host();
    if (!host)
        return 1;
    Renderer& renderer = session.renderer();
    renderer.begin_section(section);
    Result<void> result;
    if (fetch_one) {
        auto record = fetch_one(*host);
        if (record)
            render(renderer, *record);
        else
            result = std::move(record).error();
    } else {
        result = fetch_all(*host, [&](const Record& record) { render(renderer, record); });
    }
    renderer.end_section();
    session.document_printed();
    return session.finish(result);
}

} // namespace vdpa::cli

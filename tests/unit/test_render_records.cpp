// SPDX-License-Identifier: GPL-2.0-or-later
// Records whose text and JSON come from one field list (render/records.cpp),
// byte for byte in both, from fixed values: the monitor's events (JSON lines,
// compact even with -p; the lost-events line), net and block configurations,
// queue statistics with the driver's counter names, and the one field whose
// text and JSON differ on purpose (max_supported_vqs, %d in text).
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "captured_output.hpp"
#include "render/renderer.hpp"

namespace vdpa::testing {
namespace {

struct Rendered {
    std::string text;
    std::string json;
};

// `section` empty: records outside a section (events).
template <typename Render>
Rendered render(std::string_view section, bool pretty, Render each)
{
    Rendered rendered;
    for (bool json : {false, true}) {
        CapturedOutput out;
        auto renderer = cli::make_renderer(out.out(), cli::RenderOptions{json, pretty, false});
        if (!section.empty())
            renderer->begin_section(section);
        each(*renderer);
        if (!section.empty())
            renderer->end_section();
        out.out().flush();
        (json ? rendered.json : rendered.text) = out.text();
    }
    return rendered;
}

TEST(RenderRecords, MonitorEvents)
{
    using Object = BusEvent::Object;
    using Action = BusEvent::Action;
    Rendered out = render("", true, [](cli::Renderer& renderer) {
        renderer.event({Object::device, Action::add, "n0", ""});
        renderer.event({Object::device, Action::bind, "n0", "vhost_vdpa"});
        renderer.event({Object::chardev, Action::add, "n0", "/dev/vhost-vdpa-0"});
        renderer.event({Object::virtio, Action::remove, "n0", "virtio2"});
        renderer.event({Object::netdev, Action::add, "n0", ""});
        renderer.event({Object::device, Action::unbind, "n0", ""});
        renderer.event({Object::lost, Action::add, "", ""});
    });
    EXPECT_EQ(out.text, "dev add n0\n"
                        "dev bind n0 driver vhost_vdpa\n"
                        "chardev add n0 /dev/vhost-vdpa-0\n"
                        "virtio del n0 virtio2\n"
                        "netdev add n0 \n"
                        "dev unbind n0\n"
                        "lost events: the kernel dropped some before they were read\n");
    EXPECT_EQ(out.json,
              R"({"object":"dev","action":"add","dev":"n0"})"
              "\n"
              R"({"object":"dev","action":"bind","dev":"n0","driver":"vhost_vdpa"})"
              "\n"
              R"({"object":"chardev","action":"add","dev":"n0","chardev":"/dev/vhost-vdpa-0"})"
              "\n"
              R"({"object":"virtio","action":"del","dev":"n0","virtio_device":"virtio2"})"
              "\n"
              R"({"object":"netdev","action":"add","dev":"n0"})"
              "\n"
              R"({"object":"dev","action":"unbind","dev":"n0"})"
              "\n"
              R"({"object":"lost"})"
              "\n");
}

TEST(RenderRecords, NetAndBlockConfigs)
{
    DeviceConfig net;
    net.name = "n0";
    net.device_id = 1;
    net.net = NetConfig{MacAddress{{2, 0, 0, 0, 0, 1}}, 1, 1, 1500};
    DeviceConfig block;
    block.name = "b0";
    block.device_id = 2;
    block.negotiated_features = std::uint64_t{1} << 50; // no name: bit_50, or 50
    block.block = BlockConfig{};
    block.block->capacity = 2048;
    block.block->blk_size = 512;
    block.block->physical_block_exp = 3;
    block.block->read_only = false;
    block.block->flush = true;
    Rendered out = render("config", false, [&](cli::Renderer& renderer) {
        renderer.config(net);
        renderer.config(block);
    });
    EXPECT_EQ(out.text, "n0: mac 02:00:00:00:00:01 link up link_announce false max_vq_pairs 1 "
                        "mtu 1500 \n"
                        "b0: capacity 2048 blk_size 512 physical_block_exp 3 read_only false "
                        "flush true \n  negotiated_features bit_50\n");
    EXPECT_EQ(out.json,
              R"({"config":{"n0":{"mac":"02:00:00:00:00:01","link ":"up","link_announce ":false,)"
              R"("max_vq_pairs":1,"mtu":1500},"b0":{"capacity":2048,"blk_size":512,)"
              R"("physical_block_exp":3,"read_only":false,"flush":true,"negotiated_features":[50]}}})");
}

TEST(RenderRecords, QueueStatsWithTheDriversCounterNames)
{
    QueueStats stats;
    stats.device = "n0";
    stats.device_id = 1;
    stats.queue_index = 1;
    stats.counters = {{"received_desc", 5}, {"completed_desc", 4}};
    Rendered out = render("vstats", true, [&](cli::Renderer& renderer) {
        renderer.queue_stats(stats);
    });
    EXPECT_EQ(out.text, "n0: queue_type tx received_desc 5 completed_desc 4 \n");
    EXPECT_EQ(out.json, "{\n    \"vstats\": {\n        \"n0\": {\n"
                        "            \"queue_type\": \"tx\",\n"
                        "            \"received_desc\": 5,\n"
                        "            \"completed_desc\": 4\n"
                        "        }\n    }\n}");
}

TEST(RenderRecords, MaxSupportedVqsIsSignedInTextOnly)
{
    MgmtDev sim{{"", "vdpasim_net"}, std::nullopt, 0x80000000u, std::nullopt};
    Rendered out = render("mgmtdev", false,
                          [&](cli::Renderer& renderer) { renderer.mgmtdev(sim, nullptr); });
    EXPECT_EQ(out.text, "vdpasim_net: \n  max_supported_vqs -2147483648\n");
    EXPECT_EQ(out.json, R"({"mgmtdev":{"vdpasim_net":{"max_supported_vqs":2147483648}}})");
}

} // namespace
} // namespace vdpa::testing

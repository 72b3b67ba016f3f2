// SPDX-License-Identifier: GPL-2.0-or-later
// What -d adds, rendered byte for byte in text and JSON from fixed values:
// the sysfs details of devices on each driver, details sysfs could not
// tell (left out, never "none"), and the management device extras.
#include <string>

#include <gtest/gtest.h>

#include "captured_output.hpp"
#include "render/renderer.hpp"

namespace vdpa::testing {
namespace {

Device net_device(std::string name)
{
    return Device{std::move(name), {"", "vdpasim_net"}, 1, 0, 3, 256, 1};
}

struct Rendered {
    std::string text;
    std::string json;
};

template <typename Render>
Rendered render(std::string_view section, Render each)
{
    Rendered rendered;
    for (bool json : {false, true}) {
        CapturedOutput out;
        auto renderer = cli::make_renderer(out.out(), cli::RenderOptions{json, false, true});
        renderer->begin_section(section);
        each(*renderer);
        renderer->end_section();
        out.out().flush();
        (json ? rendered.json : rendered.text) = out.text();
    }
    return rendered;
}

TEST(RenderDetails, Devices)
{
    DeviceDetails vhost;
    vhost.driver = "vhost_vdpa";
    vhost.driver_override = "vhost_vdpa";
    vhost.vhost_device = "vhost-vdpa-0";
    vhost.vhost_path = "/dev/vhost-vdpa-0";
    vhost.vhost_number = DeviceNumber{244, 0};
    DeviceDetails net;
    net.driver = "virtio_vdpa";
    net.virtio_device = "virtio2";
    net.netdev = "eth0";
    DeviceDetails block;
    block.driver = "virtio_vdpa";
    block.virtio_device = "virtio3";
    block.disk = "vda";
    DeviceDetails unbound;
    unbound.driver_override = "none";
    Device b0{"b0", {"", "vdpasim_blk"}, 2, 0, 1, 256, 1};
    Device old = net_device("n4");
    old.min_vq_size.reset();

    Rendered out = render("dev", [&](cli::Renderer& renderer) {
        renderer.device(net_device("n0"), &vhost);
        renderer.device(net_device("n1"), &net);
        renderer.device(b0, &block);
        renderer.device(net_device("n2"), &unbound);
        renderer.device(net_device("n3"), nullptr); // sysfs could not tell
        renderer.device(old, nullptr);              // and no min_vq_size either
    });
    EXPECT_EQ(out.text,
              "n0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 256\n"
              "  min_vq_size 1 driver vhost_vdpa driver_override vhost_vdpa chardev "
              "/dev/vhost-vdpa-0 chardev_devnum 244:0\n"
              "n1: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 256\n"
              "  min_vq_size 1 driver virtio_vdpa virtio_device virtio2 netdev eth0\n"
              "b0: type block mgmtdev vdpasim_blk vendor_id 0 max_vqs 1 max_vq_size 256\n"
              "  min_vq_size 1 driver virtio_vdpa virtio_device virtio3 disk vda\n"
              "n2: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 256\n"
              "  min_vq_size 1 driver none driver_override none\n"
              "n3: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 256\n"
              "  min_vq_size 1\n"
              "n4: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 256\n");
    std::string head = R"("type":"network","mgmtdev":"vdpasim_net","vendor_id":0,"max_vqs":3,)"
                       R"("max_vq_size":256)";
    EXPECT_EQ(out.json,
              R"({"dev":{"n0":{)" + head +
                  R"(,"min_vq_size":1,"driver":"vhost_vdpa","driver_override":"vhost_vdpa",)"
                  R"("chardev":"/dev/vhost-vdpa-0","chardev_devnum":"244:0"},"n1":{)" +
                  head +
                  R"(,"min_vq_size":1,"driver":"virtio_vdpa","virtio_device":"virtio2",)"
                  R"("netdev":"eth0"},"b0":{"type":"block","mgmtdev":"vdpasim_blk","vendor_id":0,)"
                  R"("max_vqs":1,"max_vq_size":256,"min_vq_size":1,"driver":"virtio_vdpa",)"
                  R"("virtio_device":"virtio3","disk":"vda"},"n2":{)" +
                  head + R"(,"min_vq_size":1,"driver":null,"driver_override":"none"},"n3":{)" +
                  head + R"(,"min_vq_size":1},"n4":{)" + head + "}}}");
}

// A device vdpa serves itself: its backend keyword (file, tap) is the key,
// then the process, after what sysfs tells.
TEST(RenderDetails, ServedDevices)
{
    DeviceDetails net;
    net.driver = "virtio_vdpa";
    net.virtio_device = "virtio4";
    net.netdev = "eth1";
    Device v0{"v0", {"", "vduse"}, 1, 0, 2, 256, 1};
    const cli::ServedBy by_tap{"tap", "vtap0", 4242};
    const cli::ServedBy by_file{"file", "/srv/disk.img", 77};
    Device d0{"d0", {"", "vduse"}, 2, 0, 1, 256, 1};

    Rendered out = render("dev", [&](cli::Renderer& renderer) {
        renderer.device(v0, &net, &by_tap);
        renderer.device(d0, nullptr, &by_file);
    });
    EXPECT_EQ(out.text,
              "v0: type network mgmtdev vduse vendor_id 0 max_vqs 2 max_vq_size 256\n"
              "  min_vq_size 1 driver virtio_vdpa virtio_device virtio4 netdev eth1 tap vtap0 "
              "server_pid 4242\n"
              "d0: type block mgmtdev vduse vendor_id 0 max_vqs 1 max_vq_size 256\n"
              "  min_vq_size 1 file /srv/disk.img server_pid 77\n");
    EXPECT_EQ(out.json,
              R"({"dev":{"v0":{"type":"network","mgmtdev":"vduse","vendor_id":0,"max_vqs":2,)"
              R"("max_vq_size":256,"min_vq_size":1,"driver":"virtio_vdpa",)"
              R"("virtio_device":"virtio4","netdev":"eth1","tap":"vtap0","server_pid":4242},)"
              R"("d0":{"type":"block","mgmtdev":"vduse","vendor_id":0,"max_vqs":1,)"
              R"("max_vq_size":256,"min_vq_size":1,"file":"/srv/disk.img","server_pid":77}}})");
}

TEST(RenderDetails, ManagementDevices)
{
    MgmtDev sim{{"", "vdpasim_net"}, std::uint64_t{1} << 1, 3, std::nullopt};
    MgmtDev pf{{"pci", "0000:08:00.2"}, std::uint64_t{1} << 1, std::nullopt, std::nullopt};
    cli::MgmtDevExtras unbound{MgmtDevDetails{}, 2};
    cli::MgmtDevExtras mlx5{MgmtDevDetails{"mlx5_core"}, 1};
    cli::MgmtDevExtras unknown{std::nullopt, 0}; // sysfs could not tell
    Rendered out = render("mgmtdev", [&](cli::Renderer& renderer) {
        renderer.mgmtdev(sim, &unbound);
        renderer.mgmtdev(pf, &mlx5);
        renderer.mgmtdev(sim, &unknown);
    });
    EXPECT_EQ(out.text, "vdpasim_net: \n  supported_classes net\n  max_supported_vqs 3\n"
                        "  bus none driver none devices 2\n"
                        "pci/0000:08:00.2: \n  supported_classes net\n"
                        "  bus pci driver mlx5_core devices 1\n"
                        "vdpasim_net: \n  supported_classes net\n  max_supported_vqs 3\n"
                        "  bus none devices 0\n");
    EXPECT_EQ(out.json,
              R"({"mgmtdev":{"vdpasim_net":{"supported_classes":["net"],"max_supported_vqs":3,)"
              R"("bus":null,"driver":null,"devices":2},"pci/0000:08:00.2":{)"
              R"("supported_classes":["net"],"bus":"pci","driver":"mlx5_core","devices":1},)"
              R"("vdpasim_net":{"supported_classes":["net"],"max_supported_vqs":3,"bus":null,)"
              R"("devices":0}}})");
}

TEST(RenderDetails, DeviceFeaturesOnlyWithDetails)
{
    DeviceConfig config;
    config.name = "n0";
    config.device_id = 1;
    config.net = NetConfig{MacAddress{{2, 0, 0, 0, 0, 1}}, std::nullopt, std::nullopt, 1400};
    config.negotiated_features = (std::uint64_t{1} << 3) | (std::uint64_t{1} << 5);
    config.device_features = (std::uint64_t{1} << 3) | (std::uint64_t{1} << 5) |
                             (std::uint64_t{1} << 16);
    Rendered out = render("config", [&](cli::Renderer& renderer) { renderer.config(config); });
    EXPECT_EQ(out.text, "n0: mac 02:00:00:00:00:01 mtu 1400 \n  negotiated_features MTU MAC\n"
                        "  device_features MTU MAC STATUS\n");
    EXPECT_EQ(out.json, R"({"config":{"n0":{"mac":"02:00:00:00:00:01","mtu":1400,)"
                        R"("negotiated_features":["MTU","MAC"],)"
                        R"("device_features":["MTU","MAC","STATUS"]}}})");
}

} // namespace
} // namespace vdpa::testing

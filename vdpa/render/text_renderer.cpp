// SPDX-License-Identifier: GPL-2.0-or-later
//
// iproute2's text format, byte for byte: "name: " then "key value" pairs,
// lists on their own two-space-indented lines, trailing spaces included.
#include <cstdint>

#include "render/renderer.hpp"
#include "render/vocabulary.hpp"

namespace vdpa::cli {
namespace {

class TextRenderer final : public Renderer {
public:
    TextRenderer(Output& out, bool details) : out_(out), details_(details) {}

    void begin_section(std::string_view) override {}
    void end_section() override {}

    void mgmtdev(const MgmtDev& mgmtdev, const MgmtDevExtras* extras) override
    {
        out_.print("{}: ", mgmtdev.handle.to_string());
        if (mgmtdev.supported_classes) {
            out_.write("\n  supported_classes");
            for (unsigned bit = 1; bit < 64; ++bit)
                if ((*mgmtdev.supported_classes >> bit) & 1)
                    out_.print(" {}", class_name(bit));
        }
        // iproute2 prints this u32 with %d.
        if (mgmtdev.max_supported_vqs)
            out_.print("\n  max_supported_vqs {}",
                       static_cast<std::int32_t>(*mgmtdev.max_supported_vqs));
        if (mgmtdev.supported_features)
            feature_line("dev_features", *mgmtdev.supported_features,
                         mgmtdev_feature_naming(mgmtdev));
        if (extras) {
            out_.print("\n  bus {}", or_none(mgmtdev.handle.bus));
            if (extras->sysfs)
                out_.print(" driver {}", or_none(extras->sysfs->driver.value_or("")));
            out_.print(" devices {}", extras->devices);
        }
        out_.put('\n');
    }

    void device(const Device& device, const DeviceDetails* details,
                const ServedBy* served) override
    {
        out_.print("{}: type {} mgmtdev {}", device.name, device_type_name(device.device_id),
                   device.mgmtdev.to_string());
        if (device.vendor_id)
            out_.print(" vendor_id {}", *device.vendor_id);
        if (device.max_vqs)
            out_.print(" max_vqs {}", *device.max_vqs);
        if (device.max_vq_size)
            out_.print(" max_vq_size {}", *device.max_vq_size);
        if (details_)
            device_details(device, details);
        if (details_ && served)
            out_.print("{}{} {} server_pid {}", details || device.min_vq_size ? " " : "\n  ",
                       served->backend, served->target, served->server_pid);
        out_.put('\n');
    }

    void config(const DeviceConfig& config) override
    {
        out_.print("{}: ", config.name);
        if (config.net)
            net_config(*config.net);
        if (config.block)
            block_config(*config.block);
        if (config.negotiated_features && (config.net || config.block))
            feature_line("negotiated_features", *config.negotiated_features, config.device_id);
        if (details_ && config.device_features)
            feature_line("device_features", *config.device_features, config.device_id);
        out_.put('\n');
    }

    void queue_stats(const QueueStats& stats) override
    {
        out_.print("{}: ", stats.device);
        if (stats.device_id == static_cast<std::uint32_t>(DeviceClass::net)) {
            out_.print("queue_type {} ", queue_type_name(stats.queue_type()));
            for (const VendorCounter& counter : stats.counters)
                out_.print("{} {} ", counter.name, counter.value);
        }
        out_.put('\n');
    }

    void event(const BusEvent& event) override
    {
        if (event.object == BusEvent::Object::lost) {
            out_.write("lost events: the kernel dropped some before they were read\n");
            return;
        }
        out_.print("{} {} {}", event_object_name(event.object), event_action_name(event.action),
                   event.device);
        if (event.object == BusEvent::Object::device && !event.name.empty())
            out_.print(" driver {}", event.name);
        else if (event.object != BusEvent::Object::device)
            out_.print(" {}", event.name);
        out_.put('\n');
    }

private:
    static std::string_view or_none(std::string_view text) { return text.empty() ? "none" : text; }

    void device_details(const Device& device, const DeviceDetails* found)
    {
        if (!device.min_vq_size && !found)
            return;
        out_.write("\n ");
        if (device.min_vq_size)
            out_.print(" min_vq_size {}", *device.min_vq_size);
        if (!found)
            return;
        const DeviceDetails& details = *found;
        out_.print(" driver {}", or_none(details.driver.value_or("")));
        if (details.driver_override)
            out_.print(" driver_override {}", *details.driver_override);
        if (details.vhost_path)
            out_.print(" chardev {}", *details.vhost_path);
        if (details.vhost_number)
            out_.print(" chardev_devnum {}", details.vhost_number->to_string());
        if (details.virtio_device)
            out_.print(" virtio_device {}", *details.virtio_device);
        if (details.netdev)
            out_.print(" netdev {}", *details.netdev);
        if (details.disk)
            out_.print(" disk {}", *details.disk);
    }

    void feature_line(std::string_view label, std::uint64_t features, std::uint32_t naming)
    {
        out_.print("\n  {}", label);
        for (const FeatureBit& feature : feature_bits(features, naming)) {
            if (feature.name.empty())
                out_.print(" bit_{}", feature.bit);
            else
                out_.print(" {}", feature.name);
        }
    }

    void net_config(const NetConfig& net)
    {
        if (net.mac)
            out_.print("mac {} ", net.mac->to_string());
        if (net.status)
            out_.print("link {} link_announce {} ", net.link_up() ? "up" : "down",
                       net.announce() ? "true" : "false");
        // iproute2 prints these u16 values with %d.
        if (net.max_vq_pairs)
            out_.print("max_vq_pairs {} ", *net.max_vq_pairs);
        if (net.mtu)
            out_.print("mtu {} ", *net.mtu);
    }

    void block_config(const BlockConfig& block)
    {
        for (const NumberField& field : block_number_fields(block))
            if (field.value)
                out_.print("{} {} ", field.key, *field.value);
        if (block.read_only)
            out_.print("read_only {} ", *block.read_only ? "true" : "false");
        if (block.flush)
            out_.print("flush {} ", *block.flush ? "true" : "false");
    }

    Output& out_;
    bool details_;
};

} // namespace

std::unique_ptr<Renderer> make_text_renderer(Output& out, bool details)
{
    return std::make_unique<TextRenderer>(out, details);
}

std::unique_ptr<Renderer> make_renderer(Output& out, const RenderOptions& options)
{
    if (options.json)
        return make_json_renderer(out, options.pretty, options.details);
    return make_text_renderer(out, options.details);
}

} // namespace vdpa::cli

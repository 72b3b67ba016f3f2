// SPDX-License-Identifier: GPL-2.0-or-later
//
// iproute2's JSON: {"<section>":{"<name>":{...},...}}. Keys are an API that
// scripts match on, including the trailing spaces of "link " and
// "link_announce " and numbers (not "bit_N") for unnamed feature bits.
#include <cstdint>

#include "render/json_writer.hpp"
#include "render/renderer.hpp"
#include "render/vocabulary.hpp"

namespace vdpa::cli {
namespace {

class JsonRenderer final : public Renderer {
public:
    JsonRenderer(Output& out, bool pretty, bool details)
        : out_(out), json_(out, pretty), details_(details)
    {
    }

    void begin_section(std::string_view section) override
    {
        json_.begin_object();
        json_.key(section);
        json_.begin_object();
    }

    void end_section() override
    {
        json_.end_object();
        json_.end_object();
    }

    void mgmtdev(const MgmtDev& mgmtdev, const MgmtDevExtras* extras) override
    {
        json_.key(mgmtdev.handle.to_string());
        json_.begin_object();
        if (mgmtdev.supported_classes) {
            json_.key("supported_classes");
            json_.begin_array();
            for (unsigned bit = 1; bit < 64; ++bit)
                if ((*mgmtdev.supported_classes >> bit) & 1)
                    json_.string(class_name(bit));
            json_.end_array();
        }
        if (mgmtdev.max_supported_vqs)
            json_.field("max_supported_vqs", *mgmtdev.max_supported_vqs);
        if (mgmtdev.supported_features)
            features("dev_features", *mgmtdev.supported_features, mgmtdev_feature_naming(mgmtdev));
        if (extras) {
            string_or_null("bus", mgmtdev.handle.bus.empty()
                                      ? std::nullopt
                                      : std::optional<std::string>(mgmtdev.handle.bus));
            if (extras->sysfs)
                string_or_null("driver", extras->sysfs->driver);
            json_.field("devices", std::uint64_t{extras->devices});
        }
        json_.end_object();
    }

    void device(const Device& device, const DeviceDetails* details,
                const ServedBy* served) override
    {
        json_.key(device.name);
        json_.begin_object();
        json_.field("type", device_type_name(device.device_id));
        json_.field("mgmtdev", device.mgmtdev.to_string());
        optional_field("vendor_id", device.vendor_id);
        optional_field("max_vqs", device.max_vqs);
        optional_field("max_vq_size", device.max_vq_size);
        if (details_)
            optional_field("min_vq_size", device.min_vq_size);
        if (details_ && details) {
            string_or_null("driver", details->driver);
            optional_string("driver_override", details->driver_override);
            optional_string("chardev", details->vhost_path);
            if (details->vhost_number)
                json_.field("chardev_devnum", details->vhost_number->to_string());
            optional_string("virtio_device", details->virtio_device);
            optional_string("netdev", details->netdev);
            optional_string("disk", details->disk);
        }
        if (details_ && served) {
            json_.field(served->backend, served->target);
            json_.field("server_pid", std::uint64_t(served->server_pid));
        }
        json_.end_object();
    }

    void config(const DeviceConfig& config) override
    {
        json_.key(config.name);
        json_.begin_object();
        if (config.net)
            net_config(*config.net);
        if (config.block)
            block_config(*config.block);
        if (config.negotiated_features && (config.net || config.block))
            features("negotiated_features", *config.negotiated_features, config.device_id);
        if (details_ && config.device_features)
            features("device_features", *config.device_features, config.device_id);
        json_.end_object();
    }

    void queue_stats(const QueueStats& stats) override
    {
        json_.key(stats.device);
        json_.begin_object();
        if (stats.device_id == static_cast<std::uint32_t>(DeviceClass::net)) {
            json_.field("queue_type", queue_type_name(stats.queue_type()));
            for (const VendorCounter& counter : stats.counters)
                json_.field(counter.name, counter.value);
        }
        json_.end_object();
    }

    void event(const BusEvent& event) override
    {
        // JSON lines: compact whatever -p says, one document per event.
        JsonWriter line(out_, false);
        line.begin_object();
        line.field("object", event_object_name(event.object));
        if (event.object != BusEvent::Object::lost) {
            line.field("action", event_action_name(event.action));
            line.field("dev", event.device);
            if (!event.name.empty())
                line.field(event_name_key(event), event.name);
        }
        line.end_object();
        line.finish();
    }

private:
    template <typename T>
    void optional_field(std::string_view key, const std::optional<T>& value)
    {
        if (value)
            json_.field(key, static_cast<std::uint64_t>(*value));
    }

    void optional_string(std::string_view key, const std::optional<std::string>& value)
    {
        if (value)
            json_.field(key, *value);
    }

    // Keys a script can always rely on: null when there is nothing.
    void string_or_null(std::string_view key, const std::optional<std::string>& value)
    {
        json_.key(key);
        if (value)
            json_.string(*value);
        else
            json_.null();
    }

    void optional_flag(std::string_view key, const std::optional<bool>& value)
    {
        if (value)
            json_.field_bool(key, *value);
    }

    void features(std::string_view key, std::uint64_t features, std::uint32_t naming)
    {
        json_.key(key);
        json_.begin_array();
        for (const FeatureBit& feature : feature_bits(features, naming)) {
            if (feature.name.empty())
                json_.uint(feature.bit);
            else
                json_.string(feature.name);
        }
        json_.end_array();
    }

    void net_config(const NetConfig& net)
    {
        if (net.mac)
            json_.field("mac", net.mac->to_string());
        if (net.status) {
            json_.field("link ", net.link_up() ? "up" : "down");
            json_.field_bool("link_announce ", net.announce());
        }
        optional_field("max_vq_pairs", net.max_vq_pairs);
        optional_field("mtu", net.mtu);
    }

    void block_config(const BlockConfig& block)
    {
        for (const NumberField& field : block_number_fields(block))
            if (field.value)
                json_.field(field.key, *field.value);
        optional_flag("read_only", block.read_only);
        optional_flag("flush", block.flush);
    }

    Output& out_;
    JsonWriter json_;
    bool details_;
};

} // namespace

std::unique_ptr<Renderer> make_json_renderer(Output& out, bool pretty, bool details)
{
    return std::make_unique<JsonRenderer>(out, pretty, details);
}

} // namespace vdpa::cli

// SPDX-License-Identifier: GPL-2.0-or-later
//
// Each record's fields, listed once for both outputs (render/field_printer.hpp):
// iproute2's text byte for byte ("name: " then "key value" pairs, lists on
// their own two-space-indented lines, trailing spaces included) and its
// JSON, {"<section>":{"<name>":{...},...}}. JSON keys are an API that
// scripts match on, including the trailing spaces of "link " and
// "link_announce " and numbers (not "bit_N") for unnamed feature bits.
#include <cstdint>
#include <optional>

#include "render/field_printer.hpp"
#include "render/json_writer.hpp"
#include "render/renderer.hpp"
#include "render/vocabulary.hpp"

namespace vdpa::cli {
namespace {

void print_features(FieldPrinter& print, std::string_view key, std::string_view label,
                    std::uint64_t features, std::uint32_t naming)
{
    print.begin_list(key, label);
    for (const FeatureBit& feature : feature_bits(features, naming)) {
        if (feature.name.empty())
            print.item(" bit_{}", feature.bit);
        else
            print.item(" {}", feature.name);
    }
    print.end_list();
}

void print_mgmtdev(FieldPrinter& print, const MgmtDev& mgmtdev, const MgmtDevExtras* extras)
{
    print.begin_record(mgmtdev.handle.to_string());
    if (mgmtdev.supported_classes) {
        print.begin_list("supported_classes", "\n  supported_classes");
        for (unsigned bit = 1; bit < 64; ++bit)
            if ((*mgmtdev.supported_classes >> bit) & 1)
                print.item(" {}", class_name(bit));
        print.end_list();
    }
    if (mgmtdev.max_supported_vqs) {
        // iproute2 prints this u32 with %d; JSON has it as the u32 it is.
        print.text("\n  max_supported_vqs {}",
                   static_cast<std::int32_t>(*mgmtdev.max_supported_vqs));
        print.json_field("max_supported_vqs", *mgmtdev.max_supported_vqs);
    }
    if (mgmtdev.supported_features)
        print_features(print, "dev_features", "\n  dev_features", *mgmtdev.supported_features,
                       mgmtdev_feature_naming(mgmtdev));
    if (extras) {
        const std::string& bus = mgmtdev.handle.bus;
        print.string_or_null("bus", "\n  bus {}",
                             bus.empty() ? std::nullopt : std::optional<std::string>(bus));
        if (extras->sysfs)
            print.string_or_null("driver", " driver {}", extras->sysfs->driver);
        print.field("devices", " devices {}", extras->devices);
    }
    print.end_record();
}

// What -d adds; `found` is what sysfs showed, or nullptr when it could
// not tell: its fields are left out then rather than shown as "none".
void print_device_details(FieldPrinter& print, const Device& device, const DeviceDetails* found)
{
    if (device.min_vq_size || found)
        print.text("\n ");
    print.field("min_vq_size", " min_vq_size {}", device.min_vq_size);
    if (!found)
        return;
    const DeviceDetails& details = *found;
    print.string_or_null("driver", " driver {}", details.driver);
    print.field("driver_override", " driver_override {}", details.driver_override);
    print.field("chardev", " chardev {}", details.vhost_path);
    if (details.vhost_number)
        print.field("chardev_devnum", " chardev_devnum {}", details.vhost_number->to_string());
    print.field("virtio_device", " virtio_device {}", details.virtio_device);
    print.field("netdev", " netdev {}", details.netdev);
    print.field("disk", " disk {}", details.disk);
}

// What -d adds for a device vdpa serves itself: the backend's keyword
// ("file") is the key, as in dev add, then the serving process.
void print_served(FieldPrinter& print, const Device& device, const DeviceDetails* found,
                  const ServedBy& served)
{
    print.text("{}{} {}", device.min_vq_size || found ? " " : "\n  ", served.backend,
               served.target);
    print.json_field(served.backend, std::string_view(served.target));
    print.field("server_pid", " server_pid {}", std::uint64_t(served.server_pid));
}

void print_device(FieldPrinter& print, const Device& device, bool details,
                  const DeviceDetails* found, const ServedBy* served)
{
    print.begin_record(device.name);
    print.field("type", "type {}", device_type_name(device.device_id));
    print.field("mgmtdev", " mgmtdev {}", device.mgmtdev.to_string());
    print.field("vendor_id", " vendor_id {}", device.vendor_id);
    print.field("max_vqs", " max_vqs {}", device.max_vqs);
    print.field("max_vq_size", " max_vq_size {}", device.max_vq_size);
    if (details)
        print_device_details(print, device, found);
    if (details && served)
        print_served(print, device, found, *served);
    print.end_record();
}

void print_net_config(FieldPrinter& print, const NetConfig& net)
{
    if (net.mac)
        print.field("mac", "mac {} ", net.mac->to_string());
    if (net.status) {
        print.field("link ", "link {} ", net.link_up() ? "up" : "down");
        print.field("link_announce ", "link_announce {} ", net.announce());
    }
    // iproute2 prints these u16 values with %d.
    print.field("max_vq_pairs", "max_vq_pairs {} ", net.max_vq_pairs);
    print.field("mtu", "mtu {} ", net.mtu);
}

// Named after struct virtio_blk_config.
void print_block_config(FieldPrinter& print, const BlockConfig& block)
{
    print.field("capacity", "capacity {} ", block.capacity);
    print.field("size_max", "size_max {} ", block.size_max);
    print.field("seg_max", "seg_max {} ", block.seg_max);
    print.field("blk_size", "blk_size {} ", block.blk_size);
    print.field("num_queues", "num_queues {} ", block.num_queues);
    print.field("physical_block_exp", "physical_block_exp {} ", block.physical_block_exp);
    print.field("alignment_offset", "alignment_offset {} ", block.alignment_offset);
    print.field("min_io_size", "min_io_size {} ", block.min_io_size);
    print.field("opt_io_size", "opt_io_size {} ", block.opt_io_size);
    print.field("max_discard_sectors", "max_discard_sectors {} ", block.max_discard_sectors);
    print.field("max_discard_seg", "max_discard_seg {} ", block.max_discard_seg);
    print.field("discard_sector_alignment", "discard_sector_alignment {} ",
                block.discard_sector_alignment);
    print.field("max_write_zeroes_sectors", "max_write_zeroes_sectors {} ",
                block.max_write_zeroes_sectors);
    print.field("max_write_zeroes_seg", "max_write_zeroes_seg {} ", block.max_write_zeroes_seg);
    print.field("read_only", "read_only {} ", block.read_only);
    print.field("flush", "flush {} ", block.flush);
}

void print_config(FieldPrinter& print, const DeviceConfig& config, bool details)
{
    print.begin_record(config.name);
    if (config.net)
        print_net_config(print, *config.net);
    if (config.block)
        print_block_config(print, *config.block);
    if (config.negotiated_features && (config.net || config.block))
        print_features(print, "negotiated_features", "\n  negotiated_features",
                       *config.negotiated_features, config.device_id);
    if (details && config.device_features)
        print_features(print, "device_features", "\n  device_features", *config.device_features,
                       config.device_id);
    print.end_record();
}

void print_queue_stats(FieldPrinter& print, const QueueStats& stats)
{
    print.begin_record(stats.device);
    if (stats.device_id == static_cast<std::uint32_t>(DeviceClass::net)) {
        print.field("queue_type", "queue_type {} ", queue_type_name(stats.queue_type()));
        // The driver names its counters: the name is the key, and in text
        // the label before the value.
        for (const VendorCounter& counter : stats.counters) {
            print.text("{} ", counter.name);
            print.field(counter.name, "{} ", counter.value);
        }
    }
    print.end_record();
}

void print_event(FieldPrinter& print, const BusEvent& event)
{
    print.begin_line();
    if (event.object == BusEvent::Object::lost) {
        print.json_field("object", event_object_name(event.object));
        print.text("lost events: the kernel dropped some before they were read");
    } else {
        print.field("object", "{}", event_object_name(event.object));
        print.field("action", " {}", event_action_name(event.action));
        print.field("dev", " {}", event.device);
        // Text labels only the driver: a chardev, netdev, ... is its name.
        if (event.object == BusEvent::Object::device) {
            if (!event.name.empty())
                print.field(event_name_key(event), " driver {}", event.name);
        } else if (!event.name.empty()) {
            print.field(event_name_key(event), " {}", event.name);
        } else {
            print.text(" ");
        }
    }
    print.end_line();
}

class RecordRenderer final : public Renderer {
public:
    RecordRenderer(Output& out, const RenderOptions& options)
        : out_(out), json_(out, options.pretty), options_(options),
          print_(out, options.json ? &json_ : nullptr)
    {
    }

    void begin_section(std::string_view section) override
    {
        if (!options_.json)
            return;
        json_.begin_object();
        json_.key(section);
        json_.begin_object();
    }

    void end_section() override
    {
        if (!options_.json)
            return;
        json_.end_object();
        json_.end_object();
    }

    void mgmtdev(const MgmtDev& mgmtdev, const MgmtDevExtras* extras) override
    {
        print_mgmtdev(print_, mgmtdev, extras);
    }

    void device(const Device& device, const DeviceDetails* details,
                const ServedBy* served) override
    {
        print_device(print_, device, options_.details, details, served);
    }

    void config(const DeviceConfig& config) override
    {
        print_config(print_, config, options_.details);
    }

    void queue_stats(const QueueStats& stats) override { print_queue_stats(print_, stats); }

    void event(const BusEvent& event) override
    {
        if (!options_.json) {
            print_event(print_, event);
            return;
        }
        // JSON lines: compact whatever -p says, one document per event.
        JsonWriter line(out_, false);
        FieldPrinter print(out_, &line);
        print_event(print, event);
    }

private:
    Output& out_;
    JsonWriter json_;
    RenderOptions options_;
    FieldPrinter print_;
};

} // namespace

std::unique_ptr<Renderer> make_renderer(Output& out, const RenderOptions& options)
{
    return std::make_unique<RecordRenderer>(out, options);
}

} // namespace vdpa::cli

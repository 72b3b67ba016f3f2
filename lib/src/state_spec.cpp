// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Reading a state file: JSON by nlohmann-json, then every value checked by
// the rules `dev add` applies on the command line, each problem with where
// it is. The whole file is checked before anything changes, so all
// problems are collected rather than the first.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include <vdpa/state.hpp>

#include "names.hpp"

namespace vdpa {
namespace {

// Ordered, so that problems are reported in the order of the file.
using Json = nlohmann::ordered_json;

constexpr std::string_view vduse_mgmtdev = "vduse";
// The limits vdpa's device servers set (device/blk/blk_config.hpp), which
// `dev add ... file PATH` applies: a file is refused here with the same
// rules before anything starts. tests/unit/test_state_spec.cpp holds the
// two together.
constexpr std::uint64_t max_served_queues = 64;
constexpr std::uint64_t min_served_queue_size = 2, max_served_queue_size = 1024;
constexpr std::uint64_t min_served_blk_size = 512, max_served_blk_size = 65536;
// The network server's (device/net/net_config.hpp), as `dev add ... tap`.
constexpr std::uint16_t min_served_mtu = 68;
// A network interface name: IFNAMSIZ less the NUL.
constexpr std::size_t max_interface_name = 15;

class SpecReader {
public:
    explicit SpecReader(std::vector<SpecProblem>& problems) : problems_(problems) {}

    void problem(std::string location, std::string message)
    {
        problems_.push_back({std::move(location), std::move(message)});
    }

    StateSpec read(const Json& root)
    {
        StateSpec spec;
        if (!root.is_object()) {
            problem("(top level)", "expected an object: {\"devices\": [...]}");
            return spec;
        }
        for (const auto& [key, value] : root.items())
            if (key != "devices")
                problem(key, "unknown key: the top level has only \"devices\"");
        auto devices = root.find("devices");
        if (devices == root.end()) {
            problem("devices", "is missing");
            return spec;
        }
        if (!devices->is_array()) {
            problem("devices", "expected an array of devices, found " + type_of(*devices));
            return spec;
        }
        for (std::size_t i = 0; i < devices->size(); ++i)
            spec.devices.push_back(device((*devices)[i], "devices[" + std::to_string(i) + "]"));
        check_unique(spec);
        return spec;
    }

private:
    static std::string type_of(const Json& value)
    {
        if (value.is_number_integer() && !value.is_number_unsigned())
            return "a negative number";
        if (value.is_number_float())
            return "a fraction";
        return std::string("a ") + value.type_name();
    }

    std::optional<std::string> string(const Json& value, const std::string& where)
    {
        if (value.is_string())
            return value.get<std::string>();
        problem(where, "expected a string, found " + type_of(value));
        return std::nullopt;
    }

    std::optional<std::uint64_t> number(const Json& value, const std::string& where,
                                        std::uint64_t min, std::uint64_t max)
    {
        if (!value.is_number_unsigned()) {
            problem(where, "expected a whole number from " + std::to_string(min) + " to " +
                               std::to_string(max) + ", found " + type_of(value));
            return std::nullopt;
        }
        auto number = value.get<std::uint64_t>();
        if (number < min || number > max) {
            problem(where, "invalid value " + std::to_string(number) + ": expected " +
                               std::to_string(min) + " to " + std::to_string(max));
            return std::nullopt;
        }
        return number;
    }

    // Six colon-separated octets of one or two hex digits, as `dev add`.
    std::optional<MacAddress> mac(const Json& value, const std::string& where)
    {
        auto text = string(value, where);
        if (!text)
            return std::nullopt;
        MacAddress mac;
        std::size_t octet = 0, start = 0;
        bool valid = true;
        for (;;) {
            std::size_t end = text->find(':', start);
            std::string_view part = std::string_view(*text).substr(
                start, end == std::string::npos ? end : end - start);
            unsigned octet_value = 0;
            auto [stop, error] =
                std::from_chars(part.data(), part.data() + part.size(), octet_value, 16);
            if (octet == mac.octets.size() || part.empty() || part.size() > 2 ||
                error != std::errc() || stop != part.data() + part.size() ||
                part.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos) {
                valid = false;
                break;
            }
            mac.octets[octet++] = static_cast<std::uint8_t>(octet_value);
            if (end == std::string::npos)
                break;
            start = end + 1;
        }
        if (!valid || octet != mac.octets.size()) {
            problem(where, "invalid MAC address " + vdpa::quoted(*text) +
                               ": expected six colon-separated hexadecimal octets, such as "
                               "00:11:22:33:44:55");
            return std::nullopt;
        }
        return mac;
    }

    // Hexadecimal, with or without 0x, as `dev add`'s device_features. A
    // string, because JSON numbers above 2^53 lose bits in many readers.
    std::optional<std::uint64_t> features(const Json& value, const std::string& where)
    {
        auto text = string(value, where);
        if (!text)
            return std::nullopt;
        std::string_view digits = *text;
        if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
            digits.remove_prefix(2);
        std::uint64_t features = 0;
        auto [stop, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), features, 16);
        if (digits.empty() || error != std::errc() || stop != digits.data() + digits.size() ||
            digits.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos) {
            problem(where, "invalid device_features " + vdpa::quoted(*text) +
                               ": expected a hexadecimal number of at most 64 bits, such as "
                               "\"0x10020\"");
            return std::nullopt;
        }
        return features;
    }

    std::optional<MgmtDevHandle> mgmtdev(const Json& value, const std::string& where)
    {
        auto text = string(value, where);
        if (!text)
            return std::nullopt;
        MgmtDevHandle handle;
        std::size_t slashes = std::count(text->begin(), text->end(), '/');
        if (slashes > 1) {
            problem(where, "invalid management device " + vdpa::quoted(*text) +
                               ": expected \"BUS/NAME\" or \"NAME\"");
            return std::nullopt;
        }
        if (slashes == 0) {
            handle.name = *text;
        } else {
            std::size_t slash = text->find('/');
            handle.bus = text->substr(0, slash);
            handle.name = text->substr(slash + 1);
            if (handle.bus.empty()) {
                problem(where, "invalid management device " + vdpa::quoted(*text) +
                                   ": the bus name before '/' is empty");
                return std::nullopt;
            }
        }
        if (auto valid = validate_mgmtdev_handle(handle); !valid) {
            problem(where, valid.error().message);
            return std::nullopt;
        }
        return handle;
    }

    std::optional<std::uint64_t> power_of_two(const Json& value, const std::string& where,
                                              std::uint64_t min, std::uint64_t max)
    {
        auto number = this->number(value, where, min, max);
        if (number && (*number & (*number - 1)) != 0) {
            problem(where, "invalid value " + std::to_string(*number) +
                               ": expected a power of two from " + std::to_string(min) +
                               " to " + std::to_string(max));
            return std::nullopt;
        }
        return number;
    }

    std::optional<std::string> backing_file(const Json& value, const std::string& where)
    {
        auto path = string(value, where);
        if (path && (path->empty() || path->front() != '/' ||
                     path->find('\0') != std::string::npos)) {
            problem(where, "invalid file " + vdpa::quoted(*path) + ": expected an absolute path");
            return std::nullopt;
        }
        return path;
    }

    std::optional<std::string> interface(const Json& value, const std::string& where)
    {
        auto name = string(value, where);
        if (!name)
            return std::nullopt;
        bool valid = !name->empty() && name->size() <= max_interface_name && *name != "." &&
                     *name != ".." &&
                     std::none_of(name->begin(), name->end(), [](unsigned char c) {
                         return c <= ' ' || c == '/' || c == ':' || c >= 0x7f;
                     });
        if (!valid) {
            problem(where, "invalid tap " + vdpa::quoted(*name) +
                               ": expected a network interface name of 1 to 15 printable "
                               "characters without '/', ':' or spaces");
            return std::nullopt;
        }
        return name;
    }

    template <typename T>
    static std::optional<T> narrow(std::optional<std::uint64_t> value)
    {
        return value ? std::optional<T>(static_cast<T>(*value)) : std::nullopt;
    }

    DeviceSpec device(const Json& entry, const std::string& at)
    {
        DeviceSpec device;
        if (!entry.is_object()) {
            problem(at, "expected an object, found " + type_of(entry));
            return device;
        }
        bool named = false, has_mgmtdev = false;
        for (const auto& [key, value] : entry.items()) {
            std::string where = at + "." + key;
            if (key == "name") {
                if (auto name = string(value, where)) {
                    if (auto valid = validate_device_name(*name); !valid)
                        problem(where, valid.error().message);
                    device.name = *name;
                    named = true;
                }
            } else if (key == "mgmtdev") {
                if (auto handle = mgmtdev(value, where)) {
                    device.mgmtdev = *handle;
                    has_mgmtdev = true;
                }
            } else if (key == "mac") {
                device.mac = mac(value, where);
            } else if (key == "mtu") {
                device.mtu = narrow<std::uint16_t>(number(value, where, 0, 65535));
            } else if (key == "max_vqp") {
                device.max_vqp = narrow<std::uint16_t>(number(value, where, 0, 65535));
            } else if (key == "device_features") {
                device.device_features = features(value, where);
            } else if (key == "driver") {
                if (auto name = string(value, where)) {
                    device.driver = parse_bus_driver(*name);
                    if (!device.driver)
                        problem(where, "invalid driver " + vdpa::quoted(*name) +
                                           ": expected virtio_vdpa, vhost_vdpa or none");
                }
            } else if (key == "file") {
                device.backend.file = backing_file(value, where);
            } else if (key == "readonly") {
                if (value.is_boolean())
                    device.backend.readonly = value.get<bool>();
                else
                    problem(where, "expected true or false, found " + type_of(value));
            } else if (key == "queues") {
                device.backend.queues =
                    narrow<std::uint16_t>(number(value, where, 1, max_served_queues));
            } else if (key == "queue_size") {
                device.backend.queue_size =
                    narrow<std::uint16_t>(power_of_two(value, where, min_served_queue_size,
                                                       max_served_queue_size));
            } else if (key == "blk_size") {
                device.backend.blk_size =
                    narrow<std::uint32_t>(power_of_two(value, where, min_served_blk_size,
                                                       max_served_blk_size));
            } else if (key == "tap") {
                device.backend.tap = interface(value, where);
            } else {
                problem(where, "unknown key: a device has name, mgmtdev, mac, mtu, max_vqp, "
                               "device_features, driver, file, readonly, queues, queue_size, "
                               "blk_size and tap");
            }
        }
        if (!named && !entry.contains("name"))
            problem(at + ".name", "is missing: every device needs a name");
        if (!has_mgmtdev && !entry.contains("mgmtdev"))
            problem(at + ".mgmtdev", "is missing: every device needs a management device");
        check_backend(entry, device, at);
        return device;
    }

    // The backend keys belong to VDUSE devices; a block device has a file,
    // a network device a TAP interface, not both.
    void check_backend(const Json& entry, const DeviceSpec& device, const std::string& at)
    {
        static constexpr std::string_view keys[] = {"file",       "readonly", "queues",
                                                    "queue_size", "blk_size", "tap"};
        bool is_vduse = device.mgmtdev.bus.empty() && device.mgmtdev.name == vduse_mgmtdev;
        for (std::string_view key : keys)
            if (entry.contains(std::string(key)) && !is_vduse && entry.contains("mgmtdev"))
                problem(at + "." + std::string(key),
                        "only for devices of the VDUSE management device (\"mgmtdev\": "
                        "\"vduse\")");
        if (entry.contains("file") && entry.contains("tap"))
            problem(at + ".tap", "a device has a backing file (block) or a TAP interface "
                                 "(network), not both");
        if (entry.contains("readonly") && !entry.contains("file"))
            problem(at + ".readonly", "only for a device with a backing file");
        if (entry.contains("blk_size") && !entry.contains("file"))
            problem(at + ".blk_size", "only for a device with a backing file");
        if (entry.contains("queues") && entry.contains("tap"))
            problem(at + ".queues", "only for a device with a backing file (a TAP-backed "
                                    "device has one queue pair)");
        // What `dev add` refuses beside a backend: the server sets the
        // device's features and, for a block device, has no net keys.
        if (entry.contains("file"))
            for (std::string_view key : {"mac", "mtu", "max_vqp", "device_features"})
                if (entry.contains(std::string(key)))
                    problem(at + "." + std::string(key),
                            "a device with a backing file is a block device: mac, mtu, "
                            "max_vqp and device_features do not apply");
        if (entry.contains("tap"))
            check_net_values(device, at);
        if (entry.contains("tap"))
            for (std::string_view key : {"max_vqp", "device_features"})
                if (entry.contains(std::string(key)))
                    problem(at + "." + std::string(key),
                            "does not apply to a TAP-backed device: its server sets the "
                            "features and serves one queue pair");
    }

    // What the network server refuses beyond the general rules: it puts
    // the MAC and MTU in the device's configuration at creation.
    void check_net_values(const DeviceSpec& device, const std::string& at)
    {
        if (device.mac && (device.mac->octets[0] & 1))
            problem(at + ".mac", "invalid MAC address " + device.mac->to_string() +
                                     ": a multicast address cannot be a device's");
        else if (device.mac && *device.mac == MacAddress{})
            problem(at + ".mac", "invalid MAC address 00:00:00:00:00:00");
        if (device.mtu && *device.mtu < min_served_mtu)
            problem(at + ".mtu", "invalid value " + std::to_string(*device.mtu) +
                                     ": a TAP-backed device's MTU is " +
                                     std::to_string(min_served_mtu) + " to 65535");
    }

    void check_unique(const StateSpec& spec)
    {
        std::map<std::string, std::size_t> names, files, taps;
        for (std::size_t i = 0; i < spec.devices.size(); ++i) {
            const DeviceSpec& device = spec.devices[i];
            std::string at = "devices[" + std::to_string(i) + "]";
            if (!device.name.empty()) {
                auto [first, inserted] = names.emplace(device.name, i);
                if (!inserted)
                    problem(at + ".name", "the name " + vdpa::quoted(device.name) +
                                              " is given twice: devices[" +
                                              std::to_string(first->second) + "] has it too");
            }
            if (device.backend.file) {
                std::string path =
                    std::filesystem::path(*device.backend.file).lexically_normal().string();
                auto [first, inserted] = files.emplace(path, i);
                if (!inserted)
                    problem(at + ".file", "the backing file " + vdpa::quoted(*device.backend.file) +
                                              " is used twice: devices[" +
                                              std::to_string(first->second) + "] has it too");
            }
            if (device.backend.tap) {
                auto [first, inserted] = taps.emplace(*device.backend.tap, i);
                if (!inserted)
                    problem(at + ".tap", "the TAP interface " + vdpa::quoted(*device.backend.tap) +
                                             " is used twice: devices[" +
                                             std::to_string(first->second) + "] has it too");
            }
        }
    }

    std::vector<SpecProblem>& problems_;
};

// "line 3, column 7" for a byte offset into `text` (nlohmann counts from 1
// and points just past the offending character).
std::string line_and_column(std::string_view text, std::size_t byte)
{
    std::size_t offset = std::min(byte > 0 ? byte - 1 : 0, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

} // namespace

bool VduseBackend::empty() const
{
    return *this == VduseBackend{};
}

SpecReading read_state_spec(std::string_view text)
{
    SpecReading reading;
    Json root;
    try {
        // Object keys given twice would silently keep the last: refuse
        // them, saying where ("devices[1].mtu"), which needs the path of
        // the containers being parsed.
        struct Container {
            bool array = false;
            std::string path;
            std::set<std::string> keys;
            std::size_t index = 0; // the next element's, in an array
            std::string key;       // the current member's, in an object
        };
        std::vector<Container> containers;
        std::optional<SpecProblem> duplicate;
        auto element_path = [&]() -> std::string {
            if (containers.empty())
                return "";
            Container& parent = containers.back();
            if (parent.array)
                return parent.path + "[" + std::to_string(parent.index++) + "]";
            return parent.path.empty() ? parent.key : parent.path + "." + parent.key;
        };
        Json::parser_callback_t callback = [&](int, Json::parse_event_t event, Json& parsed) {
            switch (event) {
            case Json::parse_event_t::object_start:
            case Json::parse_event_t::array_start: {
                std::string path = element_path();
                containers.push_back({event == Json::parse_event_t::array_start, std::move(path), {}, 0,
                                {}});
                break;
            }
            case Json::parse_event_t::object_end:
            case Json::parse_event_t::array_end:
                if (!containers.empty())
                    containers.pop_back();
                break;
            case Json::parse_event_t::key:
                if (!containers.empty()) {
                    Container& object = containers.back();
                    object.key = parsed.get<std::string>();
                    if (!object.keys.insert(object.key).second && !duplicate)
                        duplicate = SpecProblem{
                            object.path.empty() ? object.key : object.path + "." + object.key,
                            "the key " + vdpa::quoted(object.key) + " is given twice in one object"};
                }
                break;
            case Json::parse_event_t::value:
                if (!containers.empty() && containers.back().array)
                    ++containers.back().index;
                break;
            }
            return true;
        };
        root = Json::parse(text.begin(), text.end(), callback);
        if (duplicate) {
            reading.problems.push_back(*std::move(duplicate));
            return reading;
        }
    } catch (const Json::parse_error& error) {
        // nlohmann's own message, without its "[json.exception.parse_error.101] " tag.
        std::string message = error.what();
        if (auto tag_end = message.find("] "); tag_end != std::string::npos)
            message.erase(0, tag_end + 2);
        reading.problems.push_back({line_and_column(text, error.byte), "not valid JSON: " + message});
        return reading;
    }
    SpecReader reader(reading.problems);
    reading.spec = reader.read(root);
    return reading;
}

} // namespace vdpa

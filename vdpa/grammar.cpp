// SPDX-License-Identifier: GPL-2.0-or-later
#include "grammar.hpp"

#include <array>
#include <limits>

#include <vdpa/client.hpp>

#include "commands/commands.hpp"
#include "values.hpp"

namespace vdpa::cli {

bool word_matches(std::string_view typed, std::string_view word, Match match)
{
    if (match == Match::exact)
        return typed == word;
    // iproute2's matches(): any non-empty prefix.
    return !typed.empty() && word.substr(0, typed.size()) == typed;
}

namespace {

template <typename T>
Result<void> store(std::optional<T>& slot, Result<T> parsed)
{
    if (!parsed)
        return std::move(parsed).error();
    slot = *std::move(parsed);
    return {};
}

// A device that exists may carry any name another tool gave it (a tab,
// invalid UTF-8): refuse only what no kernel name can be.
Result<void> parse_name(Arguments& into, std::string_view text)
{
    if (auto valid = validate_existing_device_name(text); !valid)
        return valid;
    into.device = std::string(text);
    return {};
}

// A name we create must also be safe in paths and on terminals.
Result<void> parse_new_name(Arguments& into, std::string_view text)
{
    if (auto valid = validate_device_name(text); !valid)
        return valid;
    into.device = std::string(text);
    return {};
}

Result<void> parse_mgmtdev(Arguments& into, std::string_view text)
{
    auto handle = parse_mgmtdev_handle(text);
    if (!handle)
        return std::move(handle).error();
    if (auto valid = validate_mgmtdev_handle(*handle); !valid)
        return valid;
    into.mgmtdev = *std::move(handle);
    return {};
}

Result<void> parse_mac_value(Arguments& into, std::string_view text)
{
    return store(into.mac, parse_mac(text));
}

template <typename T>
Result<T> narrow(Result<std::uint64_t> parsed)
{
    if (!parsed)
        return std::move(parsed).error();
    return static_cast<T>(*parsed);
}

constexpr std::uint64_t u16_max = std::numeric_limits<std::uint16_t>::max();
constexpr std::uint64_t u32_max = std::numeric_limits<std::uint32_t>::max();

Result<void> parse_mtu(Arguments& into, std::string_view text)
{
    return store(into.mtu, narrow<std::uint16_t>(parse_decimal("mtu", text, u16_max)));
}

Result<void> parse_max_vqp(Arguments& into, std::string_view text)
{
    return store(into.max_vqp, narrow<std::uint16_t>(parse_decimal("max_vqp", text, u16_max)));
}

Result<void> parse_qidx(Arguments& into, std::string_view text)
{
    return store(into.qidx, narrow<std::uint32_t>(parse_decimal("qidx", text, u32_max)));
}

Result<void> parse_device_features(Arguments& into, std::string_view text)
{
    return store(into.device_features, parse_hex_u64("device_features", text));
}

Result<void> parse_driver(Arguments& into, std::string_view text)
{
    auto driver = parse_bus_driver(text);
    if (!driver)
        return Error::invalid("invalid driver \"" + std::string(text) +
                              "\": expected virtio_vdpa, vhost_vdpa or none");
    into.driver = *driver;
    return {};
}

Result<void> parse_prune(Arguments& into, std::string_view)
{
    into.prune = true;
    return {};
}

Result<void> parse_check(Arguments& into, std::string_view)
{
    into.check = true;
    return {};
}

// A day: long enough for any boot, short enough to be a mistake beyond.
constexpr std::uint64_t max_wait_seconds = 86400;

Result<void> parse_wait(Arguments& into, std::string_view text)
{
    return store(into.wait_seconds,
                 narrow<std::uint32_t>(parse_decimal("wait", text, max_wait_seconds)));
}

// One backend per device: the second backend keyword is the mistake.
Result<void> set_backend(Arguments& into, BackendKind kind, std::string_view target)
{
    if (into.backend)
        return Error::invalid("A device has one backend: give only one of file and tap");
    if (target.empty())
        return Error::invalid("The backend needs a non-empty value");
    into.backend = Backend{kind, std::string(target)};
    return {};
}

Result<void> parse_backend_file(Arguments& into, std::string_view text)
{
    return set_backend(into, BackendKind::file, text);
}

Result<void> parse_backend_tap(Arguments& into, std::string_view text)
{
    return set_backend(into, BackendKind::tap, text);
}

Result<void> parse_readonly(Arguments& into, std::string_view)
{
    into.readonly = true;
    return {};
}

// The server checks the limits against the kernel's and the file's; here
// only that each is a number.
Result<void> parse_queues(Arguments& into, std::string_view text)
{
    return store(into.queues, narrow<std::uint32_t>(parse_decimal("queues", text, u16_max)));
}

Result<void> parse_queue_size(Arguments& into, std::string_view text)
{
    return store(into.queue_size,
                 narrow<std::uint32_t>(parse_decimal("queue_size", text, u16_max)));
}

Result<void> parse_blk_size(Arguments& into, std::string_view text)
{
    return store(into.blk_size, narrow<std::uint32_t>(parse_decimal("blk_size", text, u32_max)));
}

constexpr std::array keyword_table{
    KeywordSpec{KeywordId::name, "name", Match::prefix, "NAME", parse_name,
                "device name is not set."},
    KeywordSpec{KeywordId::new_name, "name", Match::prefix, "NAME", parse_new_name,
                "device name is not set."},
    KeywordSpec{KeywordId::mgmtdev, "mgmtdev", Match::prefix, "[BUS/]MGMTDEV", parse_mgmtdev,
                "management device handle not set."},
    KeywordSpec{KeywordId::mac, "mac", Match::exact, "MACADDR", parse_mac_value, ""},
    KeywordSpec{KeywordId::mtu, "mtu", Match::exact, "MTU", parse_mtu, ""},
    KeywordSpec{KeywordId::max_vqp, "max_vqp", Match::prefix, "MAX_VQ_PAIRS", parse_max_vqp, ""},
    KeywordSpec{KeywordId::qidx, "qidx", Match::exact, "QUEUE_INDEX", parse_qidx,
                "queue index is not set (qidx QUEUE_INDEX)."},
    KeywordSpec{KeywordId::device_features, "device_features", Match::exact, "DEVICE_FEATURES",
                parse_device_features, ""},
    // Ours: binds the device to a vdpa bus driver through sysfs.
    KeywordSpec{KeywordId::driver, "driver", Match::exact, "DRIVER", parse_driver, "",
                "virtio_vdpa | vhost_vdpa | none"},
    // Ours: state apply's.
    KeywordSpec{KeywordId::prune, "prune", Match::exact, "", parse_prune, ""},
    KeywordSpec{KeywordId::check, "check", Match::exact, "", parse_check, ""},
    KeywordSpec{KeywordId::wait, "wait", Match::exact, "SECONDS", parse_wait, ""},
    // Ours: dev add's backends on mgmtdev vduse, and their tuning.
    KeywordSpec{KeywordId::backend_file, "file", Match::exact, "PATH", parse_backend_file, ""},
    KeywordSpec{KeywordId::backend_tap, "tap", Match::exact, "IFNAME", parse_backend_tap, ""},
    KeywordSpec{KeywordId::readonly, "readonly", Match::exact, "", parse_readonly, ""},
    KeywordSpec{KeywordId::queues, "queues", Match::exact, "N", parse_queues, ""},
    KeywordSpec{KeywordId::queue_size, "queue_size", Match::exact, "N", parse_queue_size, ""},
    KeywordSpec{KeywordId::blk_size, "blk_size", Match::exact, "N", parse_blk_size, ""},
};

// Commands ------------------------------------------------------------

constexpr std::array<KeywordUse, 0> no_keywords{};

constexpr std::array add_keywords{
    KeywordUse{KeywordId::new_name, true},
    KeywordUse{KeywordId::mgmtdev, true, Complete::mgmtdev},
    KeywordUse{KeywordId::device_features, false},
    KeywordUse{KeywordId::mac, false},
    KeywordUse{KeywordId::mtu, false},
    KeywordUse{KeywordId::max_vqp, false},
    KeywordUse{KeywordId::backend_file, false, Complete::file},
    KeywordUse{KeywordId::backend_tap, false},
    KeywordUse{KeywordId::readonly, false},
    KeywordUse{KeywordId::queues, false},
    KeywordUse{KeywordId::queue_size, false},
    KeywordUse{KeywordId::blk_size, false},
    KeywordUse{KeywordId::driver, false, Complete::choices},
};

constexpr std::array set_keywords{
    KeywordUse{KeywordId::name, true, Complete::device},
    KeywordUse{KeywordId::mac, false},
    KeywordUse{KeywordId::driver, false, Complete::choices},
};

constexpr std::array vstats_keywords{
    KeywordUse{KeywordId::qidx, true, Complete::queue_index},
};

constexpr std::array state_apply_keywords{
    KeywordUse{KeywordId::prune, false},
    KeywordUse{KeywordId::check, false},
    KeywordUse{KeywordId::wait, false},
};

constexpr CommandSpec mgmtdev_show_command{"mgmtdev show", Positional::optional_mgmtdev,
                                           no_keywords, mgmtdev_show};
constexpr CommandSpec dev_show_command{"dev show", Positional::optional_device, no_keywords,
                                       dev_show};
constexpr CommandSpec dev_add_command{"dev add", Positional::none, add_keywords, dev_add};
constexpr CommandSpec dev_del_command{"dev del", Positional::device, no_keywords, dev_del};
constexpr CommandSpec dev_set_command{"dev set", Positional::none, set_keywords, dev_set};
constexpr CommandSpec dev_config_show_command{"dev config show", Positional::optional_device,
                                              no_keywords, dev_config_show};
constexpr CommandSpec dev_vstats_show_command{
    "dev vstats show", Positional::device, vstats_keywords, dev_vstats_show,
    "Usage: vdpa dev vstats show DEV [qidx QUEUE_INDEX]"};

constexpr CommandSpec monitor_command{"monitor", Positional::none, no_keywords, monitor};

constexpr CommandSpec state_show_command{"state show", Positional::none, no_keywords, state_show};
constexpr CommandSpec state_apply_command{"state apply", Positional::file, state_apply_keywords,
                                          state_apply};

constexpr std::array command_list{
    &mgmtdev_show_command, &dev_show_command,        &dev_add_command,         &dev_del_command,
    &dev_set_command,      &dev_config_show_command, &dev_vstats_show_command, &monitor_command,
    &state_show_command,   &state_apply_command,
};

// The tree, children in iproute2's matching order --------------------------

Node leaf(std::string_view word, Match match, const CommandSpec& command, bool alias = false)
{
    Node node{word, match, {}, &command};
    node.alias = alias;
    return node;
}

Node group(std::string_view word, Match match, std::span<const Node> children,
           Node::WhenBare when_bare, Match help_match = Match::prefix)
{
    Node node{word, match, children};
    node.when_bare = when_bare;
    node.help_match = help_match;
    return node;
}

const std::array mgmtdev_children{
    leaf("show", Match::prefix, mgmtdev_show_command),
    leaf("list", Match::prefix, mgmtdev_show_command, true),
};

const std::array config_children{
    leaf("show", Match::prefix, dev_config_show_command),
};

const std::array vstats_children{
    leaf("show", Match::exact, dev_vstats_show_command),
};

const std::array dev_children{
    leaf("show", Match::prefix, dev_show_command),
    leaf("list", Match::prefix, dev_show_command, true),
    leaf("add", Match::prefix, dev_add_command),
    leaf("del", Match::prefix, dev_del_command),
    group("config", Match::prefix, config_children, Node::WhenBare::run_default),
    group("vstats", Match::exact, vstats_children, Node::WhenBare::usage_error, Match::exact),
    leaf("set", Match::exact, dev_set_command),
};

// Ours: whole words only.
const std::array state_children{
    leaf("show", Match::exact, state_show_command),
    leaf("apply", Match::exact, state_apply_command),
};

const std::array object_children{
    group("mgmtdev", Match::prefix, mgmtdev_children, Node::WhenBare::help),
    group("dev", Match::prefix, dev_children, Node::WhenBare::run_default),
    // Ours, so no abbreviation.
    leaf("monitor", Match::exact, monitor_command),
    group("state", Match::exact, state_children, Node::WhenBare::help, Match::exact),
};

const Node root = group("vdpa", Match::exact, object_children, Node::WhenBare::help);

} // namespace

std::span<const KeywordSpec> keywords()
{
    return keyword_table;
}

const KeywordSpec& keyword(KeywordId id)
{
    for (const KeywordSpec& spec : keyword_table)
        if (spec.id == id)
            return spec;
    return keyword_table.front();
}

const Node& grammar_root()
{
    return root;
}

std::span<const CommandSpec* const> all_commands()
{
    return command_list;
}

} // namespace vdpa::cli

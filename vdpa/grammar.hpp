// SPDX-License-Identifier: GPL-2.0-or-later
//
// The command grammar as data. One table of objects, commands and keywords
// drives parsing, help text, the man page synopsis check and completion.
//
// Abbreviations follow iproute2 exactly so existing scripts keep working:
// words marked Match::prefix accept any non-empty prefix, tried in table
// order (so "vdpa d s" is "dev show"); "set", "vstats" and everything new
// must be spelled in full.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <vdpa/bus.hpp>
#include <vdpa/model.hpp>
#include <vdpa/result.hpp>

namespace vdpa::cli {

enum class Match : std::uint8_t { exact, prefix };

bool word_matches(std::string_view typed, std::string_view word, Match match);

// dev add on mgmtdev vduse: a backend makes vdpa serve the device itself
// (device/served_device.hpp). Each backend is a keyword whose value names
// what it serves; the keywords after it tune it.
enum class BackendKind : std::uint8_t {
    file, // file PATH: a virtio-blk disk
    tap,  // tap IFNAME: a virtio-net NIC whose other end is a TAP
};

struct Backend {
    BackendKind kind;
    std::string target; // the PATH of `file`, the IFNAME of `tap`
};

// Values a command line carries, once parsed.
struct Arguments {
    std::optional<std::string> device;    // DEV, or `name NAME`
    std::optional<MgmtDevHandle> mgmtdev; // positional or `mgmtdev`
    std::optional<MacAddress> mac;
    std::optional<std::uint16_t> mtu;
    std::optional<std::uint16_t> max_vqp;
    std::optional<std::uint32_t> qidx;
    std::optional<std::uint64_t> device_features;
    std::optional<BusDriver> driver;
    // dev add's backend and its tuning (only with a backend)
    std::optional<Backend> backend;
    bool readonly = false;
    std::optional<std::uint32_t> queues;
    std::optional<std::uint32_t> queue_size;
    std::optional<std::uint32_t> blk_size;
    // state apply
    std::optional<std::string> file; // "-" for stdin
    bool prune = false;
    bool check = false;
    std::optional<std::uint32_t> wait_seconds;
};

using ValueParser = Result<void> (*)(Arguments& into, std::string_view text);

enum class KeywordId : std::uint8_t {
    name,     // an existing device (dev set; also the positional DEV)
    new_name, // the device dev add creates: stricter rules
    mgmtdev,
    mac,
    mtu,
    max_vqp,
    qidx,
    device_features,
    driver,
    prune, // state apply's flags: a keyword without a value
    check,
    wait,
    // dev add's backends (BackendKind) and their tuning
    backend_file,
    backend_tap,
    readonly,
    queues,
    queue_size,
    blk_size,
};

struct KeywordSpec {
    KeywordId id;
    std::string_view word;
    Match match;
    std::string_view placeholder; // in help: "name NAME"; empty for a flag without a value
    ValueParser parse;
    // iproute2's message when a required keyword is missing.
    std::string_view missing_message;
    // For a closed set of values: "virtio_vdpa | vhost_vdpa | none".
    std::string_view choices = {};
};

// Keywords in the order iproute2 tries them: with prefix matching, the
// first one a word matches wins ("m" is mgmtdev, "ma" is max_vqp).
std::span<const KeywordSpec> keywords();
const KeywordSpec& keyword(KeywordId id);

enum class Positional : std::uint8_t {
    none,
    device,           // DEV, required
    optional_device,  // [ DEV ]
    optional_mgmtdev, // [ [BUS/]NAME ]
    file,             // FILE, required ("-" is stdin)
};

// What completion offers for a keyword's value (bash-completion/vdpa).
enum class Complete : std::uint8_t {
    nothing,     // a new name, a number, a MAC: nothing to offer
    device,      // an existing device's name
    mgmtdev,     // a management device's handle
    choices,     // the keyword's closed set of choices
    queue_index, // 0 .. the device's max_vqs - 1
    file,        // a path on this host (a backend's backing file)
};

struct KeywordUse {
    KeywordId id;
    bool required;
    Complete complete = Complete::nothing;
};

class Session;
using Handler = int (*)(Session& session, const Arguments& arguments);

struct CommandSpec {
    std::string_view path; // "dev config show", as shown in help
    Positional positional;
    std::span<const KeywordUse> keywords;
    Handler handler;
    // iproute2's usage line when the required DEV is missing, where it has
    // one; otherwise "String parameter expected".
    std::string_view usage_without_device = {};
};

// A node of the command tree: a group of subcommands or a command.
struct Node {
    enum class WhenBare : std::uint8_t {
        help,        // `vdpa mgmtdev`: print help, exit 0
        usage_error, // `vdpa dev vstats`: print help, exit 1
        run_default, // `vdpa dev`: run the first command listed
    };

    std::string_view word;
    Match match;
    std::span<const Node> children; // empty for a command
    const CommandSpec* command = nullptr;
    WhenBare when_bare = WhenBare::help;
    // How this group matches "help": iproute2 takes prefixes except under vstats.
    Match help_match = Match::prefix;
    // Shown in help as "show | list"; aliases are nodes with the same command.
    bool alias = false;
};

// The objects under `vdpa`.
const Node& grammar_root();

// Every command, once, in help order.
std::span<const CommandSpec* const> all_commands();

} // namespace vdpa::cli

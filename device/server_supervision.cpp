// SPDX-License-Identifier: GPL-2.0-or-later
#include "server_supervision.hpp"

#include "served_record.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string_view>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace vdpa::device {

namespace {

constexpr off_t max_settings_bytes = 16384;

// A value in double quotes as systemd's EnvironmentFile reads it: a
// backslash makes the next of \ " ` $ literal.
std::string double_quoted(const std::string &value)
{
    std::string out = "\"";
    for (char c : value) {
        if (c == '\\' || c == '"' || c == '`' || c == '$')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

// The reverse, for the values we wrote: nullopt for anything else.
std::optional<std::string> unquoted(std::string_view text)
{
    if (text.size() < 2 || text.front() != '"' || text.back() != '"')
        return std::nullopt;
    text = text.substr(1, text.size() - 2);
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '"')
            return std::nullopt;
        if (text[i] == '\\') {
            if (++i == text.size())
                return std::nullopt;
        }
        out += text[i];
    }
    return out;
}

bool parse_number(std::string_view text, std::uint32_t &value)
{
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && end == text.data() + text.size();
}

// Runs `argv` and waits; its stderr (and stdout) comes back in `said`.
int run(const std::vector<std::string> &argv, std::string &said)
{
    int output[2];
    if (pipe2(output, O_CLOEXEC) != 0)
        return -errno;
    std::vector<char *> args;
    for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    const pid_t child = fork();
    if (child < 0) {
        const int error = errno;
        close(output[0]);
        close(output[1]);
        return -error;
    }
    if (child == 0) {
        dup2(output[1], 1);
        dup2(output[1], 2);
        execv(args[0], args.data());
        _exit(127);
    }
    close(output[1]);
    char buffer[512];
    ssize_t n;
    while ((n = read(output[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            said.append(buffer, static_cast<std::size_t>(n));
    close(output[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    while (!said.empty() && said.back() == '\n')
        said.pop_back();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

std::string launch_settings_path(const std::string &name, const std::string &directory)
{
    return directory + "/" + name + ".conf";
}

std::string launch_settings_text(const BlkOptions &o)
{
    if (o.path.find('\n') != std::string::npos)
        return {};
    std::string options = "--queues " + std::to_string(o.queues) + " --queue-size " +
                          std::to_string(o.queue_size) + " --blk-size " +
                          std::to_string(o.blk_size);
    if (o.readonly)
        options += " --readonly";
    return "# Written by vdpa: the settings of this device's vdpa-blk-server\n"
           "FILE=" + double_quoted(o.path) + "\nOPTIONS=\"" + options + "\"\n";
}

std::string launch_settings_text(const NetOptions &o)
{
    if (o.tap.find('\n') != std::string::npos)
        return {};
    std::string options =
        "--mtu " + std::to_string(o.mtu) + " --queue-size " + std::to_string(o.queue_size);
    if (o.mac)
        options += " --mac " + format_mac(*o.mac);
    return "# Written by vdpa: the settings of this device's vdpa-net-server\n"
           "TAP=" + double_quoted(o.tap) + "\nOPTIONS=\"" + options + "\"\n";
}

namespace {

std::string write_settings_text(const std::string &name, const std::string &text,
                                const std::string &directory)
{
    if (text.empty())
        return "a name with a newline cannot be written in " +
               launch_settings_path(name, directory);
    if (directory == launch_settings_dir)
        mkdir("/run/vdpa", 0755);
    mkdir(directory.c_str(), 0755);
    return write_file_atomically(launch_settings_path(name, directory), text);
}

// The settings file's text, when the file is one we could have written;
// nullopt when missing, too large, not root's (or the reader's), or
// writable by others: anyone else's could make us start a server on their
// choice of file or interface.
std::optional<std::string> read_settings_text(const std::string &name,
                                              const std::string &directory)
{
    const std::string path = launch_settings_path(name, directory);
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > max_settings_bytes)
        return std::nullopt;
    if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)))
        return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

std::string write_launch_settings(const std::string &name, const BlkOptions &options,
                                  const std::string &directory)
{
    return write_settings_text(name, launch_settings_text(options), directory);
}

std::string write_launch_settings(const std::string &name, const NetOptions &options,
                                  const std::string &directory)
{
    return write_settings_text(name, launch_settings_text(options), directory);
}

void remove_launch_settings(const std::string &name, const std::string &directory)
{
    unlink(launch_settings_path(name, directory).c_str());
}

namespace {

// A settings file's two lines, the same for every server: BACKEND=VALUE
// (FILE= or TAP=, not empty) and OPTIONS=, split into words. nullopt when
// a line is malformed or unknown, or one of the two is missing.
struct SettingsLines {
    std::string backend;
    std::vector<std::string> options;
};

std::optional<SettingsLines> read_settings_lines(const std::string &text, std::string_view backend_key)
{
    SettingsLines settings;
    bool has_backend = false, has_options = false;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        const auto equals = line.find('=');
        if (equals == std::string::npos)
            return std::nullopt;
        const std::string_view key = std::string_view(line).substr(0, equals);
        auto value = unquoted(std::string_view(line).substr(equals + 1));
        if (!value)
            return std::nullopt;
        if (key == backend_key && !value->empty()) {
            settings.backend = *value;
            has_backend = true;
        } else if (key == "OPTIONS") {
            std::istringstream words(*value);
            settings.options.clear();
            for (std::string word; words >> word;)
                settings.options.push_back(word);
            has_options = true;
        } else {
            return std::nullopt;
        }
    }
    if (!has_backend || !has_options)
        return std::nullopt;
    return settings;
}

} // namespace

std::optional<BlkOptions> parse_launch_settings(const std::string &text)
{
    auto settings = read_settings_lines(text, "FILE");
    if (!settings)
        return std::nullopt;
    BlkOptions o;
    o.path = settings->backend;
    const auto &words = settings->options;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "--readonly") {
            o.readonly = true;
            continue;
        }
        std::uint32_t *target = words[i] == "--queues"       ? &o.queues
                                : words[i] == "--queue-size" ? &o.queue_size
                                : words[i] == "--blk-size"   ? &o.blk_size
                                                             : nullptr;
        if (!target || ++i == words.size() || !parse_number(words[i], *target))
            return std::nullopt;
    }
    return o;
}

std::optional<BlkOptions> read_launch_settings(const std::string &name,
                                               const std::string &directory)
{
    auto text = read_settings_text(name, directory);
    return text ? parse_launch_settings(*text) : std::nullopt;
}

std::optional<NetOptions> parse_net_launch_settings(const std::string &text)
{
    auto settings = read_settings_lines(text, "TAP");
    if (!settings)
        return std::nullopt;
    NetOptions o;
    o.tap = settings->backend;
    const auto &words = settings->options;
    for (std::size_t i = 0; i < words.size(); i += 2) {
        if (i + 1 == words.size())
            return std::nullopt;
        const std::string &word = words[i], &value = words[i + 1];
        if (word == "--mac") {
            o.mac = parse_mac(value);
            if (!o.mac)
                return std::nullopt;
            continue;
        }
        std::uint32_t *target = word == "--mtu"          ? &o.mtu
                                : word == "--queue-size" ? &o.queue_size
                                                         : nullptr;
        if (!target || !parse_number(value, *target))
            return std::nullopt;
    }
    return o;
}

std::optional<NetOptions> read_net_launch_settings(const std::string &name,
                                                   const std::string &directory)
{
    auto text = read_settings_text(name, directory);
    return text ? parse_net_launch_settings(*text) : std::nullopt;
}

namespace {

std::string server_unit(std::string_view server, const std::string &name)
{
    if (name.empty() || name.front() == '.' ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789:_.-") != std::string::npos)
        return {};
    return std::string(server) + "@" + name + ".service";
}

} // namespace

std::string blk_server_unit(const std::string &name)
{
    return server_unit("vdpa-blk-server", name);
}

std::string net_server_unit(const std::string &name)
{
    return server_unit("vdpa-net-server", name);
}

DeviceError start_unit(const std::string &systemctl, const std::string &unit)
{
    std::string said;
    const int status = run({systemctl, "start", unit}, said);
    if (status == 0)
        return {};
    // A failed start would otherwise be retried by Restart=on-failure.
    std::string ignored;
    run({systemctl, "stop", unit}, ignored);
    run({systemctl, "reset-failed", unit}, ignored);
    if (status < 0)
        return DeviceError{-status, "cannot run " + systemctl + ": " + std::strerror(-status)};
    if (status == 127)
        return DeviceError{ENOENT, "cannot run " + systemctl};
    return DeviceError{EIO, "systemctl start " + unit + " failed" +
                                (said.empty() ? "" : ": " + said) +
                                " (its server's message: journalctl -u " + unit + ")"};
}

DeviceError restart_unit(const std::string &systemctl, const std::string &unit)
{
    std::string ignored;
    run({systemctl, "reset-failed", unit}, ignored);
    return start_unit(systemctl, unit);
}

} // namespace vdpa::device

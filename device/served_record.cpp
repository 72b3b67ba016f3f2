// SPDX-License-Identifier: GPL-2.0-or-later
#include "served_record.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace vdpa::device {

namespace {

// A record is a path and two short words: anything larger is not ours.
constexpr off_t max_record_bytes = 16384;

std::string read_small_file(const std::string &path, std::size_t limit)
{
    std::ifstream in(path, std::ios::binary);
    std::string text(limit, '\0');
    in.read(text.data(), static_cast<std::streamsize>(limit));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

} // namespace

std::string served_record_path(const std::string &name, const std::string &directory)
{
    return directory + "/" + name + ".json";
}

std::string write_file_atomically(const std::string &path, const std::string &text)
{
    const std::string temporary = path + ".tmp";
    const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return "cannot write " + temporary + ": " + std::strerror(errno);
    const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    close(fd);
    if (!written || rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        unlink(temporary.c_str());
        return "cannot write " + path + ": " + why;
    }
    return {};
}

std::string write_served_record(const std::string &name, const ServedRecord &record,
                                const std::string &directory)
{
    if (directory == served_record_dir)
        mkdir("/run/vdpa", 0755);
    mkdir(directory.c_str(), 0755);
    nlohmann::json json = {{"backend", record.backend},
                           {"target", record.target},
                           {"server_pid", record.server_pid}};
    // Paths are bytes; the JSON library refuses invalid UTF-8 unless told.
    const std::string text =
        json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    const std::string path = served_record_path(name, directory);
    return write_file_atomically(path, text);
}

void remove_served_record(const std::string &name, const std::string &directory)
{
    unlink(served_record_path(name, directory).c_str());
}

std::optional<ServedRecord> read_served_record(const std::string &name,
                                               const std::string &directory)
{
    const std::string path = served_record_path(name, directory);
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > max_record_bytes)
        return std::nullopt;
    // Anyone else could have put it there to make us signal a process.
    if (st.st_uid != 0 && st.st_uid != geteuid())
        return std::nullopt;
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return std::nullopt;
    const nlohmann::json json = nlohmann::json::parse(
        read_small_file(path, static_cast<std::size_t>(max_record_bytes)), nullptr, false);
    if (!json.is_object())
        return std::nullopt;
    auto backend = json.find("backend");
    auto target = json.find("target");
    auto pid = json.find("server_pid");
    if (backend == json.end() || !backend->is_string() || target == json.end() ||
        !target->is_string() || pid == json.end() || !pid->is_number_unsigned())
        return std::nullopt;
    const auto pid_value = pid->get<std::uint64_t>();
    if (pid_value == 0 || pid_value > 4194304) // PID_MAX_LIMIT
        return std::nullopt;
    ServedRecord record;
    record.backend = backend->get<std::string>();
    record.target = target->get<std::string>();
    record.server_pid = static_cast<pid_t>(pid_value);
    // A backend is a keyword of the grammar: one short lowercase word.
    if (record.backend.empty() || record.backend.size() > 16 ||
        record.backend.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
        return std::nullopt;
    return record;
}

bool serves_device(pid_t pid, const std::string &name)
{
    const std::string proc = "/proc/" + std::to_string(pid);
    std::string comm = read_small_file(proc + "/comm", 64);
    if (comm.rfind("vdpa-", 0) != 0)
        return false;
    const std::string cmdline = read_small_file(proc + "/cmdline", 65536);
    // Arguments are NUL-terminated: look for "--name\0NAME\0".
    const std::string wanted = std::string("--name") + '\0' + name + '\0';
    const std::size_t at = cmdline.find(wanted);
    return at != std::string::npos && (at == 0 || cmdline[at - 1] == '\0');
}

std::optional<ServedRecord> live_served_record(const std::string &name)
{
    auto record = read_served_record(name);
    if (!record || !serves_device(record->server_pid, name))
        return std::nullopt;
    return record;
}

} // namespace vdpa::device

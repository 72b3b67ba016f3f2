// SPDX-License-Identifier: LGPL-2.1-or-later
#include "sysfs.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vdpa::sysfs {
bool exists(const std::string& path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<std::string> read(const std::string& path)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::system(errno, "cannot read " + path);
    std::string text;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            ::close(fd);
            return Error::system(saved, "cannot read " + path);
        }
        if (n == 0)
            break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    return text;
}

Result<void> write(const std::string& path, const std::string& text)
{
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::system(errno, "cannot open " + path);
    ssize_t n;
    do {
        n = ::write(fd, text.data(), text.size());
    } while (n < 0 && errno == EINTR);
    int saved = errno;
    ::close(fd);
    if (n < 0)
        return Error::system(saved, "cannot write to " + path);
    return {};
}

std::optional<std::string> link_target(const std::string& path)
{
    char target[PATH_MAX];
    ssize_t n = ::readlink(path.c_str(), target, sizeof(target));
    if (n < 0)
        return std::nullopt;
    return std::string(target, static_cast<std::size_t>(n));
}

std::optional<std::string> link_name(const std::string& path)
{
    auto target = link_target(path);
    if (!target)
        return std::nullopt;
    return target->substr(target->rfind('/') + 1);
}

std::optional<std::string> real_path(const std::string& path)
{
    // The kernel resolves the path once and /proc/self/fd names the
    // result: three system calls, where realpath(3) reads every component
    // as a link (seven for /sys/bus/vdpa/devices/NAME, and batch mode
    // looks devices up once a line).
    int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    char target[PATH_MAX];
    ssize_t length =
        ::readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), target, sizeof(target));
    ::close(fd);
    if (length > 0 && length < static_cast<ssize_t>(sizeof(target)) && target[0] == '/')
        return std::string(target, static_cast<std::size_t>(length));
    // Without /proc, the long way.
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (!resolved)
        return std::nullopt;
    std::string text(resolved);
    std::free(resolved);
    return text;
}

Result<std::vector<std::string>> read_directory(const std::string& directory)
{
    DIR* dir = ::opendir(directory.c_str());
    if (!dir)
        return Error::system(errno, "cannot read " + directory);
    std::vector<std::string> names;
    for (;;) {
        errno = 0;
        dirent* entry = ::readdir(dir);
        if (!entry)
            break;
        std::string name = entry->d_name;
        if (name != "." && name != "..")
            names.push_back(std::move(name));
    }
    int saved = errno;
    ::closedir(dir);
    if (saved != 0)
        return Error::system(saved, "cannot read " + directory);
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> list(const std::string& directory)
{
    return read_directory(directory).value_or({});
}

} // namespace vdpa::sysfs

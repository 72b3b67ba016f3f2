// SPDX-License-Identifier: GPL-2.0-or-later
//
// libfault-inject.so: an LD_PRELOAD shim that makes the socket calls of
// any program (the vdpa CLI, through libmnl or directly) fail the way the
// kernel seldom lets them fail on purpose (tests/vm/faults.sh). The kernel
// paces a netlink dump by the reader's receives and answers a request
// before sendmsg returns, so a receive never blocks long enough for a
// signal to interrupt it, and a dump never overruns the receive buffer:
// the library's EINTR and ENOBUFS branches need this shim to run at all.
//
// Only netlink sockets are touched. VDPA_FAULTS chooses the fault:
//
//   eintr=N         every Nth netlink send or receive (N >= 2) fails with
//                   EINTR before doing anything; the caller must retry
//   enobufs=dump    the receive that follows a dump datagram without the
//                   dump's end takes the next datagram and throws it away,
//                   then fails with ENOBUFS, once: replies lost mid-dump
//   enobufs=K       the Kth netlink receive does the same, once
//
// VDPA_FAULTS_LOG, if set, is a file that gets one line per injected
// fault, so a test can tell that the fault happened.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <dlfcn.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

enum class Mode { none, eintr, enobufs_dump, enobufs_call };

struct Config {
    Mode mode = Mode::none;
    long every = 0; // eintr: every Nth call; enobufs=K: K
    const char* log = nullptr;
};

Config read_config()
{
    Config config;
    const char* spec = std::getenv("VDPA_FAULTS");
    config.log = std::getenv("VDPA_FAULTS_LOG");
    if (!spec)
        return config;
    std::string_view text(spec);
    if (text.substr(0, 6) == "eintr=") {
        config.every = std::strtol(spec + 6, nullptr, 10);
        if (config.every >= 2)
            config.mode = Mode::eintr;
    } else if (text == "enobufs=dump") {
        config.mode = Mode::enobufs_dump;
    } else if (text.substr(0, 8) == "enobufs=") {
        config.every = std::strtol(spec + 8, nullptr, 10);
        if (config.every >= 1)
            config.mode = Mode::enobufs_call;
    }
    return config;
}

const Config& config()
{
    static const Config loaded = read_config();
    return loaded;
}

long calls = 0;            // netlink sends and receives, for eintr
long receives = 0;         // netlink receives, for enobufs=K
bool dump_continues = false; // the last datagram was a dump's, not its end
bool enobufs_done = false;

void note(const char* what)
{
    if (!config().log)
        return;
    int fd = ::open(config().log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    ssize_t ignored = ::write(fd, what, std::strlen(what));
    (void)ignored;
    ::close(fd);
}

bool is_netlink(int fd)
{
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    return ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
           address.ss_family == AF_NETLINK;
}

template <typename Function>
Function next(const char* name)
{
    return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

// Whether to fail this call with EINTR (before doing anything).
bool interrupt(int fd, const char* call)
{
    if (config().mode != Mode::eintr || !is_netlink(fd))
        return false;
    if (++calls % config().every != 0)
        return false;
    note(call);
    return true;
}

// Whether this receive is the one that loses a datagram with ENOBUFS.
bool overrun(int fd)
{
    Mode mode = config().mode;
    if (enobufs_done || (mode != Mode::enobufs_dump && mode != Mode::enobufs_call) ||
        !is_netlink(fd))
        return false;
    ++receives;
    if (mode == Mode::enobufs_call ? receives != config().every : !dump_continues)
        return false;
    enobufs_done = true;
    return true;
}

// Remembers whether `datagram` is part of a dump that goes on after it.
void watch_dump(const void* datagram, ssize_t length)
{
    if (config().mode != Mode::enobufs_dump || length < 0)
        return;
    const auto* bytes = static_cast<const unsigned char*>(datagram);
    bool multipart = false;
    bool done = false;
    std::size_t at = 0;
    while (at + sizeof(nlmsghdr) <= static_cast<std::size_t>(length)) {
        nlmsghdr header;
        std::memcpy(&header, bytes + at, sizeof(header));
        if (header.nlmsg_len < sizeof(nlmsghdr))
            break;
        multipart |= (header.nlmsg_flags & NLM_F_MULTI) != 0;
        done |= header.nlmsg_type == NLMSG_DONE || header.nlmsg_type == NLMSG_ERROR;
        at += NLMSG_ALIGN(header.nlmsg_len);
    }
    dump_continues = multipart && !done;
}

// The datagram the kernel would have delivered is taken and dropped.
ssize_t lose(ssize_t received, const char* call)
{
    if (received < 0)
        return received;
    note(call);
    errno = ENOBUFS;
    return -1;
}

} // namespace

extern "C" {

ssize_t recvmsg(int fd, msghdr* message, int flags)
{
    static auto real = next<ssize_t (*)(int, msghdr*, int)>("recvmsg");
    if (interrupt(fd, "eintr recvmsg\n")) {
        errno = EINTR;
        return -1;
    }
    bool lost = overrun(fd);
    ssize_t received = real(fd, message, flags);
    if (lost)
        return lose(received, "enobufs recvmsg\n");
    if (received > 0 && message->msg_iovlen > 0)
        watch_dump(message->msg_iov[0].iov_base,
                   std::min<ssize_t>(received, static_cast<ssize_t>(message->msg_iov[0].iov_len)));
    return received;
}

ssize_t recvfrom(int fd, void* buffer, size_t length, int flags, sockaddr* from,
                 socklen_t* from_length)
{
    static auto real = next<ssize_t (*)(int, void*, size_t, int, sockaddr*, socklen_t*)>("recvfrom");
    if (interrupt(fd, "eintr recvfrom\n")) {
        errno = EINTR;
        return -1;
    }
    bool lost = overrun(fd);
    ssize_t received = real(fd, buffer, length, flags, from, from_length);
    if (lost)
        return lose(received, "enobufs recvfrom\n");
    if (received > 0)
        watch_dump(buffer, std::min<ssize_t>(received, static_cast<ssize_t>(length)));
    return received;
}

ssize_t recv(int fd, void* buffer, size_t length, int flags)
{
    return recvfrom(fd, buffer, length, flags, nullptr, nullptr);
}

ssize_t sendto(int fd, const void* buffer, size_t length, int flags, const sockaddr* to,
               socklen_t to_length)
{
    static auto real =
        next<ssize_t (*)(int, const void*, size_t, int, const sockaddr*, socklen_t)>("sendto");
    if (interrupt(fd, "eintr sendto\n")) {
        errno = EINTR;
        return -1;
    }
    return real(fd, buffer, length, flags, to, to_length);
}

ssize_t sendmsg(int fd, const msghdr* message, int flags)
{
    static auto real = next<ssize_t (*)(int, const msghdr*, int)>("sendmsg");
    if (interrupt(fd, "eintr sendmsg\n")) {
        errno = EINTR;
        return -1;
    }
    return real(fd, message, flags);
}

} // extern "C"

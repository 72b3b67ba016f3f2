// SPDX-License-Identifier: LGPL-2.1-or-later
#include <cerrno>
#include <cstring>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "netlink/transport.hpp"

namespace vdpa::netlink {
namespace {

class MnlTransport final : public Transport {
public:
    explicit MnlTransport(mnl_socket* socket) : socket_(socket) {}
    ~MnlTransport() override { mnl_socket_close(socket_); }
    MnlTransport(const MnlTransport&) = delete;
    MnlTransport& operator=(const MnlTransport&) = delete;

    Result<void> send(std::span<const std::byte> message) override
    {
        for (;;) {
            ssize_t sent = mnl_socket_sendto(socket_, message.data(), message.size());
            if (sent >= 0)
                return {};
            if (errno != EINTR)
                return Error::system(errno, "cannot send a netlink request");
        }
    }

    Result<std::size_t> receive(std::span<std::byte> buffer) override
    {
        for (;;) {
            // mnl_socket_recvfrom reports a datagram larger than the buffer
            // (MSG_TRUNC) as ENOSPC instead of handing back half of it.
            ssize_t received = mnl_socket_recvfrom(socket_, buffer.data(), buffer.size());
            if (received >= 0)
                return static_cast<std::size_t>(received);
            if (errno == EINTR)
                continue;
            // Reported, never recovered from: what arrived before has been
            // handed on already, and the lost datagram may be the ack, for
            // which waiting would never end.
            if (errno == ENOBUFS)
                return Error::system(errno, "the kernel dropped netlink replies (the socket's "
                                            "receive buffer overflowed), so the reply is incomplete");
            if (errno == ENOSPC)
                return Error::system(EMSGSIZE, "a netlink reply is larger than the receive buffer");
            return Error::system(errno, "cannot receive a netlink reply");
        }
    }

    std::uint32_t port_id() const override { return mnl_socket_get_portid(socket_); }

private:
    mnl_socket* socket_;
};

} // namespace

Result<std::unique_ptr<Transport>> open_generic_netlink(int receive_buffer)
{
    mnl_socket* socket = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
    if (!socket)
        return Error::system(errno, "cannot open a generic netlink socket");
    auto transport = std::make_unique<MnlTransport>(socket);

    // Extended acks carry the kernel's explanation of an error ("vdpa:
    // device not found"); capped acks keep error replies small.
    int on = 1;
    mnl_socket_setsockopt(socket, NETLINK_EXT_ACK, &on, sizeof(on));
    mnl_socket_setsockopt(socket, NETLINK_CAP_ACK, &on, sizeof(on));

    if (receive_buffer > 0 &&
        setsockopt(mnl_socket_get_fd(socket), SOL_SOCKET, SO_RCVBUF, &receive_buffer,
                   sizeof(receive_buffer)) < 0)
        return Error::system(errno, "cannot set the netlink socket's receive buffer");

    if (mnl_socket_bind(socket, 0, MNL_SOCKET_AUTOPID) < 0)
        return Error::system(errno, "cannot bind a generic netlink socket");
    return std::unique_ptr<Transport>(std::move(transport));
}

} // namespace vdpa::netlink

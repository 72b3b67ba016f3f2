// SPDX-License-Identifier: GPL-2.0-or-later
//
// The kernel-bound limit for bulk work: the least a process can do to add
// or delete N vDPA devices, one generic netlink request after another, each
// waiting for its ack. No parsing, no output, no library above libmnl.
//
//   nlloop add PREFIX COUNT MGMTDEV
//   nlloop del PREFIX COUNT
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "vdpa_netlink.hpp"

namespace {

// MNL_SOCKET_BUFFER_SIZE is not a constant expression (it asks getpagesize).
char buffer[8192];

int run(mnl_socket* socket, nlmsghdr* request, mnl_cb_t callback, void* data)
{
    unsigned port = mnl_socket_get_portid(socket);
    if (mnl_socket_sendto(socket, request, request->nlmsg_len) < 0)
        return -errno;
    int status;
    do {
        ssize_t length = mnl_socket_recvfrom(socket, buffer, sizeof(buffer));
        if (length < 0)
            return -errno;
        status = mnl_cb_run(buffer, length, request->nlmsg_seq, port, callback, data);
    } while (status > 0);
    return status < 0 ? -errno : 0;
}

int family_id_callback(const nlmsghdr* message, void* data)
{
    auto* attributes =
        static_cast<const char*>(mnl_nlmsg_get_payload_offset(message, sizeof(genlmsghdr)));
    auto* end = reinterpret_cast<const char*>(mnl_nlmsg_get_payload_tail(message));
    for (auto* attr = reinterpret_cast<const nlattr*>(attributes);
         mnl_attr_ok(attr, static_cast<int>(end - reinterpret_cast<const char*>(attr)));
         attr = mnl_attr_next(attr))
        if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
            *static_cast<std::uint16_t*>(data) = mnl_attr_get_u16(attr);
    return MNL_CB_OK;
}

nlmsghdr* start(std::uint16_t type, std::uint8_t command, std::uint32_t seq)
{
    nlmsghdr* message = mnl_nlmsg_put_header(buffer);
    message->nlmsg_type = type;
    message->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    message->nlmsg_seq = seq;
    auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(message, sizeof(genlmsghdr)));
    genl->cmd = command;
    genl->version = 1;
    return message;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 4 || (std::strcmp(argv[1], "add") == 0 && argc < 5)) {
        std::fprintf(stderr, "usage: nlloop add PREFIX COUNT MGMTDEV | del PREFIX COUNT\n");
        return 2;
    }
    bool add = std::strcmp(argv[1], "add") == 0;
    int count = std::atoi(argv[3]);
    mnl_socket* socket = mnl_socket_open(NETLINK_GENERIC);
    if (!socket || mnl_socket_bind(socket, 0, MNL_SOCKET_AUTOPID) < 0)
        return perror("socket"), 1;

    std::uint32_t seq = 1;
    nlmsghdr* request = start(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, seq++);
    mnl_attr_put_strz(request, CTRL_ATTR_FAMILY_NAME, vdpa::uapi::family_name);
    std::uint16_t family = 0;
    if (run(socket, request, family_id_callback, &family) < 0 || family == 0)
        return std::fprintf(stderr, "no vdpa family\n"), 1;

    for (int i = 0; i < count; ++i) {
        std::string name = std::string(argv[2]) + std::to_string(i);
        request = start(family, add ? vdpa::uapi::cmd_dev_new : vdpa::uapi::cmd_dev_del, seq++);
        if (add)
            mnl_attr_put_strz(request, vdpa::uapi::attr_mgmtdev_dev_name, argv[4]);
        mnl_attr_put_strz(request, vdpa::uapi::attr_dev_name, name.c_str());
        if (int error = run(socket, request, nullptr, nullptr); error < 0)
            return std::fprintf(stderr, "%s: %s\n", name.c_str(), std::strerror(-error)), 1;
    }
    mnl_socket_close(socket);
    return 0;
}

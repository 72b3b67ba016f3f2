// SPDX-License-Identifier: LGPL-2.1-or-later
#include "netlink/channel.hpp"

#include <cstring>
#include <ctime>
#include <optional>
#include <string>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "netlink/attributes.hpp"

namespace vdpa::netlink {
namespace {

const AttrPolicy extack_policy =
    AttrPolicy()
        .add(NLMSGERR_ATTR_MSG, AttrKind::string, "NLMSGERR_ATTR_MSG")
        .add(NLMSGERR_ATTR_OFFS, AttrKind::u32, "NLMSGERR_ATTR_OFFS")
        .add(NLMSGERR_ATTR_MISS_TYPE, AttrKind::u32, "NLMSGERR_ATTR_MISS_TYPE");

struct ExtendedAck {
    std::string message;
    std::uint16_t attribute = 0;
};

// The kernel reports -errno; anything else is a malformed reply (the
// fuzzer's INT_MIN cannot even be negated).
constexpr int max_errno = 4095;

Error kernel_error(int status, ExtendedAck ack)
{
    if (status >= 0 ? status > max_errno : status < -max_errno)
        return Error::protocol("malformed netlink reply: error code " + std::to_string(status));
    return Error::kernel(status < 0 ? -status : status, std::move(ack.message), ack.attribute);
}

// The TLVs a kernel with NETLINK_EXT_ACK appends to NLMSG_ERROR and
// NLMSG_DONE. `tlv_offset` is where they start within the payload.
ExtendedAck read_extended_ack(const nlmsghdr* message, std::size_t tlv_offset,
                              const Request& request)
{
    ExtendedAck ack;
    if (!(message->nlmsg_flags & NLM_F_ACK_TLVS))
        return ack;
    auto payload = message_payload(message, 0);
    if (tlv_offset >= payload.size())
        return ack;
    // A malformed explanation must not hide the error it explains.
    auto attrs = AttrSet::parse(payload.subspan(tlv_offset), extack_policy);
    if (!attrs)
        return ack;
    if (auto text = attrs->string(NLMSGERR_ATTR_MSG))
        ack.message = *text;
    if (auto offset = attrs->u32(NLMSGERR_ATTR_OFFS))
        ack.attribute = request.attribute_at(*offset);
    else if (auto missing = attrs->u32(NLMSGERR_ATTR_MISS_TYPE))
        ack.attribute = static_cast<std::uint16_t>(*missing);
    return ack;
}

// NLMSG_ERROR: an ack (error 0) or the request's failure.
Result<Ack> read_error_message(const nlmsghdr* message, const Request& request)
{
    auto payload = message_payload(message, 0);
    if (payload.size() < sizeof(nlmsgerr))
        return Error::protocol("malformed netlink reply: truncated error message");
    const auto* error = reinterpret_cast<const nlmsgerr*>(payload.data());
    // With NLM_F_CAPPED the kernel echoes only our header, else our whole
    // request, before the extended-ack TLVs.
    std::size_t tlv_offset = sizeof(nlmsgerr);
    if (!(message->nlmsg_flags & NLM_F_CAPPED) && error->msg.nlmsg_len > sizeof(nlmsghdr))
        tlv_offset += MNL_ALIGN(error->msg.nlmsg_len - sizeof(nlmsghdr));
    ExtendedAck ack = read_extended_ack(message, tlv_offset, request);
    if (error->error == 0)
        return Ack{std::move(ack.message)};
    return kernel_error(error->error, std::move(ack));
}

// NLMSG_DONE: the end of a dump, possibly carrying the dump's failure.
Result<Ack> read_done_message(const nlmsghdr* message, const Request& request)
{
    auto payload = message_payload(message, 0);
    int status = 0;
    if (payload.size() >= sizeof(status))
        std::memcpy(&status, payload.data(), sizeof(status));
    ExtendedAck ack = read_extended_ack(message, sizeof(int), request);
    if (status < 0)
        return kernel_error(status, std::move(ack));
    return Ack{std::move(ack.message)};
}

} // namespace

Channel::Channel(std::unique_ptr<Transport> transport)
    : transport_(std::move(transport)), buffer_(receive_buffer_size)
{
    // Start numbering somewhere a previous process on a reused port id is
    // unlikely to have left replies.
    sequence_ = static_cast<std::uint32_t>(std::time(nullptr));
}

Result<Ack> Channel::transact(Request& request, const MessageHandler& handler)
{
    if (!request.complete())
        return Error::invalid("the request does not fit in a netlink message");
    nlmsghdr* header = request.header();
    header->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    header->nlmsg_seq = ++sequence_;
    header->nlmsg_pid = 0;
    if (auto sent = transport_->send(request.bytes()); !sent)
        return std::move(sent).error();

    std::optional<Error> handler_error;
    for (;;) {
        auto received = transport_->receive(buffer_);
        if (!received)
            return std::move(received).error();
        if (*received == 0)
            return Error::protocol("the kernel closed the netlink exchange without a reply");
        if (auto outcome = read_datagram(*received, request, handler, handler_error))
            return *std::move(outcome);
    }
}

std::optional<Result<Ack>> Channel::read_datagram(std::size_t length, const Request& request,
                                                  const MessageHandler& handler,
                                                  std::optional<Error>& handler_error)
{
    std::size_t remaining = length;
    auto* message = reinterpret_cast<const nlmsghdr*>(buffer_.data());
    while (remaining > 0) {
        if (remaining < sizeof(nlmsghdr) || message->nlmsg_len < sizeof(nlmsghdr) ||
            message->nlmsg_len > remaining)
            return Result<Ack>(Error::protocol("malformed netlink reply: truncated message"));
        // Replies to an earlier request that was abandoned: not ours.
        if (message->nlmsg_seq == sequence_) {
            switch (message->nlmsg_type) {
            case NLMSG_NOOP:
                break;
            case NLMSG_OVERRUN:
                return Result<Ack>(Error::system(ENOBUFS, "netlink reply overrun"));
            case NLMSG_ERROR:
            case NLMSG_DONE: {
                auto outcome = message->nlmsg_type == NLMSG_ERROR
                                   ? read_error_message(message, request)
                                   : read_done_message(message, request);
                // The kernel's answer ends the exchange; a handler's
                // failure before it is the error worth reporting.
                if (outcome && handler_error)
                    return Result<Ack>(*std::move(handler_error));
                return outcome;
            }
            default:
                if (handler && !handler_error) {
                    if (auto handled = handler(message); !handled)
                        handler_error = std::move(handled).error();
                }
                break;
            }
        }
        std::size_t step = MNL_ALIGN(message->nlmsg_len);
        if (step >= remaining)
            break;
        remaining -= step;
        message =
            reinterpret_cast<const nlmsghdr*>(reinterpret_cast<const std::byte*>(message) + step);
    }
    return std::nullopt;
}

} // namespace vdpa::netlink

// SPDX-License-Identifier: GPL-2.0-or-later
//
// The kernel's side of the VDUSE device fd faked by a socket pair: each
// request type reaches the handler and is answered with its request_id.
#include "vduse/device_channel.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

using namespace vdpa::device;
namespace vduse = vdpa::uapi::vduse;

namespace {

struct RecordingHandler : VduseRequestHandler {
    std::vector<std::uint8_t> statuses;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> invalidated;
    bool refuse = false;
    bool set_status(std::uint8_t status) override
    {
        statuses.push_back(status);
        return !refuse;
    }
    std::uint16_t vq_avail_index(std::uint32_t index) override
    {
        return static_cast<std::uint16_t>(100 + index);
    }
    void iotlb_invalidated(std::uint64_t first, std::uint64_t last) override
    {
        invalidated.emplace_back(first, last);
    }
};

struct FakeKernel {
    int kernel = -1, device = -1;
    FakeKernel()
    {
        int fds[2];
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0);
        kernel = fds[0];
        device = fds[1];
    }
    ~FakeKernel()
    {
        close(kernel);
        close(device);
    }
    vduse::DevResponse ask(const vduse::DevRequest &request, VduseRequestHandler &handler)
    {
        EXPECT_EQ(write(kernel, &request, sizeof request), ssize_t(sizeof request));
        EXPECT_EQ(serve_one_request(device, handler), 0);
        vduse::DevResponse response{};
        EXPECT_EQ(read(kernel, &response, sizeof response), ssize_t(sizeof response));
        return response;
    }
};

} // namespace

TEST(VduseRequests, SetStatusAnsweredWithSameId)
{
    FakeKernel k;
    RecordingHandler h;
    vduse::DevRequest r{};
    r.type = vduse::req_set_status;
    r.request_id = 77;
    r.status = 0x0f;
    auto response = k.ask(r, h);
    EXPECT_EQ(response.request_id, 77u);
    EXPECT_EQ(response.result, vduse::result_ok);
    EXPECT_EQ(h.statuses, (std::vector<std::uint8_t>{0x0f}));
}

TEST(VduseRequests, RefusedStatusAnsweredFailed)
{
    FakeKernel k;
    RecordingHandler h;
    h.refuse = true;
    vduse::DevRequest r{};
    r.type = vduse::req_set_status;
    r.request_id = 5;
    EXPECT_EQ(k.ask(r, h).result, vduse::result_failed);
}

TEST(VduseRequests, GetVqStateAnswersAvailIndex)
{
    FakeKernel k;
    RecordingHandler h;
    vduse::DevRequest r{};
    r.type = vduse::req_get_vq_state;
    r.request_id = 9;
    r.vq_state.index = 3;
    auto response = k.ask(r, h);
    EXPECT_EQ(response.vq_state.index, 3u);
    EXPECT_EQ(response.vq_state.split.avail_index, 103);
}

TEST(VduseRequests, UpdateIotlbReachesHandler)
{
    FakeKernel k;
    RecordingHandler h;
    vduse::DevRequest r{};
    r.type = vduse::req_update_iotlb;
    r.iova = {0x1000, 0x1fff};
    EXPECT_EQ(k.ask(r, h).result, vduse::result_ok);
    ASSERT_EQ(h.invalidated.size(), 1u);
    EXPECT_EQ(h.invalidated[0].second, 0x1fffu);
}

TEST(VduseRequests, UnknownTypeAnsweredFailed)
{
    FakeKernel k;
    RecordingHandler h;
    vduse::DevRequest r{};
    r.type = 99;
    EXPECT_EQ(k.ask(r, h).result, vduse::result_failed);
    EXPECT_TRUE(h.statuses.empty());
}

TEST(VduseRequests, ShortMessageIsAnError)
{
    FakeKernel k;
    RecordingHandler h;
    char half[10] = {};
    ASSERT_EQ(write(k.kernel, half, sizeof half), 10);
    EXPECT_EQ(serve_one_request(k.device, h), EIO);
}

// SPDX-License-Identifier: GPL-2.0-or-later
//
// Frames between a virtio-net queue pair in plain memory and a TAP stand-in
// (a SOCK_SEQPACKET socket pair: one message per frame, as a TAP reads and
// writes): TX chains reach the "TAP" header and all, frames from it land
// in RX buffers with num_buffers set, merged over several buffers with
// MRG_RXBUF, and held buffers survive a restart.
#include "net/net_config.hpp"
#include "net/net_queue.hpp"

#include "fake_driver.hpp"

#include <kernel-uapi/virtio.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace vdpa::device;
using vdpa::device::test::FakeDriver;
namespace virtio = vdpa::uapi::virtio;

namespace {

constexpr std::uint32_t header_bytes = 12;

struct Bench {
    FakeDriver rx{16, 0x100000};
    FakeDriver tx{16, 0x400000};
    MemoryMap map;
    int tap = -1;  // the device's end
    int peer = -1; // the network's end
    std::unique_ptr<NetQueuePair> pair;
    std::uint16_t rx_desc = 0, tx_desc = 0;
    std::vector<std::uint64_t> rx_buffers; // IOVA per RX head

    explicit Bench(bool mergeable, std::uint32_t frame_room = 1600,
                   InflightQueueLog *rx_log = nullptr)
    {
        map.add(rx.region());
        map.add(tx.region());
        int fds[2];
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
        tap = fds[0];
        peer = fds[1];
        pair = std::make_unique<NetQueuePair>(map, tap);
        pair->configure(mergeable, frame_room);
        EXPECT_EQ(pair->rx().start(rx.addresses(), false, false, 0, rx_log), "");
        EXPECT_EQ(pair->tx().start(tx.addresses(), false, false, 0, nullptr), "");
    }
    ~Bench()
    {
        pair.reset();
        close(tap);
        close(peer);
    }

    // An RX buffer of len bytes, made available.
    std::uint16_t post_rx(std::uint32_t len)
    {
        const std::uint16_t head = rx_desc++;
        const auto iova = rx.alloc(len, 0xee);
        rx.set_desc(head, iova, len, virtio::desc_f_write);
        if (rx_buffers.size() <= head)
            rx_buffers.resize(head + 1);
        rx_buffers[head] = iova;
        rx.make_available(head);
        return head;
    }
    // A TX frame: a header descriptor and a payload descriptor.
    std::uint16_t post_tx(const std::vector<std::uint8_t> &header,
                          const std::vector<std::uint8_t> &payload)
    {
        const std::uint16_t head = tx_desc;
        const auto h = tx.alloc(static_cast<std::uint32_t>(header.size()));
        std::memcpy(tx.host(h), header.data(), header.size());
        const auto p = tx.alloc(static_cast<std::uint32_t>(payload.size()));
        std::memcpy(tx.host(p), payload.data(), payload.size());
        tx.set_desc(tx_desc, h, static_cast<std::uint32_t>(header.size()), virtio::desc_f_next,
                    static_cast<std::uint16_t>(tx_desc + 1));
        tx.set_desc(static_cast<std::uint16_t>(tx_desc + 1), p,
                    static_cast<std::uint32_t>(payload.size()), 0);
        tx_desc = static_cast<std::uint16_t>(tx_desc + 2);
        tx.make_available(head);
        return head;
    }
    std::vector<std::uint8_t> rx_bytes(std::uint16_t head, std::uint32_t len)
    {
        const auto *p = reinterpret_cast<const std::uint8_t *>(rx.host(rx_buffers[head]));
        return {p, p + len};
    }
};

// A frame as the TAP hands it over: a header (flags 1: NEEDS_CSUM, so it
// is recognisably passed through) and a payload pattern.
std::vector<std::uint8_t> frame(std::size_t payload, std::uint8_t seed)
{
    std::vector<std::uint8_t> f(header_bytes + payload);
    f[0] = 1;
    f[4] = 0x40; // gso_size low byte: any value travels untouched
    for (std::size_t i = 0; i < payload; ++i)
        f[header_bytes + i] = static_cast<std::uint8_t>(seed + i * 13);
    return f;
}

std::uint16_t num_buffers(const std::vector<std::uint8_t> &received)
{
    return static_cast<std::uint16_t>(received[10] | received[11] << 8);
}

} // namespace

TEST(NetQueue, TransmitsHeaderAndFrameAsOneMessage)
{
    Bench b(false);
    std::vector<std::uint8_t> header(header_bytes, 0);
    header[0] = 1; // NEEDS_CSUM
    header[6] = 34; // csum_start
    std::vector<std::uint8_t> payload(100);
    for (std::size_t i = 0; i < payload.size(); ++i)
        payload[i] = static_cast<std::uint8_t>(i);
    const auto head = b.post_tx(header, payload);
    EXPECT_EQ(b.pair->transmit(), 1u);
    std::vector<std::uint8_t> got(4096);
    ASSERT_EQ(read(b.peer, got.data(), got.size()), ssize_t(header_bytes + payload.size()));
    EXPECT_TRUE(std::equal(header.begin(), header.end(), got.begin()));
    EXPECT_TRUE(std::equal(payload.begin(), payload.end(), got.begin() + header_bytes));
    EXPECT_EQ(b.tx.used_idx(), 1);
    EXPECT_EQ(b.tx.used_elem(0).id, head);
    EXPECT_EQ(b.tx.used_elem(0).len, 0u); // the device writes nothing into TX buffers
    EXPECT_EQ(b.pair->dropped(), 0u);
}

TEST(NetQueue, TransmitsABatchInOrderAndDropsWhatIsNoFrame)
{
    Bench b(false);
    std::vector<std::uint8_t> header(header_bytes, 0);
    b.post_tx(header, std::vector<std::uint8_t>(60, 1));
    b.post_tx(header, std::vector<std::uint8_t>(61, 2));
    // Four bytes: shorter than a header; the TAP would refuse it.
    const auto shorty = b.tx.alloc(4);
    b.tx.set_desc(b.tx_desc, shorty, 4, 0);
    b.tx.make_available(b.tx_desc++);
    b.post_tx(header, std::vector<std::uint8_t>(62, 3));
    EXPECT_EQ(b.pair->transmit(), 4u);
    EXPECT_EQ(b.tx.used_idx(), 4);
    EXPECT_EQ(b.pair->dropped(), 1u);
    std::vector<std::uint8_t> got(4096);
    for (std::size_t size : {60u, 61u, 62u}) {
        ASSERT_EQ(read(b.peer, got.data(), got.size()), ssize_t(header_bytes + size));
        EXPECT_EQ(got[header_bytes], std::uint8_t(size - 59));
    }
    EXPECT_LT(read(b.peer, got.data(), got.size()), 0); // nothing else
}

TEST(NetQueue, ReceivesOneFramePerBufferWithoutMergeable)
{
    Bench b(false);
    const auto h0 = b.post_rx(1600);
    const auto h1 = b.post_rx(1600);
    const auto f0 = frame(60, 7), f1 = frame(1500, 9);
    ASSERT_EQ(write(b.peer, f0.data(), f0.size()), ssize_t(f0.size()));
    ASSERT_EQ(write(b.peer, f1.data(), f1.size()), ssize_t(f1.size()));
    EXPECT_EQ(b.pair->receive(), 2u);
    ASSERT_EQ(b.rx.used_idx(), 2);
    EXPECT_EQ(b.rx.used_elem(0).id, h0);
    EXPECT_EQ(b.rx.used_elem(0).len, f0.size());
    EXPECT_EQ(b.rx.used_elem(1).id, h1);
    EXPECT_EQ(b.rx.used_elem(1).len, f1.size());
    auto got0 = b.rx_bytes(h0, static_cast<std::uint32_t>(f0.size()));
    auto got1 = b.rx_bytes(h1, static_cast<std::uint32_t>(f1.size()));
    EXPECT_EQ(num_buffers(got0), 1);
    EXPECT_EQ(num_buffers(got1), 1);
    got0[10] = got0[11] = got1[10] = got1[11] = 0;
    EXPECT_EQ(got0, f0);
    EXPECT_EQ(got1, f1);
}

TEST(NetQueue, MergesAFrameOverSeveralBuffers)
{
    // Buffers of 256 bytes, room for frames of up to 1024: a 600-byte
    // frame takes three of them, the next frame starts in the fourth.
    Bench b(true, 1024);
    for (int i = 0; i < 8; ++i)
        b.post_rx(256);
    const auto big = frame(600 - header_bytes, 3);
    const auto small = frame(50, 5);
    ASSERT_EQ(write(b.peer, big.data(), big.size()), ssize_t(big.size()));
    ASSERT_EQ(write(b.peer, small.data(), small.size()), ssize_t(small.size()));
    EXPECT_EQ(b.pair->receive(), 2u);
    ASSERT_EQ(b.rx.used_idx(), 4);
    EXPECT_EQ(b.rx.used_elem(0).len, 256u);
    EXPECT_EQ(b.rx.used_elem(1).len, 256u);
    EXPECT_EQ(b.rx.used_elem(2).len, 88u);
    EXPECT_EQ(b.rx.used_elem(3).id, 3u);
    EXPECT_EQ(b.rx.used_elem(3).len, small.size());
    std::vector<std::uint8_t> joined;
    for (std::uint16_t i = 0; i < 3; ++i) {
        auto part = b.rx_bytes(i, b.rx.used_elem(i).len);
        joined.insert(joined.end(), part.begin(), part.end());
    }
    EXPECT_EQ(num_buffers(joined), 3);
    joined[10] = joined[11] = 0;
    EXPECT_EQ(joined, big);
    EXPECT_EQ(num_buffers(b.rx_bytes(3, 16)), 1);
}

TEST(NetQueue, WaitsForBuffersAndLeavesFramesInTheTap)
{
    Bench b(true, 1024);
    b.post_rx(512); // not room enough for the largest frame
    const auto f = frame(100, 1);
    ASSERT_EQ(write(b.peer, f.data(), f.size()), ssize_t(f.size()));
    EXPECT_EQ(b.pair->receive(), 0u);
    EXPECT_TRUE(b.pair->waiting_for_buffers());
    EXPECT_EQ(b.rx.used_idx(), 0);
    b.post_rx(512);
    EXPECT_EQ(b.pair->receive(), 1u);
    // One 512-byte buffer is left: not room enough again.
    EXPECT_TRUE(b.pair->waiting_for_buffers());
    EXPECT_EQ(b.rx.used_idx(), 1);
    EXPECT_EQ(b.rx.used_elem(0).len, f.size());
}

TEST(NetQueue, ARestartTakesUpTheBuffersItsPredecessorHeld)
{
    std::vector<std::byte> log_memory(inflight_queue_log_bytes(16));
    auto *log = reinterpret_cast<InflightQueueLog *>(log_memory.data());
    log->size = 16;
    Bench b(true, 1024, log);
    for (int i = 0; i < 6; ++i)
        b.post_rx(256);
    const auto f = frame(100, 2);
    ASSERT_EQ(write(b.peer, f.data(), f.size()), ssize_t(f.size()));
    // Took buffers until they could hold the largest frame again (four
    // of 256 bytes after the one used), kept them.
    EXPECT_EQ(b.pair->receive(), 1u);
    ASSERT_EQ(b.rx.used_idx(), 1);
    // The server dies; a new one starts on the same rings and log.
    NetQueuePair successor(b.map, b.tap);
    successor.configure(true, 1024);
    ASSERT_EQ(successor.rx().start(b.rx.addresses(), false, false, 0, log), "");
    ASSERT_EQ(successor.tx().start(b.tx.addresses(), false, false, 0, nullptr), "");
    std::uint16_t resume = 0;
    const auto held = successor.rx().recover(resume);
    EXPECT_EQ(held, (std::vector<std::uint16_t>{1, 2, 3, 4}));
    EXPECT_EQ(resume, 5);
    successor.recover(held, {});
    const auto g = frame(300, 4);
    ASSERT_EQ(write(b.peer, g.data(), g.size()), ssize_t(g.size()));
    EXPECT_EQ(successor.receive(), 1u);
    ASSERT_EQ(b.rx.used_idx(), 3);
    EXPECT_EQ(b.rx.used_elem(1).id, 1u); // the held buffers, in order
    EXPECT_EQ(b.rx.used_elem(2).id, 2u);
    EXPECT_EQ(num_buffers(b.rx_bytes(1, 12)), 2);
}

TEST(NetQueue, RunMovesFramesBothWaysAndInterrupts)
{
    Bench b(false);
    for (int i = 0; i < 4; ++i)
        b.post_rx(1600);
    const int rx_kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    const int tx_kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    const int stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    std::atomic<unsigned> rx_interrupts{0}, tx_interrupts{0};
    std::thread runner([&] {
        b.pair->run(rx_kick, tx_kick, stop, [&](std::uint32_t index) {
            (index == rx_queue_index ? rx_interrupts : tx_interrupts)++;
        });
    });
    auto wait_for = [](auto condition) {
        for (int i = 0; i < 2000 && !condition(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return condition();
    };
    const auto f = frame(64, 8);
    ASSERT_EQ(write(b.peer, f.data(), f.size()), ssize_t(f.size()));
    EXPECT_TRUE(wait_for([&] { return b.rx.used_idx() == 1 && rx_interrupts > 0; }));
    b.post_tx(std::vector<std::uint8_t>(header_bytes, 0), std::vector<std::uint8_t>(70, 9));
    const std::uint64_t one = 1;
    ASSERT_EQ(write(tx_kick, &one, sizeof one), 8);
    EXPECT_TRUE(wait_for([&] { return b.tx.used_idx() == 1 && tx_interrupts > 0; }));
    std::vector<std::uint8_t> got(4096);
    EXPECT_EQ(read(b.peer, got.data(), got.size()), ssize_t(header_bytes + 70));
    ASSERT_EQ(write(stop, &one, sizeof one), 8);
    runner.join();
    close(rx_kick);
    close(tx_kick);
    close(stop);
}

TEST(NetConfig, ParsesAndChecksOptions)
{
    EXPECT_EQ(parse_mac("52:54:00:ab:CD:0f"), (MacBytes{0x52, 0x54, 0x00, 0xab, 0xcd, 0x0f}));
    EXPECT_EQ(parse_mac("2:4:0:a:b:c"), (MacBytes{2, 4, 0, 0xa, 0xb, 0xc}));
    for (const char *bad : {"", "52:54:00:ab:cd", "52:54:00:ab:cd:ef:01", "52-54-00-ab-cd-ef",
                            "520:54:00:ab:cd:ef", "52:54:00:ab:cd:eg", "52:54:00:ab:cd:ef "})
        EXPECT_FALSE(parse_mac(bad)) << bad;
    EXPECT_EQ(format_mac(MacBytes{0x52, 0x54, 0, 0xab, 0xcd, 0xef}), "52:54:00:ab:cd:ef");
    const MacBytes random = random_mac();
    EXPECT_EQ(random[0] & 3, 2); // unicast, locally administered

    NetOptions o;
    o.tap = "tap0";
    EXPECT_EQ(check_net_options(o), "");
    o.mtu = 67;
    EXPECT_NE(check_net_options(o), "");
    o.mtu = 68;
    EXPECT_EQ(check_net_options(o), "");
    o.mtu = 65536;
    EXPECT_NE(check_net_options(o), "");
    o.mtu = 9000;
    o.mac = MacBytes{0x01, 0, 0, 0, 0, 1};
    EXPECT_NE(check_net_options(o).find("multicast"), std::string::npos);
    o.mac = MacBytes{};
    EXPECT_NE(check_net_options(o), "");
    o.mac.reset();
    for (const char *bad : {"", "a/b", "a:b", "a b", ".", "..", "sixteen-bytes-xx"}) {
        o.tap = bad;
        EXPECT_NE(check_net_options(o), "") << bad;
    }
    o.tap = "fifteen-bytes-x";
    EXPECT_EQ(check_net_options(o), "");
    o.queue_size = 100;
    EXPECT_NE(check_net_options(o), "");
}

TEST(NetConfig, FeaturesAndConfigSpaceAreWhatVduseTakes)
{
    const std::uint64_t f = net_features();
    auto has = [f](unsigned bit) { return (f >> bit) & 1; };
    EXPECT_TRUE(has(virtio::f_version_1));
    EXPECT_TRUE(has(virtio::f_access_platform));
    EXPECT_FALSE(has(virtio::net::f_ctrl_vq)); // VDUSE refuses it
    EXPECT_FALSE(has(virtio::net::f_mq));
    for (unsigned bit : {virtio::net::f_mac, virtio::net::f_mtu, virtio::net::f_status,
                         virtio::net::f_csum, virtio::net::f_guest_csum, virtio::net::f_host_tso4,
                         virtio::net::f_host_tso6, virtio::net::f_guest_tso4,
                         virtio::net::f_guest_tso6, virtio::net::f_mrg_rxbuf})
        EXPECT_TRUE(has(bit)) << bit;

    const auto c = net_config(MacBytes{0x52, 0x54, 0, 1, 2, 3}, 9000, true);
    const auto *bytes = reinterpret_cast<const std::uint8_t *>(&c);
    EXPECT_EQ(bytes[0], 0x52);
    EXPECT_EQ(bytes[5], 3);
    EXPECT_EQ(bytes[6] | bytes[7] << 8, virtio::net::s_link_up);
    EXPECT_EQ(bytes[8] | bytes[9] << 8, 1);        // max_virtqueue_pairs
    EXPECT_EQ(bytes[10] | bytes[11] << 8, 9000);   // mtu
    const std::uint16_t down_status = net_config(MacBytes{}, 1500, false).status;
    EXPECT_EQ(down_status, 0);

    auto bit = [](unsigned n) { return std::uint64_t{1} << n; };
    EXPECT_EQ(tap_offloads(0), 0u);
    EXPECT_EQ(tap_offloads(bit(virtio::net::f_guest_tso4)), 0u); // no TSO without checksum
    EXPECT_NE(tap_offloads(bit(virtio::net::f_guest_csum)), 0u);
    EXPECT_EQ(receive_frame_room(0, 1500), 1500u + 18 + 12);
    EXPECT_EQ(receive_frame_room(bit(virtio::net::f_guest_tso6), 1500), net_max_gso_frame);
}

// SPDX-License-Identifier: GPL-2.0-or-later
//
// The split virtqueue against a driver in plain memory: well-formed
// chains, indirect tables, event index, and every malformed input the
// device must refuse without reading outside the driver's memory or
// looping.
#include "fake_driver.hpp"

#include <gtest/gtest.h>

using namespace vdpa::device;
using vdpa::device::test::FakeDriver;
namespace virtio = vdpa::uapi::virtio;

namespace {

struct Started {
    FakeDriver driver;
    Virtqueue queue{driver.map()};
    explicit Started(bool indirect = true, bool event_idx = false, std::uint32_t size = 8)
        : driver(size)
    {
        EXPECT_EQ(queue.start(driver.addresses(), indirect, event_idx, 0, nullptr), "");
    }
};

} // namespace

TEST(Virtqueue, EmptyRingHasNothing)
{
    Started s;
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::empty);
}

TEST(Virtqueue, NormalChainSplitsReadableAndWritable)
{
    Started s;
    auto header = s.driver.alloc(16, 0xaa);
    auto data = s.driver.alloc(4096);
    auto status = s.driver.alloc(1);
    s.driver.set_desc(0, header, 16, virtio::desc_f_next, 1);
    s.driver.set_desc(1, data, 4096, virtio::desc_f_next | virtio::desc_f_write, 2);
    s.driver.set_desc(2, status, 1, virtio::desc_f_write);
    s.driver.make_available(0);

    Chain chain;
    ASSERT_EQ(s.queue.pop(chain), PopResult::chain);
    EXPECT_EQ(chain.head, 0);
    ASSERT_EQ(chain.readable.size(), 1u);
    EXPECT_EQ(chain.readable[0].iov_base, s.driver.host(header));
    EXPECT_EQ(chain.readable_bytes, 16u);
    ASSERT_EQ(chain.writable.size(), 2u);
    EXPECT_EQ(chain.writable[1].iov_base, s.driver.host(status));
    EXPECT_EQ(chain.writable_bytes, 4097u);
    EXPECT_EQ(s.queue.pop(chain), PopResult::empty);

    s.queue.push(0, 4097);
    EXPECT_EQ(s.driver.used_idx(), 1);
    EXPECT_EQ(s.driver.used_elem(0).id, 0u);
    EXPECT_EQ(s.driver.used_elem(0).len, 4097u);
}

TEST(Virtqueue, IndexesWrapAround)
{
    FakeDriver driver(4);
    driver.set_avail_idx(65534);
    Virtqueue queue(driver.map());
    ASSERT_EQ(queue.start(driver.addresses(), false, false, 65534, nullptr), "");
    auto buffer = driver.alloc(8);
    driver.set_desc(0, buffer, 8, virtio::desc_f_write);
    Chain chain;
    for (int i = 0; i < 4; ++i) {
        driver.make_available(0);
        ASSERT_EQ(queue.pop(chain), PopResult::chain) << i;
    }
    EXPECT_EQ(queue.last_avail(), 2);
}

TEST(Virtqueue, IndirectTable)
{
    Started s;
    auto table = s.driver.alloc(3 * 16);
    auto header = s.driver.alloc(16);
    auto data = s.driver.alloc(512);
    auto status = s.driver.alloc(1);
    auto *entries = reinterpret_cast<virtio::RingDesc *>(s.driver.host(table));
    entries[0] = {header, 16, virtio::desc_f_next, 1};
    entries[1] = {data, 512, virtio::desc_f_next, 2};
    entries[2] = {status, 1, virtio::desc_f_write, 0};
    s.driver.set_desc(5, table, 48, virtio::desc_f_indirect);
    s.driver.make_available(5);

    Chain chain;
    ASSERT_EQ(s.queue.pop(chain), PopResult::chain);
    EXPECT_EQ(chain.head, 5);
    EXPECT_EQ(chain.readable_bytes, 528u);
    EXPECT_EQ(chain.writable_bytes, 1u);
}

TEST(Virtqueue, IndirectRefusedWhenNotNegotiated)
{
    Started s(false);
    auto table = s.driver.alloc(16);
    s.driver.set_desc(0, table, 16, virtio::desc_f_indirect);
    s.driver.make_available(0);
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
    EXPECT_NE(s.queue.broken_reason().find("INDIRECT_DESC"), std::string::npos);
}

TEST(Virtqueue, NestedIndirectRefused)
{
    Started s;
    auto inner = s.driver.alloc(16);
    auto outer = s.driver.alloc(16);
    reinterpret_cast<virtio::RingDesc *>(s.driver.host(outer))[0] = {inner, 16,
                                                                     virtio::desc_f_indirect, 0};
    s.driver.set_desc(0, outer, 16, virtio::desc_f_indirect);
    s.driver.make_available(0);
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
    EXPECT_NE(s.queue.broken_reason().find("inside an indirect"), std::string::npos);
}

TEST(Virtqueue, IndirectBadLengthRefused)
{
    Started s;
    auto table = s.driver.alloc(32);
    s.driver.set_desc(0, table, 20, virtio::desc_f_indirect);
    s.driver.make_available(0);
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
}

TEST(Virtqueue, HeadOutOfRangeBreaksQueue)
{
    Started s;
    s.driver.make_available(8); // size is 8: heads 0..7
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
    EXPECT_NE(s.queue.broken_reason().find("head index 8"), std::string::npos);
    // Broken stays broken: nothing more is taken.
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
    EXPECT_EQ(s.queue.last_avail(), 0);
}

TEST(Virtqueue, NextOutOfRangeBreaksQueue)
{
    Started s;
    auto buffer = s.driver.alloc(8);
    s.driver.set_desc(0, buffer, 8, virtio::desc_f_next, 200);
    s.driver.make_available(0);
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
    EXPECT_NE(s.queue.broken_reason().find("next index 200"), std::string::npos);
}

TEST(Virtqueue, DescriptorCycleEnds)
{
    Started s;
    auto buffer = s.driver.alloc(8);
    s.driver.set_desc(0, buffer, 8, virtio::desc_f_next, 1);
    s.driver.set_desc(1, buffer, 8, virtio::desc_f_next, 0);
    s.driver.make_available(0);
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
    EXPECT_NE(s.queue.broken_reason().find("loops"), std::string::npos);
}

TEST(Virtqueue, IndirectCycleEnds)
{
    Started s;
    auto table = s.driver.alloc(32);
    auto buffer = s.driver.alloc(8);
    auto *entries = reinterpret_cast<virtio::RingDesc *>(s.driver.host(table));
    entries[0] = {buffer, 8, virtio::desc_f_next, 1};
    entries[1] = {buffer, 8, virtio::desc_f_next, 1}; // points at itself
    s.driver.set_desc(0, table, 32, virtio::desc_f_indirect);
    s.driver.make_available(0);
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
}

TEST(Virtqueue, LengthOverflowRefused)
{
    // Total above 4 GiB: the used length could not say what was written.
    // The addresses point at a region mapped big enough on paper.
    FakeDriver driver(4);
    std::vector<std::byte> small(16);
    driver.map().add(MemoryRegion{0x1'0000'0000ull, 0x2'ffff'ffffull, small.data(), true, true});
    Virtqueue queue(driver.map());
    ASSERT_EQ(queue.start(driver.addresses(), false, false, 0, nullptr), "");
    driver.set_desc(0, 0x1'0000'0000ull, 0xffff'ffffu, virtio::desc_f_next, 1);
    driver.set_desc(1, 0x1'0000'0000ull, 0xffff'ffffu, 0);
    driver.make_available(0);
    Chain chain;
    EXPECT_EQ(queue.pop(chain), PopResult::broken);
    EXPECT_NE(queue.broken_reason().find("4 GiB"), std::string::npos);
}

TEST(Virtqueue, AddressOutsideMemoryRefused)
{
    Started s;
    s.driver.set_desc(0, FakeDriver::iova_base + FakeDriver::memory_bytes - 4, 8, 0);
    s.driver.make_available(0);
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
    EXPECT_NE(s.queue.broken_reason().find("outside mapped memory"), std::string::npos);
}

TEST(Virtqueue, AddressWrappingRefused)
{
    Started s;
    s.driver.set_desc(0, UINT64_MAX - 2, 8, 0);
    s.driver.make_available(0);
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
}

TEST(Virtqueue, WriteToReadOnlyMemoryRefused)
{
    FakeDriver driver(4);
    std::vector<std::byte> ro(4096);
    driver.map().add(MemoryRegion{0x4000'0000, 0x4000'0fff, ro.data(), true, false});
    Virtqueue queue(driver.map());
    ASSERT_EQ(queue.start(driver.addresses(), false, false, 0, nullptr), "");
    driver.set_desc(0, 0x4000'0000, 16, virtio::desc_f_write);
    driver.make_available(0);
    Chain chain;
    EXPECT_EQ(queue.pop(chain), PopResult::broken);
}

TEST(Virtqueue, ReadableAfterWritableRefused)
{
    Started s;
    auto buffer = s.driver.alloc(8);
    s.driver.set_desc(0, buffer, 8, virtio::desc_f_write | virtio::desc_f_next, 1);
    s.driver.set_desc(1, buffer, 8, 0);
    s.driver.make_available(0);
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
}

TEST(Virtqueue, AvailIndexTooFarAheadRefused)
{
    Started s;
    s.driver.set_avail_idx(9); // ring of 8
    Chain chain;
    EXPECT_EQ(s.queue.pop(chain), PopResult::broken);
}

TEST(Virtqueue, RingsOutsideMemoryRefused)
{
    FakeDriver driver(8);
    Virtqueue queue(driver.map());
    auto addresses = driver.addresses();
    addresses.used = FakeDriver::iova_base + FakeDriver::memory_bytes - 8;
    EXPECT_NE(queue.start(addresses, false, false, 0, nullptr), "");
    addresses = driver.addresses();
    addresses.size = 6;
    EXPECT_NE(queue.start(addresses, false, false, 0, nullptr), "");
}

TEST(Virtqueue, NoInterruptFlagHonoured)
{
    Started s(true, false);
    auto buffer = s.driver.alloc(8);
    s.driver.set_desc(0, buffer, 8, virtio::desc_f_write);
    s.driver.make_available(0);
    Chain chain;
    ASSERT_EQ(s.queue.pop(chain), PopResult::chain);
    s.queue.push(0, 1);
    s.driver.avail_flags() = virtio::avail_f_no_interrupt;
    EXPECT_FALSE(s.queue.should_interrupt());
    s.driver.avail_flags() = 0;
    s.driver.make_available(0);
    ASSERT_EQ(s.queue.pop(chain), PopResult::chain);
    s.queue.push(0, 1);
    EXPECT_TRUE(s.queue.should_interrupt());
    EXPECT_FALSE(s.queue.should_interrupt()); // nothing new since
}

TEST(Virtqueue, EventIndexDecidesInterrupts)
{
    Started s(true, true);
    auto buffer = s.driver.alloc(8);
    s.driver.set_desc(0, buffer, 8, virtio::desc_f_write);
    Chain chain;
    // The driver wants to hear when used index passes 2 (used_event = 2).
    s.driver.used_event() = 2;
    for (int i = 0; i < 2; ++i) {
        s.driver.make_available(0);
        ASSERT_EQ(s.queue.pop(chain), PopResult::chain);
        s.queue.push(0, 1);
    }
    EXPECT_TRUE(s.queue.should_interrupt()); // first check always tells
    s.driver.make_available(0);
    ASSERT_EQ(s.queue.pop(chain), PopResult::chain);
    s.queue.push(0, 1); // used 2 -> 3: passes event 2
    EXPECT_TRUE(s.queue.should_interrupt());
    s.driver.make_available(0);
    ASSERT_EQ(s.queue.pop(chain), PopResult::chain);
    s.queue.push(0, 1); // used 3 -> 4: event still 2, already told
    EXPECT_FALSE(s.queue.should_interrupt());
}

TEST(Virtqueue, ArmKickPublishesAvailEvent)
{
    Started s(true, true);
    auto buffer = s.driver.alloc(8);
    s.driver.set_desc(0, buffer, 8, virtio::desc_f_write);
    s.driver.make_available(0);
    Chain chain;
    ASSERT_EQ(s.queue.pop(chain), PopResult::chain);
    EXPECT_FALSE(s.queue.arm_kick());
    EXPECT_EQ(s.driver.avail_event(), 1);
    s.driver.make_available(0);
    EXPECT_TRUE(s.queue.arm_kick()); // arrived while arming: process, no kick comes
}

TEST(Virtqueue, InflightLogRecoversTakenChains)
{
    FakeDriver driver(8);
    std::vector<std::byte> log_memory(inflight_queue_log_bytes(8));
    auto *log = reinterpret_cast<InflightQueueLog *>(log_memory.data());
    log->size = 8;
    auto buffer = driver.alloc(8);
    for (std::uint16_t i = 0; i < 4; ++i)
        driver.set_desc(i, buffer, 8, virtio::desc_f_write);
    {
        Virtqueue queue(driver.map());
        ASSERT_EQ(queue.start(driver.addresses(), false, false, 0, log), "");
        Chain chain;
        for (std::uint16_t i = 0; i < 4; ++i) {
            driver.make_available(i);
            ASSERT_EQ(queue.pop(chain), PopResult::chain);
        }
        queue.push(2, 1); // out of order: 2 done, 0, 1, 3 in flight
        // The "server" dies here.
    }
    Virtqueue queue(driver.map());
    ASSERT_EQ(queue.start(driver.addresses(), false, false, 0, log), "");
    std::uint16_t resume = 0;
    auto heads = queue.recover(resume);
    EXPECT_EQ(heads, (std::vector<std::uint16_t>{0, 1, 3}));
    EXPECT_EQ(resume, 4);
    EXPECT_EQ(queue.last_avail(), 4);
}

TEST(Virtqueue, InflightLogClosesThePublishWindow)
{
    // Killed after used->idx moved but before the log recorded it: the
    // head being published must not run again.
    FakeDriver driver(8);
    std::vector<std::byte> log_memory(inflight_queue_log_bytes(8));
    auto *log = reinterpret_cast<InflightQueueLog *>(log_memory.data());
    log->size = 8;
    log->inflight()[3] = 1;
    log->inflight()[5] = 1;
    log->last_head = 3;
    log->used_idx = 6;
    driver.at<std::uint16_t>(driver.addresses().used + 2) = 7; // published
    Virtqueue queue(driver.map());
    ASSERT_EQ(queue.start(driver.addresses(), false, false, 0, log), "");
    std::uint16_t resume = 0;
    EXPECT_EQ(queue.recover(resume), (std::vector<std::uint16_t>{5}));
    EXPECT_EQ(resume, 8);
}

TEST(Virtqueue, FilledEntriesStayHiddenUntilPublished)
{
    FakeDriver driver(8);
    std::vector<std::byte> log_memory(inflight_queue_log_bytes(8));
    auto *log = reinterpret_cast<InflightQueueLog *>(log_memory.data());
    log->size = 8;
    auto buffer = driver.alloc(8);
    for (std::uint16_t i = 0; i < 3; ++i)
        driver.set_desc(i, buffer, 8, virtio::desc_f_write);
    Virtqueue queue(driver.map());
    ASSERT_EQ(queue.start(driver.addresses(), false, false, 0, log), "");
    Chain chain;
    for (std::uint16_t i = 0; i < 3; ++i) {
        driver.make_available(i);
        ASSERT_EQ(queue.pop(chain), PopResult::chain);
    }
    queue.fill(0, 5);
    queue.fill(1, 6);
    EXPECT_EQ(driver.used_idx(), 0); // a merged frame is seen whole or not at all
    EXPECT_EQ(log->inflight()[0], 1);
    queue.publish();
    EXPECT_EQ(driver.used_idx(), 2);
    EXPECT_EQ(driver.used_elem(1).id, 1u);
    EXPECT_EQ(driver.used_elem(1).len, 6u);
    EXPECT_EQ(log->inflight()[0], 0);
    EXPECT_EQ(log->inflight()[1], 0);
    EXPECT_EQ(log->inflight()[2], 1);
    EXPECT_EQ(log->used_idx, 2);
}

TEST(Virtqueue, InflightLogClosesTheWindowOfAPublishedBatch)
{
    // Killed after used->idx moved over three entries but before the log
    // recorded it: none of the three runs again.
    FakeDriver driver(8);
    std::vector<std::byte> log_memory(inflight_queue_log_bytes(8));
    auto *log = reinterpret_cast<InflightQueueLog *>(log_memory.data());
    log->size = 8;
    for (std::uint16_t head : {1, 4, 6, 7})
        log->inflight()[head] = 1;
    log->used_idx = 2;
    log->last_head = 4;
    driver.at<virtio::RingUsedElem>(driver.addresses().used + 4 + 8 * 2) = {4, 0};
    driver.at<virtio::RingUsedElem>(driver.addresses().used + 4 + 8 * 3) = {6, 0};
    driver.at<virtio::RingUsedElem>(driver.addresses().used + 4 + 8 * 4) = {1, 0};
    driver.at<std::uint16_t>(driver.addresses().used + 2) = 5;
    Virtqueue queue(driver.map());
    ASSERT_EQ(queue.start(driver.addresses(), false, false, 0, log), "");
    std::uint16_t resume = 0;
    EXPECT_EQ(queue.recover(resume), (std::vector<std::uint16_t>{7}));
    EXPECT_EQ(resume, 6);
    EXPECT_EQ(log->used_idx, 5);
}

TEST(MemoryMap, TranslatesAcrossRegions)
{
    std::vector<std::byte> a(4096), b(4096);
    MemoryMap map;
    map.add(MemoryRegion{0x1000, 0x1fff, a.data(), true, true});
    map.add(MemoryRegion{0x2000, 0x2fff, b.data(), true, true});
    std::vector<iovec> out;
    ASSERT_TRUE(map.translate(0x1ff0, 0x20, false, out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].iov_base, a.data() + 0xff0);
    EXPECT_EQ(out[0].iov_len, 0x10u);
    EXPECT_EQ(out[1].iov_base, b.data());
    EXPECT_FALSE(map.translate(0x2ff0, 0x20, false, out)); // runs off the end
    EXPECT_EQ(out.size(), 2u);                             // unchanged on failure
    EXPECT_EQ(map.translate_contiguous(0x1ff0, 0x20, false), nullptr);
}

TEST(MemoryMap, ResolverFillsMissesAndRemoveReleases)
{
    std::vector<std::byte> backing(8192);
    int resolved = 0, released = 0;
    MemoryMap map(
        [&](std::uint64_t iova, MemoryRegion &r) {
            if (iova >= 0x2000)
                return false;
            ++resolved;
            r = MemoryRegion{0, 0x1fff, backing.data(), true, true};
            return true;
        },
        [&](const MemoryRegion &) { ++released; });
    EXPECT_NE(map.translate_contiguous(0x100, 16, true), nullptr);
    EXPECT_NE(map.translate_contiguous(0x200, 16, true), nullptr);
    EXPECT_EQ(resolved, 1);
    EXPECT_EQ(map.translate_contiguous(0x2000, 16, true), nullptr);
    map.remove(0, UINT64_MAX);
    EXPECT_EQ(released, 1);
    EXPECT_EQ(map.region_count(), 0u);
}

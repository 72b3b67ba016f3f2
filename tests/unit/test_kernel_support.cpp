// SPDX-License-Identifier: GPL-2.0-or-later
// A kernel without vDPA support: the module index under /lib/modules tells
// "built without CONFIG_VDPA" (bookworm's 6.1) from "module not loaded",
// and every entry point says the same thing: the netlink client when the
// controller does not know the family, and the monitor, which would
// otherwise wait for a bus that can never appear.
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <linux/netlink.h>
#include <gtest/gtest.h>

#include <vdpa/monitor.hpp>

#include "client_impl.hpp"
#include "fake_sysfs.hpp"
#include "kernel_modules.hpp"

namespace vdpa::testing {
namespace {

// The module index of one kernel release under a made-up /lib/modules.
class ModuleIndex {
public:
    explicit ModuleIndex(std::string release = running_kernel_release())
        : release_(std::move(release))
    {
        // No bus: FakeRoot makes one, as a loaded module would.
        fs::remove_all(root_.path("sys/bus/vdpa"));
    }
    std::string root() const { return root_.path("modules").string(); }
    const std::string& release() const { return release_; }
    void dep(const std::string& text) { root_.file("modules/" + release_ + "/modules.dep", text); }
    void builtin(const std::string& text)
    {
        root_.file("modules/" + release_ + "/modules.builtin", text);
    }
    // A bus in the fake sysfs, as a loaded module makes it.
    void bus() { root_.dir("sys/bus/vdpa/devices"); }
    HostPaths paths() const
    {
        HostPaths paths;
        paths.sysfs = root_.path("sys").string();
        paths.modules = root();
        return paths;
    }

private:
    FakeRoot root_;
    std::string release_;
};

// bookworm's 6.1 lists the vhost and virtio modules, but nothing of vDPA:
// names that end in "vdpa.ko" are not the vdpa module.
const char* const index_without_vdpa =
    "kernel/drivers/vhost/vhost_net.ko: kernel/drivers/vhost/vhost.ko\n"
    "kernel/drivers/vhost/vhost.ko:\n"
    "kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/drivers/vdpa/vdpa_sim/vdpa_sim.ko:\n"
    "kernel/drivers/vhost/vhost_vdpa.ko: kernel/drivers/vhost/vhost.ko\n";

TEST(KernelModulePresence, LoadableCompressedOrNot)
{
    ModuleIndex index("6.12.38+deb12-amd64");
    index.builtin("kernel/lib/crc32.ko\n");
    index.dep("kernel/drivers/vdpa/vdpa.ko.xz: kernel/drivers/vhost/vhost_iotlb.ko.xz\n");
    EXPECT_EQ(kernel_module_presence(index.root(), index.release(), "vdpa"),
              ModulePresence::present);
    index.dep("kernel/drivers/vdpa/vdpa.ko:\n");
    EXPECT_EQ(kernel_module_presence(index.root(), index.release(), "vdpa"),
              ModulePresence::present);
}

TEST(KernelModulePresence, BuiltIn)
{
    ModuleIndex index("6.12.38+deb12-amd64");
    index.dep("kernel/drivers/vhost/vhost.ko:\n");
    index.builtin("kernel/drivers/vdpa/vdpa.ko\n");
    EXPECT_EQ(kernel_module_presence(index.root(), index.release(), "vdpa"),
              ModulePresence::present);
}

TEST(KernelModulePresence, AbsentWhenNeitherListsIt)
{
    ModuleIndex index("6.1.0-41-amd64");
    index.dep(index_without_vdpa);
    index.builtin("kernel/lib/crc32.ko\n");
    EXPECT_EQ(kernel_module_presence(index.root(), index.release(), "vdpa"),
              ModulePresence::absent);
}

TEST(KernelModulePresence, UnknownWithoutAWholeIndex)
{
    ModuleIndex index("6.1.0-41-amd64");
    EXPECT_EQ(kernel_module_presence(index.root(), index.release(), "vdpa"),
              ModulePresence::unknown);
    index.dep(index_without_vdpa); // modules.builtin missing
    EXPECT_EQ(kernel_module_presence(index.root(), index.release(), "vdpa"),
              ModulePresence::unknown);
    EXPECT_EQ(kernel_module_presence(index.root(), "", "vdpa"), ModulePresence::unknown);
}

TEST(KernelWithoutVdpa, NamesTheReleaseAndWhatIsMissing)
{
    ModuleIndex index("6.1.0-41-amd64");
    index.dep(index_without_vdpa);
    index.builtin("");
    auto missing = kernel_without_vdpa(index.paths(), index.release());
    ASSERT_TRUE(missing.has_value());
    EXPECT_EQ(missing->kind, ErrorKind::family_missing);
    EXPECT_EQ(missing->errnum, ENOENT);
    EXPECT_EQ(missing->message,
              "the kernel has no vDPA support: Linux 6.1.0-41-amd64 has no vdpa module, built in "
              "or loadable (it was built without CONFIG_VDPA): use a kernel built with "
              "CONFIG_VDPA");
}

TEST(KernelWithoutVdpa, NothingClaimedWithAModuleABusOrNoIndex)
{
    ModuleIndex loadable("6.12.38+deb12-amd64");
    loadable.dep("kernel/drivers/vdpa/vdpa.ko.xz:\n");
    loadable.builtin("");
    EXPECT_FALSE(kernel_without_vdpa(loadable.paths(), loadable.release()).has_value());

    ModuleIndex unindexed("6.1.0-41-amd64");
    EXPECT_FALSE(kernel_without_vdpa(unindexed.paths(), unindexed.release()).has_value());

    // A bus is there: whatever the index says, the module is loaded.
    ModuleIndex with_bus("6.1.0-41-amd64");
    with_bus.dep(index_without_vdpa);
    with_bus.builtin("");
    with_bus.bus();
    EXPECT_FALSE(kernel_without_vdpa(with_bus.paths(), with_bus.release()).has_value());
}

// The controller of a kernel without the family: every request is answered
// with ENOENT, as CTRL_CMD_GETFAMILY is for an unknown name.
class NoFamilyTransport final : public netlink::Transport {
public:
    Result<void> send(std::span<const std::byte> message) override
    {
        std::memcpy(&request_, message.data(), sizeof request_);
        return {};
    }
    Result<std::size_t> receive(std::span<std::byte> buffer) override
    {
        nlmsghdr header{};
        header.nlmsg_len = NLMSG_HDRLEN + sizeof(nlmsgerr);
        header.nlmsg_type = NLMSG_ERROR;
        header.nlmsg_flags = NLM_F_CAPPED;
        header.nlmsg_seq = request_.nlmsg_seq;
        header.nlmsg_pid = port_id();
        nlmsgerr error{};
        error.error = -ENOENT;
        error.msg = request_;
        std::memcpy(buffer.data(), &header, sizeof header);
        std::memcpy(buffer.data() + NLMSG_HDRLEN, &error, sizeof error);
        return std::size_t(header.nlmsg_len);
    }
    std::uint32_t port_id() const override { return 0x4242; }

private:
    nlmsghdr request_{};
};

Error open_without_family(const HostPaths& paths)
{
    auto client = open_client(std::make_unique<NoFamilyTransport>(), paths);
    EXPECT_FALSE(client.ok());
    return client ? Error{} : client.error();
}

TEST(MissingFamily, KernelWithoutVdpaSaysSo)
{
    ModuleIndex index;
    ASSERT_FALSE(index.release().empty());
    index.dep(index_without_vdpa);
    index.builtin("");
    Error error = open_without_family(index.paths());
    EXPECT_EQ(error.kind, ErrorKind::family_missing);
    EXPECT_EQ(error.message, "the kernel has no vDPA support: Linux " + index.release() +
                                 " has no vdpa module, built in or loadable (it was built "
                                 "without CONFIG_VDPA): use a kernel built with CONFIG_VDPA");
}

TEST(MissingFamily, ModuleNotLoadedSaysLoadIt)
{
    ModuleIndex index;
    index.dep("kernel/drivers/vdpa/vdpa.ko.xz:\n");
    index.builtin("");
    Error error = open_without_family(index.paths());
    EXPECT_EQ(error.kind, ErrorKind::family_missing);
    EXPECT_NE(error.message.find("load the vdpa module (modprobe vdpa)"), std::string::npos)
        << error.message;
}

TEST(MissingFamily, BusWithoutFamilyIsAnotherNamespace)
{
    ModuleIndex index;
    index.dep(index_without_vdpa);
    index.builtin("");
    index.bus();
    EXPECT_EQ(open_without_family(index.paths()).kind, ErrorKind::wrong_namespace);
}

// The monitor on such a kernel refuses at once instead of waiting forever.
TEST(BusMonitorOpen, RefusesOnAKernelWithoutVdpa)
{
    ModuleIndex index;
    index.dep(index_without_vdpa);
    index.builtin("");
    auto monitor = BusMonitor::open(index.paths());
    ASSERT_FALSE(monitor.ok());
    EXPECT_EQ(monitor.error().kind, ErrorKind::family_missing);
    EXPECT_NE(monitor.error().message.find("the kernel has no vDPA support: Linux " +
                                           index.release() + " has no vdpa module"),
              std::string::npos)
        << monitor.error().message;
}

} // namespace
} // namespace vdpa::testing

// SPDX-License-Identifier: GPL-2.0-or-later
//
// Directory trees laid out as the kernel lays out sysfs, /dev and /proc,
// for the tests of what libvdpa reads there, and a fake kernel answering
// its writes to the bus's binding files.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <stdlib.h>
#include <string>
#include <vector>

#include <vdpa/bus.hpp>

#include "bus_impl.hpp"

namespace vdpa::testing {

namespace fs = std::filesystem;

class FakeRoot {
public:
    FakeRoot()
    {
        char pattern[] = "/tmp/vdpa-bus-test.XXXXXX";
        root_ = mkdtemp(pattern);
        for (const char* dir :
             {"sys/devices", "sys/bus/vdpa/devices", "sys/bus/virtio/devices", "dev", "proc"})
            fs::create_directories(root_ / dir);
        // The binding files, which sysfs has and writes never create.
        file("sys/bus/vdpa/drivers_probe", "");
        for (const char* driver : {"virtio_vdpa", "vhost_vdpa"})
            for (const char* name : {"bind", "unbind"})
                file(std::string("sys/bus/vdpa/drivers/") + driver + "/" + name, "");
    }
    ~FakeRoot() { fs::remove_all(root_); }

    fs::path path(const std::string& relative) const { return root_ / relative; }
    void dir(const std::string& relative) { fs::create_directories(path(relative)); }
    void file(const std::string& relative, const std::string& text)
    {
        fs::create_directories(path(relative).parent_path());
        std::ofstream(path(relative)) << text;
    }
    std::string read(const std::string& relative) const
    {
        std::ifstream in(path(relative));
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    void link(const std::string& relative, const fs::path& target)
    {
        fs::create_directories(path(relative).parent_path());
        fs::create_directory_symlink(target, path(relative));
    }

    // A vDPA device at sys/devices/`where`, bound to `driver` ("" for none).
    void vdpa_device(const std::string& name, const std::string& where, const std::string& driver)
    {
        where_[name] = where;
        dir("sys/devices/" + where);
        file("sys/devices/" + where + "/driver_override", "(null)\n");
        link("sys/bus/vdpa/devices/" + name, path("sys/devices/" + where));
        if (!driver.empty())
            bind_device(name, driver);
    }

    // What the kernel does when a driver binds or unbinds a device.
    void bind_device(const std::string& name, const std::string& driver)
    {
        link("sys/devices/" + where_.at(name) + "/driver", path("sys/bus/vdpa/drivers/" + driver));
        link("sys/bus/vdpa/drivers/" + driver + "/" + name, path("sys/devices/" + where_.at(name)));
    }
    void unbind_device(const std::string& name)
    {
        fs::path driver = path("sys/devices/" + where_.at(name) + "/driver");
        fs::remove(fs::read_symlink(driver) / name);
        fs::remove(driver);
    }

    // A virtio net device at sys/devices/`where`, with `netdev` ("" for
    // one not there yet).
    void virtio_device(const std::string& name, const std::string& where, const std::string& netdev)
    {
        dir("sys/devices/" + where);
        if (!netdev.empty())
            dir("sys/devices/" + where + "/net/" + netdev);
        file("sys/devices/" + where + "/device", "0x0001\n");
        link("sys/devices/" + where + "/subsystem", path("sys/bus/virtio"));
        link("sys/bus/virtio/devices/" + name, path("sys/devices/" + where));
    }

    // vhost_vdpa's character device of `name`, numbered 1:3 as /dev/null
    // is (a test cannot make device nodes), with its node in dev/ if
    // `node` (a link to /dev/null).
    void vhost_device(const std::string& name, bool node)
    {
        file("sys/devices/" + where_.at(name) + "/vhost-vdpa-3/dev", "1:3\n");
        if (node)
            fs::create_symlink("/dev/null", path("dev/vhost-vdpa-3"));
    }

    // A process with its command name and descriptors (fd number, target).
    void process(int pid, const std::string& command,
                 const std::vector<std::pair<int, std::string>>& fds)
    {
        std::string dir = "proc/" + std::to_string(pid);
        file(dir + "/comm", command + "\n");
        this->dir(dir + "/fd");
        for (const auto& [fd, target] : fds)
            fs::create_symlink(target, path(dir + "/fd/" + std::to_string(fd)));
    }

    HostPaths paths() const
    {
        return HostPaths{path("sys").string(), path("dev").string(), path("proc").string()};
    }
    // A bus on this tree; while a FakeKernel lives, its writes reach it.
    DeviceBus bus() const { return make_bus(paths(), after_write_); }

private:
    friend class FakeKernel;
    fs::path root_;
    SysfsWriteHook after_write_;
    std::map<std::string, std::string> where_; // vDPA device name -> its place under devices/
};

// While it lives, answers libvdpa's sysfs writes as the kernel would:
// unbind unbinds, bind binds, driver_override takes the text written, and
// a probe does what `on_probe` says (nothing: the driver did not bind).
// Every write is recorded as "PATH <- TEXT", PATH relative to sys/.
class FakeKernel {
public:
    explicit FakeKernel(FakeRoot& root) : root_(root)
    {
        root_.after_write_ = [this](const std::string& path, const std::string& text) {
            wrote(path, text);
        };
    }
    ~FakeKernel() { root_.after_write_ = nullptr; }
    FakeKernel(const FakeKernel&) = delete;
    FakeKernel& operator=(const FakeKernel&) = delete;

    std::vector<std::string> writes;
    std::function<void(const std::string& device)> on_probe;
    bool unbind_works = true; // false: the device stays on its driver

private:
    void wrote(const std::string& absolute, const std::string& text)
    {
        std::string path = fs::path(absolute).lexically_relative(root_.path("sys")).string();
        writes.push_back(path + " <- " + text);
        fs::path file(path);
        std::string driver = file.parent_path().filename().string();
        if (file.filename() == "unbind" && unbind_works)
            root_.unbind_device(text);
        else if (file.filename() == "bind")
            root_.bind_device(text, driver);
        else if (file.filename() == "driver_override")
            root_.file("sys/" + path, (text == "\n" ? "(null)" : text) + "\n");
        else if (file.filename() == "drivers_probe" && on_probe)
            on_probe(text);
    }

    FakeRoot& root_;
};

}  // namespace vdpa::testing

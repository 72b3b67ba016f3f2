// SPDX-License-Identifier: GPL-2.0-or-later
//
// Directory trees laid out as the kernel lays out sysfs, /dev and /proc,
// for the tests of what libvdpa reads there.
#pragma once

#include <filesystem>
#include <fstream>
#include <stdlib.h>
#include <string>

#include <vdpa/bus.hpp>

namespace vdpa::testing {

namespace fs = std::filesystem;

class FakeRoot {
public:
    FakeRoot()
    {
        char pattern[] = "/tmp/vdpa-bus-test.XXXXXX";
        root_ = mkdtemp(pattern);
        for (const char* dir :
             {"sys/devices", "sys/bus/vdpa/devices", "sys/bus/vdpa/drivers/virtio_vdpa",
              "sys/bus/vdpa/drivers/vhost_vdpa", "sys/bus/virtio/devices", "dev", "proc"})
            fs::create_directories(root_ / dir);
    }
    ~FakeRoot() { fs::remove_all(root_); }

    fs::path path(const std::string& relative) const { return root_ / relative; }
    void dir(const std::string& relative) { fs::create_directories(path(relative)); }
    void file(const std::string& relative, const std::string& text)
    {
        fs::create_directories(path(relative).parent_path());
        std::ofstream(path(relative)) << text;
    }
    void link(const std::string& relative, const fs::path& target)
    {
        fs::create_directories(path(relative).parent_path());
        fs::create_directory_symlink(target, path(relative));
    }

    // A vDPA device at sys/devices/`where`, bound to `driver` ("" for none).
    void vdpa_device(const std::string& name, const std::string& where, const std::string& driver)
    {
        dir("sys/devices/" + where);
        file("sys/devices/" + where + "/driver_override", "(null)\n");
        link("sys/bus/vdpa/devices/" + name, path("sys/devices/" + where));
        if (!driver.empty()) {
            link("sys/devices/" + where + "/driver", path("sys/bus/vdpa/drivers/" + driver));
            link("sys/bus/vdpa/drivers/" + driver + "/" + name, path("sys/devices/" + where));
        }
    }

    // A virtio device at sys/devices/`where`, with a netdev.
    void virtio_device(const std::string& name, const std::string& where, const std::string& netdev)
    {
        dir("sys/devices/" + where + "/net/" + netdev);
        file("sys/devices/" + where + "/device", "0x0001\n");
        link("sys/devices/" + where + "/subsystem", path("sys/bus/virtio"));
        link("sys/bus/virtio/devices/" + name, path("sys/devices/" + where));
    }

    DeviceBus bus() const
    {
        return DeviceBus(
            BusPaths{path("sys").string(), path("dev").string(), path("proc").string()});
    }

private:
    fs::path root_;
};

}  // namespace vdpa::testing

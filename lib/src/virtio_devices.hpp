// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Finding the virtio device virtio_vdpa made of a vDPA device. virtio_vdpa
// parents it to the vDPA device's DMA device: the vDPA device itself for
// the simulators and VDUSE, the PCI function for hardware. On a PCI
// function, the virtio devices of all its vDPA devices sit side by side,
// and sysfs has no link saying which is whose; the only exact way there is
// to watch which one appears while binding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vdpa::virtio {

// A device on the virtio bus: its name, where it is, and its sysfs inode
// (a new device of the same name at the same place gets a new one).
struct Entry {
    std::string name;
    std::string real_path;
    std::uint64_t inode = 0;

    std::string parent() const;
    bool operator==(const Entry&) const = default;
};

// Every device on the virtio bus under `sysfs`.
std::vector<Entry> list_devices(const std::string& sysfs);

// Whether the device `known` names is still that same device.
bool still_there(const std::string& sysfs, const Entry& known);

// What sysfs alone says about the virtio device of the vDPA device at
// `vdpa_dir` (its real path), bound to virtio_vdpa.
struct Lookup {
    std::optional<std::string> name; // known exactly
    // It sits on a parent shared with other vDPA devices' virtio devices:
    // which one is this device's cannot be told.
    std::optional<std::string> shared_parent;
};
Lookup find(const std::string& sysfs, const std::string& vdpa_dir);

// The devices of `after` that are not in `before` and whose parent is the
// vDPA device at `vdpa_dir` or one of its ancestors: the ones a bind of
// that device can have made.
std::vector<Entry> appeared(const std::vector<Entry>& before, const std::vector<Entry>& after,
                            const std::string& sysfs, const std::string& vdpa_dir);

} // namespace vdpa::virtio

// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Small, error-returning file helpers for sysfs and procfs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <vdpa/result.hpp>

namespace vdpa::sysfs {

bool exists(const std::string& path);
bool is_directory(const std::string& path);

// The file's contents without the trailing newline.
Result<std::string> read(const std::string& path);

// Writes `text` in one write(2), as sysfs attributes want.
Result<void> write(const std::string& path, const std::string& text);

// The last component of a symlink's target ("virtio_vdpa" for a driver
// link), or nullopt if there is no link.
std::optional<std::string> link_name(const std::string& path);

// A symlink's whole target as readlink(2) gives it, or nullopt.
std::optional<std::string> link_target(const std::string& path);

// The canonical path, or nullopt.
std::optional<std::string> real_path(const std::string& path);

// Names in a directory (no "." and ".."), sorted; empty if unreadable.
std::vector<std::string> list(const std::string& directory);

// The same, but an unreadable directory is an error (errnum says why).
Result<std::vector<std::string>> read_directory(const std::string& directory);

} // namespace vdpa::sysfs

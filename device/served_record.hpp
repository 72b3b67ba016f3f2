// SPDX-License-Identifier: GPL-2.0-or-later
//
// The record a device server publishes while it serves a device:
// /run/vdpa/served/NAME.json, {"backend": "file", "target": PATH,
// "server_pid": N}. `vdpa dev show -d` names the backend and the process
// from it, `vdpa dev del` finds the process to stop. The server writes
// it once ready (again after a restart, with its new pid) and removes it
// when it destroys the device.
//
// Readers treat it as untrusted: a file not owned by root (or by the
// reader), too large, malformed, or naming a process that is not a
// device server serving NAME, is as good as no record.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

namespace vdpa::device {

struct ServedRecord {
    std::string backend; // "file"; a second backend ("tap") names its own
    std::string target;  // the backing file's path, the interface's name
    pid_t server_pid = 0;
};

inline constexpr const char *served_record_dir = "/run/vdpa/served";

// `directory` is for tests; everyone else uses served_record_dir.
std::string served_record_path(const std::string &name,
                               const std::string &directory = served_record_dir);

// TEXT into PATH through a temporary file renamed over it, so a reader
// sees all or none (the record, and the launch settings beside it).
// Returns an error message, empty on success.
std::string write_file_atomically(const std::string &path, const std::string &text);

// Written with write_file_atomically. Returns an error message, empty on
// success.
std::string write_served_record(const std::string &name, const ServedRecord &record,
                                const std::string &directory = served_record_dir);
void remove_served_record(const std::string &name,
                          const std::string &directory = served_record_dir);

// The record, if present and well formed; nullopt otherwise.
std::optional<ServedRecord> read_served_record(const std::string &name,
                                               const std::string &directory = served_record_dir);

// Whether pid is a running device server (vdpa-*-server) given
// `--name NAME`: a stale record's pid may have been reused.
bool serves_device(pid_t pid, const std::string &name);

// The record, only when its process still serves the device.
std::optional<ServedRecord> live_served_record(const std::string &name);

} // namespace vdpa::device

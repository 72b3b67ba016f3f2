// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The VDUSE interface (/dev/vduse/control and /dev/vduse/NAME): ioctl
// numbers, their structures and the request/response messages read from
// and written to the device fd. Transcribed from Linux 6.12's
// include/uapi/linux/vduse.h (API version 0).
#pragma once

#include <cstdint>
#include <linux/ioctl.h>

namespace vdpa::uapi::vduse {

inline constexpr unsigned base = 0x81;
inline constexpr std::uint64_t api_version = 0;
inline constexpr std::size_t name_max = 256;

struct DevConfig {
    char name[name_max];
    std::uint32_t vendor_id;
    std::uint32_t device_id;
    std::uint64_t features;
    std::uint32_t vq_num;
    std::uint32_t vq_align;
    std::uint32_t reserved[13];
    std::uint32_t config_size;
    // followed by config_size bytes of device configuration space
};
static_assert(sizeof(DevConfig) == 256 + 4 + 4 + 8 + 4 + 4 + 52 + 4);

struct IotlbEntry {
    std::uint64_t offset;
    std::uint64_t start;
    std::uint64_t last;
    std::uint8_t perm;
};
inline constexpr std::uint8_t access_ro = 0x1;
inline constexpr std::uint8_t access_wo = 0x2;
inline constexpr std::uint8_t access_rw = 0x3;

struct VqConfig {
    std::uint32_t index;
    std::uint16_t max_size;
    std::uint16_t reserved[13];
};

struct VqStateSplit {
    std::uint16_t avail_index;
};

struct VqStatePacked {
    std::uint16_t last_avail_counter;
    std::uint16_t last_avail_idx;
    std::uint16_t last_used_counter;
    std::uint16_t last_used_idx;
};

struct VqInfo {
    std::uint32_t index;
    std::uint32_t num;
    std::uint64_t desc_addr;
    std::uint64_t driver_addr;
    std::uint64_t device_addr;
    union {
        VqStateSplit split;
        VqStatePacked packed;
    };
    std::uint8_t ready;
};

struct VqEventfd {
    std::uint32_t index;
    int fd;
};
inline constexpr int eventfd_deassign = -1;

inline constexpr unsigned long get_api_version = _IOR(base, 0x00, std::uint64_t);
inline constexpr unsigned long set_api_version = _IOW(base, 0x01, std::uint64_t);
inline constexpr unsigned long create_dev = _IOW(base, 0x02, DevConfig);
inline constexpr unsigned long destroy_dev = _IOW(base, 0x03, char[name_max]);
inline constexpr unsigned long iotlb_get_fd = _IOWR(base, 0x10, IotlbEntry);
inline constexpr unsigned long dev_get_features = _IOR(base, 0x11, std::uint64_t);
// struct vduse_config_data: offset and length, then length bytes.
struct ConfigData {
    std::uint32_t offset;
    std::uint32_t length;
};
inline constexpr unsigned long dev_set_config = _IOW(base, 0x12, ConfigData);
inline constexpr unsigned long dev_inject_config_irq = _IO(base, 0x13);
inline constexpr unsigned long vq_setup = _IOW(base, 0x14, VqConfig);
inline constexpr unsigned long vq_get_info = _IOWR(base, 0x15, VqInfo);
inline constexpr unsigned long vq_setup_kickfd = _IOW(base, 0x16, VqEventfd);
inline constexpr unsigned long vq_inject_irq = _IOW(base, 0x17, std::uint32_t);

// enum vduse_req_type
inline constexpr std::uint32_t req_get_vq_state = 0;
inline constexpr std::uint32_t req_set_status = 1;
inline constexpr std::uint32_t req_update_iotlb = 2;

inline constexpr std::uint32_t result_ok = 0;
inline constexpr std::uint32_t result_failed = 1;

struct VqState {
    std::uint32_t index;
    union {
        VqStateSplit split;
        VqStatePacked packed;
    };
};

struct IovaRange {
    std::uint64_t start;
    std::uint64_t last;
};

struct DevRequest {
    std::uint32_t type;
    std::uint32_t request_id;
    std::uint32_t reserved[4];
    union {
        VqState vq_state;
        std::uint8_t status;
        IovaRange iova;
        std::uint32_t padding[32];
    };
};
static_assert(sizeof(DevRequest) == 24 + 128);

struct DevResponse {
    std::uint32_t request_id;
    std::uint32_t result;
    std::uint32_t reserved[4];
    union {
        VqState vq_state;
        std::uint32_t padding[32];
    };
};
static_assert(sizeof(DevResponse) == 24 + 128);

} // namespace vdpa::uapi::vduse

// SPDX-License-Identifier: LGPL-2.1-or-later
//
// libvdpa: the kernel's vDPA bus as typed values. See libvdpa(3).
#pragma once

#include <vdpa/bus.hpp>
#include <vdpa/client.hpp>
#include <vdpa/export.hpp>
#include <vdpa/family.hpp>
#include <vdpa/features.hpp>
#include <vdpa/host.hpp>
#include <vdpa/model.hpp>
#include <vdpa/monitor.hpp>
#include <vdpa/paths.hpp>
#include <vdpa/result.hpp>
#include <vdpa/state.hpp>

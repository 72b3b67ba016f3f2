// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Symbol visibility: libvdpa is built with hidden visibility, so only what
// is marked here is part of the shared library's ABI.
#pragma once

#if defined(VDPA_BUILDING_LIBRARY)
#define VDPA_EXPORT __attribute__((visibility("default")))
#else
#define VDPA_EXPORT
#endif

// SPDX-License-Identifier: GPL-2.0-or-later
//
// The one place errors become text. Kernel errors read as iproute2 prints
// them, because users and scripts match on that:
//   Error: <extended ack message>.
//   kernel answers: <strerror(errno)>
#pragma once

#include <string>
#include <string_view>

#include <vdpa/result.hpp>

#include "render/output.hpp"

namespace vdpa::cli {

void print_error(Output& err, const Error& error);

// The error's message as vdpa says it: the library's own words, except
// where the CLI names its commands and keywords (what a kernel lacks).
std::string cli_message(const Error& error);
void print_warning(Output& err, std::string_view message);

} // namespace vdpa::cli

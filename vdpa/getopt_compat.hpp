// SPDX-License-Identifier: GPL-2.0-or-later
//
// Drop-in compatibility with iproute2's option parsing, ahead of CLI11.
//
// iproute2 6.15's vdpa reads its options with glibc's getopt_long: short
// options "Vjpsh", long options Version, json, pretty and help. Scripts
// written for it rely on what getopt accepts and CLI11 2.1.2 does not:
// unambiguous prefixes of long names (--js), -V and -h acting at once so
// that nothing after them is looked at (-Vx, -Vjson), options after the
// command words, and refusals worded by getopt ("vdpa: invalid option --
// 'x'"). This pass walks argv as getopt_long would and either refuses it
// in getopt's words or hands CLI11 an argv that CLI11 reads the way getopt
// would have read the original. It keeps no state between calls (getopt
// keeps its own in globals).
#pragma once

#include <span>
#include <string>
#include <vector>

#include <vdpa/result.hpp>

#include "options.hpp"

namespace vdpa::cli {

// `argv` includes the program name, argv[0], which getopt puts in front of
// its messages as it is (not its basename). On success: the words after
// argv[0] for CLI11, where each long option has its full name ("--js" is
// "--json", "-force" is "--force"), a long option's value is the next word,
// a cluster ends at -V or -h and nothing follows that option, and the
// words that are not options (after "--" too) keep their places. On
// failure the Error's message is what iproute2 prints before its usage
// text, one or two lines without the final newline:
//   vdpa: invalid option -- 'x'                  (then "Unknown option.")
//   vdpa: unrecognized option '--x'              (then "Unknown option.")
//   vdpa: option '--=x' is ambiguous; possibilities: '--Version' ...
//                                                (then "Unknown option.")
//   vdpa: option '--json' doesn't allow an argument  (then "Unknown option.")
//   vdpa: option requires an argument -- 'b'     (alone: not an unknown option)
//   vdpa: option '--batch' requires an argument  (alone)
//   Unknown option.                              (-s: see getopt_compat.cpp)
Result<std::vector<std::string>> normalize_options(std::span<const OptionSpec> table,
                                                   std::span<const std::string> argv);

} // namespace vdpa::cli

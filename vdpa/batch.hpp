// SPDX-License-Identifier: GPL-2.0-or-later
//
// Batch mode (-b FILE): one command per line, all on one netlink socket in
// one process, read exactly as `ip -batch` reads them (iproute2's
// getcmdline and makeargs in lib/utils.c):
//   - a '#' anywhere cuts the rest of its line, inside a word or quotes too;
//   - a backslash right before the newline joins the next line, with no
//     blank put between them; a line cut by '#' does not continue;
//   - words are split on blanks; a word that starts with ' or " runs to the
//     next such quote, and the next word starts right after it; nothing
//     else is special (no backslash escapes);
//   - errors name the last physical line of the command (FILE:LINE).
// Two things stop the batch at once, even with -f: a quote left open and a
// continuation at the end of the file; both are reported with FILE:LINE.
//
// Options on a line: only -f (--force, -force), which lets that line unbind
// or delete a device a process holds open. The other options apply to the
// whole batch and are given on the command line; there, -f means "go on
// after a failing line" and never forces an in-use device.
#pragma once

#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vdpa/result.hpp>

#include "session.hpp"

namespace vdpa::cli {

struct BatchLine {
    int number = 0; // the last physical line of the command
    std::vector<std::string> words;
};

class BatchReader {
public:
    explicit BatchReader(std::FILE* in) : in_(in) {}
    ~BatchReader();
    BatchReader(const BatchReader&) = delete;
    BatchReader& operator=(const BatchReader&) = delete;

    // The next command, nullopt at the end, or an error that ends the
    // batch: "Missing continuation line", "Unterminated quoted string".
    Result<std::optional<BatchLine>> next();
    int line_number() const { return line_number_; }

private:
    // One physical line as getcmdline keeps it; false at the end.
    bool read_line(std::string& line);

    std::FILE* in_;
    char* buffer_ = nullptr;
    std::size_t capacity_ = 0;
    int line_number_ = 0;
};

// Splits one command line into words as makeargs does ('#' and
// continuations are the reader's); error for an unterminated quote.
Result<std::vector<std::string>> split_batch_line(std::string_view line);

// A batch line's own options: -f and the words without it, or an error
// for any other option (getopt's message and iproute2's for an unknown
// one, as on the command line).
struct LineOptions {
    bool force = false;
    std::vector<std::string> words;
};
Result<LineOptions> parse_line_options(std::vector<std::string> words);

// Runs every command of `in` (named `name` in messages). Stops at the first
// failing line unless `keep_going`; the exit status is 1 if any failed.
int run_batch(Session& session, const std::string& name, std::FILE* in, bool keep_going);

// -b FILE ("-" for stdin), with no command words given besides.
int run_batch_file(Session& session, const std::string& path, std::span<const std::string> words,
                   bool keep_going);

} // namespace vdpa::cli

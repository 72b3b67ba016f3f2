// SPDX-License-Identifier: GPL-2.0-or-later
//
// Batch mode (-b FILE): one command per line, all on one netlink socket in
// one process, as `ip -batch` reads them: words split on blanks, a word
// that starts with ' or " runs to the matching quote, # starts a comment
// where a word could start, a backslash at the end of a line continues it.
#pragma once

#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <vdpa/result.hpp>

#include "session.hpp"

namespace vdpa::cli {

struct BatchLine {
    int number = 0; // of the line it starts on
    std::vector<std::string> words;
};

class BatchReader {
public:
    explicit BatchReader(std::FILE* in) : in_(in) {}
    ~BatchReader();
    BatchReader(const BatchReader&) = delete;
    BatchReader& operator=(const BatchReader&) = delete;

    // The next command, nullopt at the end, or an error for a line that
    // cannot be split (an unterminated quote).
    Result<std::optional<BatchLine>> next();
    int line_number() const { return line_number_; }

private:
    std::FILE* in_;
    char* buffer_ = nullptr;
    std::size_t capacity_ = 0;
    int line_number_ = 0;
};

// Splits one logical line into words; error for an unterminated quote.
Result<std::vector<std::string>> split_batch_line(const std::string& line);

// Runs every command of `in` (named `name` in messages). Stops at the first
// failing line unless `keep_going`; the exit status is 1 if any failed.
int run_batch(Session& session, const std::string& name, std::FILE* in, bool keep_going);

// -b FILE ("-" for stdin); -f keeps going past failing lines.
int run_batch_file(Session& session, const std::string& path, std::span<const std::string> words);

} // namespace vdpa::cli

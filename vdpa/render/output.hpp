// SPDX-License-Identifier: GPL-2.0-or-later
//
// Where rendered text goes: a buffered stream over a FILE. Records are
// written as they are rendered, so a dump never sits whole in memory.
// A failed write (a full disk, /dev/full) is remembered, not thrown, so
// that the command can end and main can report it with status 1.
#pragma once

#include <cerrno>
#include <cstdio>
#include <iterator>
#include <string_view>

#include <fmt/format.h>

namespace vdpa::cli {

class Output {
public:
    explicit Output(std::FILE* file) : file_(file) {}

    void write(std::string_view text)
    {
        if (std::fwrite(text.data(), 1, text.size(), file_) != text.size())
            remember_error();
    }
    void put(char c)
    {
        if (std::fputc(c, file_) == EOF)
            remember_error();
    }

    // Formats into memory first: fmt::print would throw on a failed write.
    template <typename... Args>
    void print(fmt::format_string<Args...> format, Args&&... args)
    {
        fmt::memory_buffer text;
        fmt::format_to(std::back_inserter(text), format, std::forward<Args>(args)...);
        write({text.data(), text.size()});
    }

    void flush()
    {
        if (std::fflush(file_) == EOF)
            remember_error();
    }
    bool failed() const { return error_ != 0 || std::ferror(file_) != 0; }
    // Why the first failed write failed (an errno value), once failed().
    int error() const { return error_ ? error_ : EIO; }

private:
    void remember_error()
    {
        if (!error_)
            error_ = errno ? errno : EIO;
    }

    std::FILE* file_;
    int error_ = 0;
};

} // namespace vdpa::cli

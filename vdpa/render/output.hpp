// SPDX-License-Identifier: GPL-2.0-or-later
//
// Where rendered text goes: a buffered stream over a FILE. Records are
// written as they are rendered, so a dump never sits whole in memory.
#pragma once

#include <cstdio>
#include <string_view>

#include <fmt/format.h>

namespace vdpa::cli {

class Output {
public:
    explicit Output(std::FILE* file) : file_(file) {}

    void write(std::string_view text) { std::fwrite(text.data(), 1, text.size(), file_); }
    void put(char c) { std::fputc(c, file_); }

    template <typename... Args>
    void print(fmt::format_string<Args...> format, Args&&... args)
    {
        fmt::print(file_, format, std::forward<Args>(args)...);
    }

    void flush() { std::fflush(file_); }
    bool failed() const { return std::ferror(file_) != 0; }

private:
    std::FILE* file_;
};

} // namespace vdpa::cli

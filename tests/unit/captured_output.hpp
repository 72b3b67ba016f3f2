// SPDX-License-Identifier: GPL-2.0-or-later
//
// A CLI Output whose bytes the test reads back.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "render/output.hpp"

namespace vdpa::testing {

class CapturedOutput {
public:
    CapturedOutput() : file_(open_memstream(&data_, &size_)), out_(file_) {}
    ~CapturedOutput()
    {
        std::fclose(file_);
        std::free(data_);
    }
    CapturedOutput(const CapturedOutput&) = delete;
    CapturedOutput& operator=(const CapturedOutput&) = delete;

    cli::Output& out() { return out_; }
    std::string text()
    {
        std::fflush(file_);
        return std::string(data_, size_);
    }

private:
    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::FILE* file_;
    cli::Output out_;
};

} // namespace vdpa::testing

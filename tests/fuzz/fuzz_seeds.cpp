// SPDX-License-Identifier: GPL-2.0-or-later
//
// fuzz-seeds DIR RECORDING...: writes the replies recorded from the real
// kernel into DIR as fuzz_reply inputs, one file per step.
#include <cstdio>
#include <filesystem>
#include <string>

#include "fuzz_input.hpp"
#include "recording.hpp"

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fputs("usage: fuzz-seeds DIR RECORDING...\n", stderr);
        return 1;
    }
    std::filesystem::create_directories(argv[1]);
    int written = 0;
    for (int i = 2; i < argc; ++i) {
        for (const vdpa::testing::Exchange& exchange : vdpa::testing::read_recording(argv[i])) {
            vdpa::fuzz::ReplyInput input;
            if (exchange.step.rfind("open", 0) == 0)
                input.fuzz_family = true;
            else if (!vdpa::fuzz::call_of_step(exchange.step, input.call))
                continue;
            input.datagrams = exchange.replies;
            vdpa::fuzz::Bytes bytes = vdpa::fuzz::join_reply_input(input);
            std::string path = std::string(argv[1]) + "/seed-" + std::to_string(written++);
            std::FILE* out = std::fopen(path.c_str(), "wb");
            if (!out || std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size() ||
                std::fclose(out) != 0) {
                std::perror(path.c_str());
                return 1;
            }
        }
    }
    std::printf("%d seeds\n", written);
    return 0;
}

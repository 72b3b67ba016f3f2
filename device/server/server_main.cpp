// SPDX-License-Identifier: GPL-2.0-or-later
#include "server/server_main.hpp"

#include <charconv>

namespace vdpa::device {

ProcessOptions read_server_arguments(const char *program, int argc, char **argv,
                                     std::string &name, std::string &inflight_path,
                                     const DeviceOption &device_option)
{
    ProcessOptions process;
    for (int i = 1; i < argc; ++i) {
        const std::string_view option = argv[i];
        const OptionValue value = [&]() -> std::string_view {
            if (i + 1 >= argc)
                exit_with_error(program, std::string(option) + " needs a value");
            return argv[++i];
        };
        if (option == "--name")
            name = value();
        else if (option == "--inflight")
            inflight_path = value();
        else if (option == "--detach")
            process.detach = true;
        else if (option == "--pidfile")
            process.pidfile = value();
        else if (!device_option(option, value))
            exit_with_error(program, "unknown argument \"" + std::string(option) + "\"");
    }
    return process;
}

std::uint32_t number_option(const char *program, std::string_view option, std::string_view text)
{
    std::uint32_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end != text.data() + text.size())
        exit_with_error(program, std::string(option) + " needs a number, not \"" +
                                     std::string(text) + "\"");
    return number;
}

} // namespace vdpa::device

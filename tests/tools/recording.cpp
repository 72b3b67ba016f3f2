// SPDX-License-Identifier: GPL-2.0-or-later
#include "recording.hpp"

#include <fstream>
#include <stdexcept>

namespace vdpa::testing {

std::string to_hex(const Bytes& bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (std::byte b : bytes) {
        hex += digits[std::to_integer<unsigned>(b) >> 4];
        hex += digits[std::to_integer<unsigned>(b) & 0xf];
    }
    return hex;
}

Bytes from_hex(const std::string& hex)
{
    auto nibble = [](char c) -> unsigned {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        throw std::runtime_error(std::string("bad hex digit '") + c + "'");
    };
    if (hex.size() % 2)
        throw std::runtime_error("odd number of hex digits");
    Bytes bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2)
        bytes.push_back(std::byte((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
    return bytes;
}

std::vector<Exchange> read_recording(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot open recording " + path);
    std::vector<Exchange> exchanges;
    std::string step;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("# step: ", 0) == 0) {
            step = line.substr(8);
        } else if (line.rfind("> ", 0) == 0) {
            exchanges.push_back({step, from_hex(line.substr(2)), {}});
        } else if (line.rfind("< ", 0) == 0) {
            if (exchanges.empty())
                throw std::runtime_error(path + ": a reply before any request");
            exchanges.back().replies.push_back(from_hex(line.substr(2)));
        } else if (!line.empty() && line[0] != '#') {
            throw std::runtime_error(path + ": unexpected line: " + line);
        }
    }
    return exchanges;
}

} // namespace vdpa::testing

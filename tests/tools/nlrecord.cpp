// SPDX-License-Identifier: GPL-2.0-or-later
//
// Records the netlink exchanges of libvdpa calls against the running kernel
// (run it in the test VM; see tests/data/README.md):
//
//   nlrecord OUTPUT STEP...
//
// Steps: mgmtdev-dump, mgmtdev-get:NAME, dev-dump, dev-get:NAME,
// config-dump, config-get:NAME, vstats:NAME:QIDX, set-mac:NAME:MAC,
// del:NAME, add:NAME:MGMTDEV[:mac=MAC][:mtu=N][:features=HEX][:max_vqp=N].
// The family resolution of opening the client is recorded first.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <sys/utsname.h>

#include "client_impl.hpp"
#include "netlink/transport.hpp"
#include "recording.hpp"

namespace {

using namespace vdpa;
using testing::Bytes;

class RecordingTransport final : public netlink::Transport {
public:
    RecordingTransport(std::unique_ptr<netlink::Transport> inner, std::ostream& out)
        : inner_(std::move(inner)), out_(out)
    {
    }

    Result<void> send(std::span<const std::byte> message) override
    {
        out_ << "> " << testing::to_hex(Bytes(message.begin(), message.end())) << "\n";
        return inner_->send(message);
    }

    Result<std::size_t> receive(std::span<std::byte> buffer) override
    {
        auto received = inner_->receive(buffer);
        if (received)
            out_ << "< " << testing::to_hex(Bytes(buffer.begin(), buffer.begin() + *received))
                 << "\n";
        return received;
    }

    std::uint32_t port_id() const override { return inner_->port_id(); }

private:
    std::unique_ptr<netlink::Transport> inner_;
    std::ostream& out_;
};

std::vector<std::string> split(const std::string& text, char separator)
{
    std::vector<std::string> parts;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, separator))
        parts.push_back(part);
    return parts;
}

MacAddress mac_from(const std::string& text)
{
    MacAddress mac;
    unsigned o[6];
    if (std::sscanf(text.c_str(), "%x-%x-%x-%x-%x-%x", &o[0], &o[1], &o[2], &o[3], &o[4], &o[5]) !=
        6)
        throw std::runtime_error("MAC must be written aa-bb-cc-dd-ee-ff in steps: " + text);
    for (int i = 0; i < 6; ++i)
        mac.octets[i] = static_cast<std::uint8_t>(o[i]);
    return mac;
}

std::string outcome(const Error& error)
{
    return "error errno " + std::to_string(error.errnum) + " \"" + error.message + "\"";
}

template <typename T>
std::string outcome(const Result<T>& result)
{
    return result ? "ok" : outcome(result.error());
}

std::string run_step(Client& client, const std::string& step)
{
    auto p = split(step, ':');
    const std::string& op = p.at(0);
    auto ignore = [](const auto&) {};
    if (op == "mgmtdev-dump")
        return outcome(client.for_each_mgmtdev(ignore));
    if (op == "mgmtdev-get")
        return outcome(client.get_mgmtdev({"", p.at(1)}));
    if (op == "dev-dump")
        return outcome(client.for_each_device(ignore));
    if (op == "dev-get")
        return outcome(client.get_device(p.at(1)));
    if (op == "config-dump")
        return outcome(client.for_each_device_config(ignore));
    if (op == "config-get")
        return outcome(client.get_device_config(p.at(1)));
    if (op == "vstats")
        return outcome(client.get_queue_stats(p.at(1), std::stoul(p.at(2))));
    if (op == "set-mac")
        return outcome(client.change_device({p.at(1), mac_from(p.at(2))}));
    if (op == "del")
        return outcome(client.delete_device(p.at(1)));
    if (op == "add") {
        NewDevice request;
        request.name = p.at(1);
        request.mgmtdev.name = p.at(2);
        for (std::size_t i = 3; i < p.size(); ++i) {
            auto kv = split(p[i], '=');
            if (kv.at(0) == "mac")
                request.mac = mac_from(kv.at(1));
            else if (kv.at(0) == "mtu")
                request.mtu = static_cast<std::uint16_t>(std::stoul(kv.at(1)));
            else if (kv.at(0) == "max_vqp")
                request.max_vq_pairs = static_cast<std::uint16_t>(std::stoul(kv.at(1)));
            else if (kv.at(0) == "features")
                request.device_features = std::stoull(kv.at(1), nullptr, 16);
        }
        return outcome(client.add_device(request));
    }
    throw std::runtime_error("unknown step " + step);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::cerr << "usage: nlrecord OUTPUT STEP...\n";
        return 2;
    }
    std::ofstream out(argv[1]);
    utsname uts{};
    uname(&uts);
    out << "# libvdpa netlink recording: '> ' request, '< ' reply datagram (hex)\n"
        << "# recorded by tests/tools/nlrecord on Linux " << uts.release << "\n"
        << "# step: open (family resolution)\n";
    auto transport = netlink::open_generic_netlink();
    if (!transport) {
        std::cerr << "nlrecord: " << transport.error().message << "\n";
        return 1;
    }
    auto client = open_client(std::make_unique<RecordingTransport>(*std::move(transport), out));
    if (!client) {
        std::cerr << "nlrecord: " << client.error().message << "\n";
        return 1;
    }
    for (int i = 2; i < argc; ++i) {
        out << "# step: " << argv[i] << "\n";
        std::string result = run_step(*client, argv[i]);
        out << "# outcome: " << result << "\n";
        std::cerr << argv[i] << ": " << result << "\n";
    }
    return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
//
// faults: drives libvdpa into the kernel-side faults that a command line
// cannot provoke on purpose, on the real kernel (tests/vm/faults.sh).
//
//   faults small-buffer N   dumps with the smallest socket receive buffer
//                           the kernel allows: all N devices and configs
//                           arrive, or an error says why; never fewer
//   faults eintr N ROUNDS   dumps while SIGALRM interrupts every 50 us:
//                           every dump still has all N devices
//   faults removed A B      deletes device B from another socket while a
//                           dump is under way, then asks for B: an error
//                           value (ENODEV), no crash
//
// Prints what happened; exits 0 only when it was as it should be.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/time.h>

#include <vdpa/client.hpp>

namespace {

std::atomic<long> interrupts{0};

void count_interrupt(int)
{
    interrupts.fetch_add(1, std::memory_order_relaxed);
}

struct Counts {
    long devices = -1;
    long configs = -1;
};

Counts dump(vdpa::Client& client)
{
    Counts counts;
    long devices = 0;
    long configs = 0;
    if (auto done = client.for_each_device([&](const vdpa::Device&) { ++devices; }); done)
        counts.devices = devices;
    else
        std::printf("device dump failed: %s (errno %d)\n", done.error().message.c_str(),
                    done.error().errnum);
    if (auto done = client.for_each_device_config([&](const vdpa::DeviceConfig&) { ++configs; });
        done)
        counts.configs = configs;
    else
        std::printf("config dump failed: %s (errno %d)\n", done.error().message.c_str(),
                    done.error().errnum);
    return counts;
}

vdpa::Client open_or_die(const vdpa::ClientOptions& options = {})
{
    auto client = vdpa::Client::open(options);
    if (!client) {
        std::printf("cannot open: %s\n", client.error().message.c_str());
        std::exit(2);
    }
    return *std::move(client);
}

int small_buffer(long expected)
{
    vdpa::ClientOptions options;
    options.socket_receive_buffer = 1; // the kernel raises it to its minimum
    vdpa::Client client = open_or_die(options);
    Counts counts = dump(client);
    std::printf("small buffer: %ld devices, %ld configs of %ld\n", counts.devices, counts.configs,
                expected);
    return counts.devices == expected && counts.configs == expected ? 0 : 1;
}

int eintr(long expected, int rounds)
{
    struct sigaction action = {};
    action.sa_handler = count_interrupt; // no SA_RESTART: calls return EINTR
    sigaction(SIGALRM, &action, nullptr);
    itimerval timer = {{0, 50}, {0, 50}};
    setitimer(ITIMER_REAL, &timer, nullptr);
    vdpa::Client client = open_or_die();
    int bad = 0;
    for (int round = 0; round < rounds; ++round) {
        Counts counts = dump(client);
        if (counts.devices != expected || counts.configs != expected) {
            std::printf("round %d: %ld devices, %ld configs of %ld\n", round, counts.devices,
                        counts.configs, expected);
            ++bad;
        }
    }
    timer = {};
    setitimer(ITIMER_REAL, &timer, nullptr);
    std::printf("eintr: %d rounds, %d incomplete, %ld interrupts\n", rounds, bad, interrupts.load());
    return bad == 0 && interrupts.load() > 0 ? 0 : 1;
}

int removed(const std::string& first, const std::string& victim)
{
    vdpa::Client reader = open_or_die();
    vdpa::Client remover = open_or_die();
    bool deleted = false;
    long seen = 0;
    auto done = reader.for_each_device([&](const vdpa::Device& device) {
        ++seen;
        if (device.name == first && !deleted) {
            auto gone = remover.delete_device(victim);
            deleted = static_cast<bool>(gone);
            if (!gone)
                std::printf("cannot delete %s: %s\n", victim.c_str(), gone.error().message.c_str());
        }
    });
    std::printf("dump: %s, %ld devices, %s deleted midway: %s\n", done ? "ok" : "failed", seen,
                victim.c_str(), deleted ? "yes" : "no");
    int status = done && deleted ? 0 : 1;
    auto check_gone = [&](const char* what, const auto& result) {
        if (result) {
            std::printf("%s of the deleted device succeeded\n", what);
            status = 1;
        } else {
            std::printf("%s: %s (errno %d)\n", what, result.error().message.c_str(),
                        result.error().errnum);
            status = result.error().errnum == ENODEV ? status : 1;
        }
    };
    check_gone("get", reader.get_device(victim));
    check_gone("config", reader.get_device_config(victim));
    check_gone("vstats", reader.get_queue_stats(victim, 0));
    check_gone("del", reader.delete_device(victim));
    return status;
}

} // namespace

int main(int argc, char** argv)
{
    std::string what = argc > 1 ? argv[1] : "";
    if (what == "small-buffer" && argc == 3)
        return small_buffer(std::atol(argv[2]));
    if (what == "eintr" && argc == 4)
        return eintr(std::atol(argv[2]), std::atoi(argv[3]));
    if (what == "removed" && argc == 4)
        return removed(argv[2], argv[3]);
    std::fputs("usage: faults { small-buffer N | eintr N ROUNDS | removed A B }\n", stderr);
    return 2;
}

// SPDX-License-Identifier: GPL-2.0-or-later
//
// `vdpa dev add ... file PATH` holds SIGINT, SIGTERM and SIGHUP back while
// it makes a served device, and its server starts outside the command's
// process group with no signal blocked (HeldSignals, launch_blk_server).
#include "held_signals.hpp"
#include "launcher.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace vdpa::device;

namespace {

bool blocked(int signal)
{
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    return sigismember(&mask, signal) == 1;
}

// Runs body in a child; returns its wait status.
template <typename Body>
int in_child(Body body)
{
    const pid_t child = fork();
    if (child == 0) {
        body();
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return status;
}

TEST(HeldSignals, BlocksTheThreeAndRestoresTheMask)
{
    ASSERT_FALSE(blocked(SIGTERM));
    {
        HeldSignals held;
        EXPECT_TRUE(blocked(SIGINT));
        EXPECT_TRUE(blocked(SIGTERM));
        EXPECT_TRUE(blocked(SIGHUP));
        EXPECT_FALSE(held.arrived());
    }
    EXPECT_FALSE(blocked(SIGINT));
    EXPECT_FALSE(blocked(SIGTERM));
    EXPECT_FALSE(blocked(SIGHUP));
}

TEST(HeldSignals, ASignalWaitsAndIsTakenBackWhenAnswered)
{
    // In a child: were the signal delivered, it would end the test binary.
    const int status = in_child([] {
        {
            HeldSignals held;
            kill(getpid(), SIGTERM);
            kill(getpid(), SIGHUP);
            const std::optional<int> first = held.arrived();
            if (!first || (*first != SIGTERM && *first != SIGHUP))
                _exit(2);
            held.answered();
            if (held.arrived())
                _exit(3);
        }
        _exit(0);
    });
    ASSERT_TRUE(WIFEXITED(status)) << "ended by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(HeldSignals, AnUnansweredSignalIsDeliveredOnceReleased)
{
    const int status = in_child([] {
        {
            HeldSignals held;
            kill(getpid(), SIGINT);
            if (held.arrived() != SIGINT)
                _exit(2);
        }
        _exit(0);  // not reached: SIGINT's default action ends the child
    });
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), SIGINT);
}

TEST(HeldSignals, OneBlockedBeforeStaysTheCallersOwn)
{
    const int status = in_child([] {
        sigset_t term;
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &term, nullptr);
        {
            HeldSignals held;
            kill(getpid(), SIGTERM);
            if (held.arrived())
                _exit(2);
            held.answered();
        }
        sigset_t pending;
        sigpending(&pending);
        _exit(sigismember(&pending, SIGTERM) == 1 && blocked(SIGTERM) ? 0 : 3);
    });
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

// A stand-in for vdpa-blk-server: it reports its process group and its
// blocked signals (/proc/self/status SigBlk), writes its pid to the
// pidfile the launcher passes, and exits 0 as a ready detached server does.
TEST(Launcher, TheServerStartsInItsOwnGroupWithNoSignalBlocked)
{
    char dir_pattern[] = "/tmp/held-signals.XXXXXX";
    ASSERT_NE(mkdtemp(dir_pattern), nullptr);
    const std::string dir = dir_pattern;
    const std::string script = dir + "/fake-server";
    const std::string report = dir + "/report";
    {
        std::ofstream out(script);
        out << "#!/bin/sh\n"
               "while [ $# -gt 0 ]; do [ \"$1\" = --pidfile ] && pidfile=$2; shift; done\n"
               "read -r _ _ _ _ pgid _ < /proc/$$/stat\n"
               "echo \"pid $$ pgid $pgid $(grep '^SigBlk:' /proc/$$/status)\" > "
            << report
            << "\n"
               "echo $$ > \"$pidfile\"\n";
    }
    ASSERT_EQ(chmod(script.c_str(), 0755), 0);

    ServerOptions options;
    options.name = "held0";
    options.blk.path = "/dev/null";
    pid_t pid = 0;
    {
        HeldSignals held;  // as add_served_blk_device launches it
        DeviceError error = launch_blk_server(script, options, pid);
        ASSERT_FALSE(error) << error.message;
    }
    std::ifstream in(report);
    std::string word, pid_text, pgid_text, sigblk_label, sigblk;
    in >> word >> pid_text >> word >> pgid_text >> sigblk_label >> sigblk;
    EXPECT_EQ(pid_text, std::to_string(pid));
    EXPECT_EQ(pgid_text, pid_text) << "the server shares the command's process group";
    EXPECT_NE(pgid_text, std::to_string(getpgrp()));
    EXPECT_EQ(sigblk_label, "SigBlk:");
    EXPECT_EQ(sigblk, "0000000000000000") << "the server inherited blocked signals";
    std::system(("rm -rf " + dir).c_str());
}

} // namespace

// SPDX-License-Identifier: GPL-2.0-or-later
//
// Runs a command and prints its peak resident set size in KiB on stderr.
// A process's peak includes what it had before exec, so measuring from a
// large parent (Python) reports the parent; this parent is small.
//
//   peakrss COMMAND [ARG]...
#include <cstdio>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv)
{
    if (argc < 2)
        return 2;
    pid_t child = fork();
    if (child == 0) {
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    if (wait4(child, &status, 0, &usage) < 0)
        return 1;
    std::fprintf(stderr, "peakrss %ld\n", usage.ru_maxrss);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

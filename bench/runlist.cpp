// SPDX-License-Identifier: GPL-2.0-or-later
//
// Runs the command lines of a file one after another, each as its own
// process, waiting for each; stops at the first that fails. bench.py starts
// every contender of a timed comparison through it: one line for
// `vdpa -b FILE` or the raw loop, one line per command for iproute2, so
// that each process is started the same way, by a small parent, and no
// contender pays for a heavier one (a Python interpreter forking per
// command) that another does not.
//
//   runlist FILE     (words separated by single spaces; no quoting)
#include <cstdio>
#include <fstream>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <vector>

extern char** environ;

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: runlist FILE\n");
        return 2;
    }
    std::ifstream file(argv[1]);
    if (!file) {
        std::fprintf(stderr, "runlist: cannot open %s\n", argv[1]);
        return 2;
    }
    std::string line;
    unsigned number = 0;
    while (std::getline(file, line)) {
        ++number;
        std::vector<std::string> words;
        for (std::size_t start = 0; start <= line.size();) {
            std::size_t end = line.find(' ', start);
            if (end == std::string::npos)
                end = line.size();
            if (end > start)
                words.push_back(line.substr(start, end - start));
            start = end + 1;
        }
        if (words.empty())
            continue;
        std::vector<char*> args;
        for (auto& word : words)
            args.push_back(word.data());
        args.push_back(nullptr);
        pid_t child;
        if (posix_spawn(&child, args[0], nullptr, nullptr, args.data(), environ) != 0) {
            std::fprintf(stderr, "runlist: line %u: cannot start %s\n", number, args[0]);
            return 1;
        }
        int status = 0;
        if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            std::fprintf(stderr, "runlist: line %u failed: %s\n", number, line.c_str());
            return 1;
        }
    }
    return 0;
}

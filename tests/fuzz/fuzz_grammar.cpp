// SPDX-License-Identifier: GPL-2.0-or-later
//
// Fuzzes what the CLI makes of a command line before anything reaches the
// kernel: option parsing, the grammar walk with every value parser, the
// help of what it lands on, and the batch line splitter. Input: words
// separated by NUL bytes (the first byte picks how they are read), so a
// word can hold blanks, quotes and control characters. Seeds: the command
// lines of the test cases.
#include <cstdint>
#include <string>
#include <vector>

#include "batch.hpp"
#include "help.hpp"
#include "options.hpp"
#include "parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

    // As a batch line, and as the words of a command line.
    if (data[0] & 1) {
        auto words = vdpa::cli::split_batch_line(text);
        if (words)
            (void)vdpa::cli::parse_words(*words);
        return 0;
    }
    std::vector<std::string> words{"vdpa"};
    std::string word;
    for (char c : text) {
        if (c == '\0') {
            words.push_back(word);
            word.clear();
        } else {
            word.push_back(c);
        }
    }
    words.push_back(word);

    std::vector<char*> argv;
    for (std::string& w : words)
        argv.push_back(w.data());
    argv.push_back(nullptr);
    auto options = vdpa::cli::parse_options(static_cast<int>(words.size()), argv.data());
    if (!options)
        return 0;
    vdpa::cli::Invocation invocation = vdpa::cli::parse_words(options->words);
    if (invocation.help_node)
        (void)vdpa::cli::help_text(*invocation.help_node, invocation.help_path);
    return 0;
}

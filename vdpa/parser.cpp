// SPDX-License-Identifier: GPL-2.0-or-later
#include "parser.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <optional>

#include <vdpa/client.hpp>

namespace vdpa::cli {
namespace {

Invocation usage_error(std::string message, const Node* help_node = nullptr,
                       std::string help_path = {})
{
    Invocation invocation;
    invocation.action = Invocation::Action::usage_error;
    invocation.message = std::move(message);
    invocation.help_node = help_node;
    invocation.help_path = std::move(help_path);
    return invocation;
}

Invocation help(const Node& node, std::string path)
{
    Invocation invocation;
    invocation.action = Invocation::Action::help;
    invocation.help_node = &node;
    invocation.help_path = std::move(path);
    return invocation;
}

bool allows(const CommandSpec& command, KeywordId id)
{
    return std::any_of(command.keywords.begin(), command.keywords.end(),
                       [id](const KeywordUse& use) { return use.id == id; });
}

bool requires_keyword(const CommandSpec& command, KeywordId id)
{
    return std::any_of(command.keywords.begin(), command.keywords.end(),
                       [id](const KeywordUse& use) { return use.id == id && use.required; });
}

const KeywordSpec* find_keyword(const CommandSpec& command, std::string_view word)
{
    for (const KeywordSpec& spec : keywords())
        if (allows(command, spec.id) && word_matches(word, spec.word, spec.match))
            return &spec;
    return nullptr;
}

// iproute2 reports a missing management device before a missing name.
constexpr std::array required_check_order{KeywordId::mgmtdev, KeywordId::name, KeywordId::new_name,
                                          KeywordId::qidx};

// The word a command takes before its keywords (a device, a management
// device, a file), if any, into `arguments`; `next` is then the index of
// the first keyword. An invocation when the words are wrong.
std::optional<Invocation> parse_positional(const Node& node, const std::string& path,
                                           std::span<const std::string> words, Arguments& arguments,
                                           std::size_t& next)
{
    const CommandSpec& command = *node.command;
    next = 0;
    switch (command.positional) {
    case Positional::none:
        break;
    case Positional::device:
        if (words.empty())
            return usage_error(command.usage_without_device.empty()
                                   ? "String parameter expected"
                                   : std::string(command.usage_without_device));
        [[fallthrough]];
    case Positional::optional_device:
        if (!words.empty()) {
            if (auto parsed = keyword(KeywordId::name).parse(arguments, words[0]); !parsed)
                return usage_error(parsed.error().message);
            next = 1;
        }
        break;
    case Positional::optional_mgmtdev:
        if (!words.empty()) {
            if (auto parsed = keyword(KeywordId::mgmtdev).parse(arguments, words[0]); !parsed)
                return usage_error(parsed.error().message);
            next = 1;
        }
        break;
    case Positional::file:
        if (words.empty() || words[0].empty())
            return usage_error("A file name is expected (\"-\" for standard input).", &node,
                               path);
        arguments.file = words[0];
        next = 1;
        break;
    }
    return std::nullopt;
}

// Keywords with their values, and flags, into `arguments`; `seen` says
// which were given. An invocation when the words are wrong.
std::optional<Invocation> parse_keywords(const CommandSpec& command,
                                         std::span<const std::string> words, Arguments& arguments,
                                         std::bitset<64>& seen)
{
    std::size_t i = 0;
    while (i < words.size()) {
        const KeywordSpec* spec = find_keyword(command, words[i]);
        if (!spec)
            return usage_error("Unknown option " + vdpa::quoted(words[i]));
        auto slot = static_cast<std::size_t>(spec->id);
        if (seen[slot])
            return usage_error("Keyword " + vdpa::quoted(spec->word) + " is given more than once.");
        if (spec->placeholder.empty()) { // a flag: no value
            if (auto parsed = spec->parse(arguments, {}); !parsed)
                return usage_error(parsed.error().message);
            seen[slot] = true;
            ++i;
            continue;
        }
        if (i + 1 == words.size())
            return usage_error("Keyword " + vdpa::quoted(spec->word) + " needs a value (" +
                               std::string(spec->placeholder) + ").");
        if (auto parsed = spec->parse(arguments, words[i + 1]); !parsed)
            return usage_error(parsed.error().message);
        seen[slot] = true;
        i += 2;
    }
    return std::nullopt;
}

Invocation parse_command(const Node& node, const std::string& path,
                         std::span<const std::string> words)
{
    const CommandSpec& command = *node.command;
    Invocation invocation;
    invocation.action = Invocation::Action::run;
    invocation.command = &command;
    invocation.help_node = &node;
    invocation.help_path = path;
    Arguments& arguments = invocation.arguments;

    // `dev add help`, `dev set help`: a command that starts with a keyword
    // cannot mean anything else by it.
    if (command.positional == Positional::none && words.size() == 1 && words[0] == "help")
        return help(node, path);

    std::size_t first_keyword = 0;
    if (auto refused = parse_positional(node, path, words, arguments, first_keyword))
        return *std::move(refused);
    std::bitset<64> seen; // one bit per KeywordId
    if (auto refused = parse_keywords(command, words.subspan(first_keyword), arguments, seen))
        return *std::move(refused);

    for (KeywordId id : required_check_order)
        if (requires_keyword(command, id) && !seen[static_cast<std::size_t>(id)])
            return usage_error(std::string(keyword(id).missing_message));
    return invocation;
}

} // namespace

Invocation parse_words(std::span<const std::string> words)
{
    const Node* node = &grammar_root();
    std::string path;
    std::size_t i = 0;
    for (;;) {
        if (node->command)
            return parse_command(*node, path, words.subspan(i));
        if (i == words.size()) {
            switch (node->when_bare) {
            case Node::WhenBare::help:
                return help(*node, path);
            case Node::WhenBare::usage_error:
                return usage_error("", node, path);
            case Node::WhenBare::run_default:
                node = &node->children.front();
                continue;
            }
        }
        const std::string& word = words[i];
        if (word_matches(word, "help", node->help_match))
            return help(*node, path);
        const Node* next = nullptr;
        for (const Node& child : node->children) {
            if (word_matches(word, child.word, child.match)) {
                next = &child;
                break;
            }
        }
        if (!next)
            return usage_error((node == &grammar_root() ? "Object " : "Command ") +
                               vdpa::quoted(word) + " not found");
        path += path.empty() ? "" : " ";
        path += next->word;
        node = next;
        ++i;
    }
}

} // namespace vdpa::cli

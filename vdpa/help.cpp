// SPDX-License-Identifier: GPL-2.0-or-later
#include "help.hpp"

#include <vector>

#include "options.hpp"

namespace vdpa::cli {
namespace {

constexpr std::size_t line_width = 80;

std::string positional_form(Positional positional)
{
    switch (positional) {
    case Positional::none:
        return "";
    case Positional::device:
        return "DEV";
    case Positional::optional_device:
        return "[ DEV ]";
    case Positional::optional_mgmtdev:
        return "[ [BUS/]MGMTDEV ]";
    case Positional::file:
        return "FILE";
    }
    return "";
}

// Synopsis pieces, each kept whole when lines wrap.
std::vector<std::string> synopsis_parts(const CommandSpec& command, std::string_view words)
{
    std::vector<std::string> parts{"vdpa " + std::string(words)};
    if (std::string positional = positional_form(command.positional); !positional.empty())
        parts.push_back(positional);
    for (const KeywordUse& use : command.keywords) {
        const KeywordSpec& spec = keyword(use.id);
        std::string part = std::string(spec.word);
        if (!spec.placeholder.empty())
            part += " " + std::string(spec.placeholder);
        parts.push_back(use.required ? part : "[ " + part + " ]");
    }
    return parts;
}

// The words naming a command node with its aliases: "{ show | list }".
std::string node_words(const Node& parent, const Node& node)
{
    std::vector<std::string_view> names;
    for (const Node& sibling : parent.children)
        if (sibling.command && sibling.command == node.command)
            names.push_back(sibling.word);
    if (names.size() == 1)
        return std::string(names.front());
    std::string joined = "{ ";
    for (std::size_t i = 0; i < names.size(); ++i)
        joined += (i ? " | " : "") + std::string(names[i]);
    return joined + " }";
}

void append_wrapped(std::string& text, const std::vector<std::string>& parts, std::string_view lead)
{
    std::string line(lead);
    std::string continuation(lead.size() + parts.front().size() + 1, ' ');
    line += parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (line.size() + 1 + parts[i].size() > line_width) {
            text += line + "\n";
            line = continuation + parts[i];
        } else {
            line += " " + parts[i];
        }
    }
    text += line + "\n";
}

// "where  DRIVER := { virtio_vdpa | vhost_vdpa | none }" for the keywords
// with a closed set of values that `commands` use, each once.
std::string choices_text(const std::vector<const CommandSpec*>& commands)
{
    std::string text;
    for (const KeywordSpec& spec : keywords()) {
        if (spec.choices.empty())
            continue;
        bool used = false;
        for (const CommandSpec* command : commands)
            for (const KeywordUse& use : command->keywords)
                used = used || use.id == spec.id;
        if (used)
            text += std::string(text.empty() ? "where  " : "       ") +
                    std::string(spec.placeholder) + " := { " + std::string(spec.choices) + " }\n";
    }
    return text;
}

void collect(const Node& node, const std::string& path, std::string& text, bool& first,
             std::vector<const CommandSpec*>& shown)
{
    for (const Node& child : node.children) {
        if (child.alias)
            continue;
        std::string words = path.empty() ? std::string() : path + " ";
        if (child.command) {
            words += node_words(node, child);
            append_wrapped(text, synopsis_parts(*child.command, words),
                           first ? "Usage: " : "       ");
            shown.push_back(child.command);
            first = false;
        } else {
            collect(child, words + std::string(child.word), text, first, shown);
        }
    }
}

std::string root_help()
{
    // Only the forms getopt accepts: -j or --json (or a prefix, --js);
    // `-json` is not one of them (it is -j followed by -s).
    const OptionSpec* batch = nullptr;
    std::vector<std::string> forms;
    for (const OptionSpec& spec : option_table()) {
        if (spec.value)
            batch = &spec; // a command cannot come with it: its own line
        else
            forms.push_back(option_forms(spec));
    }
    std::string text = "Usage: vdpa [ OPTIONS ] OBJECT { COMMAND | help }\n";
    if (batch)
        text += "       vdpa [ OPTIONS ] { " + std::string(batch->short_name) + " | " +
                std::string(batch->long_name) + " | " + std::string(batch->single_dash_name) +
                " } " + std::string(batch->value_name) + "\n";
    text += "where  OBJECT := {";
    const Node& root = grammar_root();
    for (std::size_t i = 0; i < root.children.size(); ++i)
        text += std::string(i ? " | " : " ") + std::string(root.children[i].word);
    text += " }\n";
    std::string line = "       OPTIONS := {";
    const std::size_t indent = line.size() + 1;
    for (std::size_t i = 0; i < forms.size(); ++i) {
        std::string part = (i ? "| " : "") + forms[i];
        if (i && line.size() + 1 + part.size() > line_width) {
            text += line + "\n";
            line = std::string(indent - 1, ' ');
        }
        line += " " + part;
    }
    return text + line + " }\n";
}

} // namespace

std::string command_synopsis(const CommandSpec& command, std::string_view words)
{
    std::string text;
    append_wrapped(text, synopsis_parts(command, words), "");
    return text;
}

std::string help_text(const Node& node, std::string_view path)
{
    if (&node == &grammar_root())
        return root_help();
    std::string text;
    if (node.command) {
        append_wrapped(text, synopsis_parts(*node.command, path), "Usage: ");
        return text + choices_text({node.command});
    }
    bool first = true;
    std::vector<const CommandSpec*> shown;
    collect(node, std::string(path), text, first, shown);
    return text + choices_text(shown);
}

} // namespace vdpa::cli

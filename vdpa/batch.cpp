// SPDX-License-Identifier: GPL-2.0-or-later
#include "batch.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "options.hpp"
#include "run.hpp"

namespace vdpa::cli {

BatchReader::~BatchReader()
{
    std::free(buffer_);
}

bool BatchReader::read_line(std::string& line)
{
    ssize_t length = ::getline(&buffer_, &capacity_, in_);
    if (length < 0)
        return false;
    ++line_number_;
    line.assign(buffer_, static_cast<std::size_t>(length));
    // iproute2 handles the line as a C string: a NUL byte ends it.
    line.resize(std::min(line.find('\0'), line.size()));
    // A '#' anywhere starts a comment, and takes the newline with it, so
    // a line with a comment never continues.
    line.resize(std::min(line.find('#'), line.size()));
    return true;
}

Result<std::optional<BatchLine>> BatchReader::next()
{
    for (;;) {
        std::string line;
        if (!read_line(line))
            return std::optional<BatchLine>();
        // Only a backslash right before the newline continues; the two
        // lines are joined as they are, without a blank between them.
        while (line.ends_with("\\\n")) {
            std::string more;
            if (!read_line(more))
                return Error::invalid("Missing continuation line");
            line.resize(line.size() - 2);
            line += more;
        }
        auto words = split_batch_line(line);
        if (!words)
            return std::move(words).error();
        if (!words->empty())
            return std::optional<BatchLine>(BatchLine{line_number_, *std::move(words)});
    }
}

Result<std::vector<std::string>> split_batch_line(std::string_view line)
{
    static constexpr std::string_view blanks = " \t\r\n";
    line = line.substr(0, line.find('\0'));
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < line.size()) {
        at = line.find_first_not_of(blanks, at);
        if (at == std::string_view::npos)
            break;
        std::size_t end;
        if (line[at] == '\'' || line[at] == '"') {
            end = line.find(line[at], at + 1);
            if (end == std::string_view::npos)
                return Error::invalid("Unterminated quoted string");
            ++at;
        } else {
            end = std::min(line.find_first_of(blanks, at), line.size());
        }
        words.emplace_back(line.substr(at, end - at));
        // What ends a word (the closing quote, one blank) is dropped, and
        // the next word may start right after it: "a"b is two words.
        at = end + 1;
    }
    return words;
}

Result<LineOptions> parse_line_options(std::vector<std::string> words)
{
    LineOptions line;
    if (std::none_of(words.begin(), words.end(),
                     [](const std::string& word) { return word.size() > 1 && word[0] == '-'; })) {
        line.words = std::move(words);
        return line;
    }
    std::string program = "vdpa";
    std::vector<char*> argv{program.data()};
    for (std::string& word : words)
        argv.push_back(word.data());
    auto parsed = parse_options(static_cast<int>(argv.size()), argv.data());
    if (!parsed)
        return std::move(parsed).error();
    if (parsed->version || parsed->help || parsed->json || parsed->pretty || parsed->details ||
        parsed->batch)
        return Error::invalid("Only -f can be given on a batch line: the other options apply "
                              "to the whole batch (vdpa [ OPTIONS ] -b FILE).");
    line.force = parsed->force;
    line.words = std::move(parsed->words);
    return line;
}

namespace {

int run_line(Session& session, std::vector<std::string> words)
{
    auto line = parse_line_options(std::move(words));
    if (!line) {
        session.err().print("{}\n", line.error().message);
        return 1;
    }
    // This line's -f, and only this line's.
    session.set_force(line->force);
    int status = run_words(session, line->words);
    session.set_force(false);
    return status;
}

} // namespace

int run_batch(Session& session, const std::string& name, std::FILE* in, bool keep_going)
{
    BatchReader reader(in);
    session.set_in_batch(true);
    int status = 0;
    for (;;) {
        auto line = reader.next();
        if (!line) {
            // These end the batch at once, even with -f, as in iproute2
            // (which names no line: ours does, as for any failing line).
            session.err().print("{}\n", line.error().message);
            session.err().print("Command failed {}:{}\n", name, reader.line_number());
            status = 1;
            break;
        }
        if (!*line)
            break;
        int line_status = run_line(session, std::move((*line)->words));
        // One JSON document per command that printed one.
        if (session.take_document_printed())
            session.out().put('\n');
        session.out().flush();
        // Nobody reads what the next lines would print (main says why).
        if (session.out().failed())
            return 1;
        if (line_status != 0) {
            status = 1;
            session.err().print("Command failed {}:{}\n", name, (*line)->number);
            if (!keep_going)
                break;
        }
    }
    session.out().flush();
    return status;
}

int run_batch_file(Session& session, const std::string& path, std::span<const std::string> words,
                   bool keep_going)
{
    if (!words.empty())
        return session.usage_error("A command cannot be given with -b: put it in the file.");
    bool from_stdin = path == "-";
    std::FILE* in = from_stdin ? stdin : std::fopen(path.c_str(), "re");
    if (!in)
        return session.fail(Error::system(errno, "cannot open " + path));
    int status = run_batch(session, from_stdin ? "-" : path, in, keep_going);
    if (!from_stdin)
        std::fclose(in);
    return status;
}

} // namespace vdpa::cli

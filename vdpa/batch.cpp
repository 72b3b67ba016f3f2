// SPDX-License-Identifier: GPL-2.0-or-later
#include "batch.hpp"

#include <cerrno>
#include <cstdlib>

#include "run.hpp"

namespace vdpa::cli {

BatchReader::~BatchReader()
{
    std::free(buffer_);
}

Result<std::vector<std::string>> split_batch_line(const std::string& line)
{
    static constexpr std::string_view blanks = " \t\r\n";
    std::vector<std::string> words;
    std::size_t at = 0;
    for (;;) {
        at = line.find_first_not_of(blanks, at);
        if (at == std::string::npos || line[at] == '#')
            return words;
        if (line[at] == '\'' || line[at] == '"') {
            std::size_t end = line.find(line[at], at + 1);
            if (end == std::string::npos)
                return Error::invalid("unterminated quoted string");
            words.push_back(line.substr(at + 1, end - at - 1));
            at = end + 1;
        } else {
            std::size_t end = line.find_first_of(blanks, at);
            words.push_back(line.substr(at, end == std::string::npos ? end : end - at));
            if (end == std::string::npos)
                return words;
            at = end;
        }
    }
}

Result<std::optional<BatchLine>> BatchReader::next()
{
    for (;;) {
        std::string logical;
        int first = line_number_ + 1;
        for (;;) {
            ssize_t length = ::getline(&buffer_, &capacity_, in_);
            if (length < 0) {
                if (logical.empty())
                    return std::optional<BatchLine>();
                break;
            }
            ++line_number_;
            std::string physical(buffer_, static_cast<std::size_t>(length));
            if (!physical.empty() && physical.back() == '\n')
                physical.pop_back();
            if (!physical.empty() && physical.back() == '\\') {
                physical.pop_back();
                logical += physical + " ";
                continue;
            }
            logical += physical;
            break;
        }
        auto words = split_batch_line(logical);
        if (!words)
            return std::move(words).error();
        if (!words->empty())
            return std::optional<BatchLine>(BatchLine{first, *std::move(words)});
    }
}

int run_batch(Session& session, const std::string& name, std::FILE* in, bool keep_going)
{
    BatchReader reader(in);
    int status = 0;
    for (;;) {
        auto line = reader.next();
        if (line && !*line)
            break;
        int line_status;
        int number = line ? (*line)->number : reader.line_number();
        if (!line) {
            session.err().print("{}\n", line.error().message);
            line_status = 1;
        } else {
            line_status = run_words(session, (*line)->words);
            // One JSON document per command that printed one.
            if (session.take_document_printed())
                session.out().put('\n');
        }
        session.out().flush();
        if (line_status != 0) {
            status = 1;
            session.err().print("Command failed {}:{}\n", name, number);
            if (!keep_going)
                break;
        }
    }
    session.out().flush();
    return status;
}

} // namespace vdpa::cli

namespace vdpa::cli {

int run_batch_file(Session& session, const std::string& path, std::span<const std::string> words)
{
    if (!words.empty())
        return session.usage_error("A command cannot be given with -b: put it in the file.");
    bool from_stdin = path == "-";
    std::FILE* in = from_stdin ? stdin : std::fopen(path.c_str(), "re");
    if (!in)
        return session.fail(Error::system(errno, "cannot open " + path));
    int status = run_batch(session, from_stdin ? "-" : path, in, session.force());
    if (!from_stdin)
        std::fclose(in);
    return status;
}

} // namespace vdpa::cli

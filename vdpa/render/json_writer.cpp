// SPDX-License-Identifier: GPL-2.0-or-later
#include "render/json_writer.hpp"

namespace vdpa::cli {

void JsonWriter::separate()
{
    if (need_comma_)
        out_.put(',');
    need_comma_ = true;
}

void JsonWriter::newline()
{
    if (!pretty_)
        return;
    out_.put('\n');
    for (int i = 0; i < depth_; ++i)
        out_.write("    ");
}

void JsonWriter::begin(char bracket)
{
    separate();
    out_.put(bracket);
    ++depth_;
    need_comma_ = false;
}

void JsonWriter::end(char bracket)
{
    --depth_;
    // Only a container that holds something gets its closer on a new line.
    if (need_comma_)
        newline();
    out_.put(bracket);
    need_comma_ = true;
}

void JsonWriter::begin_object()
{
    begin('{');
}

void JsonWriter::end_object()
{
    end('}');
}

void JsonWriter::begin_array()
{
    begin('[');
    if (pretty_)
        out_.put(' ');
}

void JsonWriter::end_array()
{
    if (pretty_ && need_comma_)
        out_.put(' ');
    // Array items never go on their own lines, so the closer must not either.
    need_comma_ = false;
    end(']');
}

void JsonWriter::key(std::string_view name)
{
    separate();
    newline();
    need_comma_ = false;
    string(name);
    out_.put(':');
    if (pretty_)
        out_.put(' ');
    // The value that follows must not be preceded by a comma.
    need_comma_ = false;
}

void JsonWriter::string(std::string_view value)
{
    separate();
    out_.put('"');
    for (char c : value) {
        switch (c) {
        case '"':
            out_.write("\\\"");
            break;
        case '\\':
            out_.write("\\\\");
            break;
        case '\n':
            out_.write("\\n");
            break;
        case '\t':
            out_.write("\\t");
            break;
        case '\r':
            out_.write("\\r");
            break;
        case '\f':
            out_.write("\\f");
            break;
        case '\b':
            out_.write("\\b");
            break;
        default:
            // iproute2 passes other control characters through raw, which
            // is not JSON; escape them so parsers keep working.
            if (static_cast<unsigned char>(c) < 0x20)
                out_.print("\\u{:04x}", static_cast<unsigned>(c));
            else
                out_.put(c);
        }
    }
    out_.put('"');
}

void JsonWriter::uint(std::uint64_t value)
{
    separate();
    out_.print("{}", value);
}

void JsonWriter::boolean(bool value)
{
    separate();
    out_.write(value ? "true" : "false");
}

void JsonWriter::null()
{
    separate();
    out_.write("null");
}

void JsonWriter::finish()
{
    out_.put('\n');
}

} // namespace vdpa::cli

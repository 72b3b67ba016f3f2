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

namespace {

// The length of the well-formed UTF-8 sequence at the start of `text`
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF),
// or, negated, the length of its longest ill-formed start (at least 1):
// Unicode's "maximal subpart", which becomes one U+FFFD.
int utf8_sequence(std::string_view text)
{
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(0);
    if (lead < 0x80)
        return 1;
    int length = lead >= 0xc2 && lead <= 0xdf   ? 2
                 : lead >= 0xe0 && lead <= 0xef ? 3
                 : lead >= 0xf0 && lead <= 0xf4 ? 4
                                                : 0;
    if (length == 0)
        return -1; // a continuation byte, an overlong lead, or beyond U+10FFFF
    // The second byte's range rules out overlong forms (E0, F0),
    // surrogates (ED) and what lies beyond U+10FFFF (F4).
    unsigned char low = lead == 0xe0 ? 0xa0 : lead == 0xf0 ? 0x90 : 0x80;
    unsigned char high = lead == 0xed ? 0x9f : lead == 0xf4 ? 0x8f : 0xbf;
    for (int i = 1; i < length; ++i) {
        if (static_cast<std::size_t>(i) >= text.size())
            return -i;
        unsigned char c = byte(i);
        if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xbf))
            return -i;
    }
    return length;
}

} // namespace

void JsonWriter::string(std::string_view value)
{
    separate();
    out_.put('"');
    for (std::size_t at = 0; at < value.size();) {
        char c = value[at];
        if (static_cast<unsigned char>(c) >= 0x80) {
            // The kernel takes any bytes for a name; JSON must be UTF-8.
            int length = utf8_sequence(value.substr(at));
            if (length > 0)
                out_.write(value.substr(at, static_cast<std::size_t>(length)));
            else
                out_.write("\\ufffd");
            at += static_cast<std::size_t>(length > 0 ? length : -length);
            continue;
        }
        ++at;
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

// SPDX-License-Identifier: GPL-2.0-or-later
//
// A streaming JSON writer whose bytes match iproute2's json_writer, which
// scripts already parse: no spaces in compact mode; in pretty mode four
// spaces per level, object members on their own lines and arrays kept on
// one line as `[ "a","b" ]`.
#pragma once

#include <cstdint>
#include <string_view>

#include "render/output.hpp"

namespace vdpa::cli {

class JsonWriter {
public:
    JsonWriter(Output& out, bool pretty) : out_(out), pretty_(pretty) {}

    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    void key(std::string_view name);

    void string(std::string_view value);
    void uint(std::uint64_t value);
    void boolean(bool value);
    void null();

    // Member shorthands: key followed by a value.
    void field(std::string_view name, std::string_view value) { key(name), string(value); }
    void field(std::string_view name, std::uint64_t value) { key(name), uint(value); }
    void field_bool(std::string_view name, bool value) { key(name), boolean(value); }

    // Ends the document with the newline iproute2 prints after it.
    void finish();

    int depth() const { return depth_; }

private:
    void separate();
    void newline();
    void begin(char bracket);
    void end(char bracket);

    Output& out_;
    bool pretty_;
    int depth_ = 0;
    // The separator owed before the next item: ',' after an item, nothing
    // at the start of a container or right after a key.
    bool need_comma_ = false;
};

} // namespace vdpa::cli

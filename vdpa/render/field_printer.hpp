// SPDX-License-Identifier: GPL-2.0-or-later
//
// One print call per field for both outputs, as iproute2's
// print_*(PRINT_ANY, key, format, value) does: in text the value is
// formatted into `text` (spaces, newlines and label included, so what is
// written is what the call shows); in JSON it becomes the member `key`. A
// record is described once, as a list of these calls (render/records.cpp),
// so its text and its JSON cannot drift apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "render/json_writer.hpp"
#include "render/output.hpp"

namespace vdpa::cli {

// The three kinds of values a field holds, as both outputs see them:
// unsigned numbers, booleans and strings. Any other type (an optional
// among them) has no `type`, so that overloads can tell.
template <typename T, typename = void>
struct ShownAs {
};
template <>
struct ShownAs<bool> {
    using type = bool;
};
template <typename T>
struct ShownAs<T, std::enable_if_t<std::is_unsigned_v<T> && !std::is_same_v<T, bool>>> {
    using type = std::uint64_t;
};
template <typename T>
struct ShownAs<T, std::enable_if_t<std::is_convertible_v<const T&, std::string_view>>> {
    using type = std::string_view;
};
template <typename T>
using Shown = typename ShownAs<T>::type;

class FieldPrinter {
public:
    // Text to `out`, or, with `json`, JSON through it.
    explicit FieldPrinter(Output& out, JsonWriter* json = nullptr) : out_(out), json_(json) {}

    bool json() const { return json_ != nullptr; }

    // A record of a section: "NAME: ...\n" in text, "NAME":{...} in JSON.
    void begin_record(std::string_view name);
    void end_record();

    // A record that is a line of its own: "...\n" in text, {...} and a
    // newline in JSON (the monitor's events).
    void begin_line();
    void end_line();

    // Both outputs (PRINT_ANY).
    template <typename T>
    void field(std::string_view key, fmt::format_string<Shown<T>> text, const T& value)
    {
        if (json_) {
            json_->key(key);
            json_value(Shown<T>(value));
        } else {
            out_.print(text, Shown<T>(value));
        }
    }

    // An absent value is left out of both.
    template <typename T>
    void field(std::string_view key, fmt::format_string<Shown<T>> text,
               const std::optional<T>& value)
    {
        if (value)
            field(key, text, *value);
    }

    // A string a script can always find: in JSON null when absent; in text
    // "none" when absent or empty.
    void string_or_null(std::string_view key, fmt::format_string<std::string_view> text,
                        const std::optional<std::string>& value);

    // Text only (PRINT_FP): separators, and labels of keys that are data.
    template <typename... Args>
    void text(fmt::format_string<Args...> format, Args&&... args)
    {
        if (!json_)
            out_.print(format, std::forward<Args>(args)...);
    }

    // JSON only (PRINT_JSON).
    template <typename T>
    void json_field(std::string_view key, const T& value)
    {
        if (json_) {
            json_->key(key);
            json_value(Shown<T>(value));
        }
    }

    // A list: in text `label` then each item's text; in JSON an array
    // under `key` holding the items' values.
    void begin_list(std::string_view key, std::string_view label);
    template <typename T>
    void item(fmt::format_string<Shown<T>> text, const T& value)
    {
        if (json_)
            json_value(Shown<T>(value));
        else
            out_.print(text, Shown<T>(value));
    }
    void end_list();

private:
    void json_value(std::uint64_t value) { json_->uint(value); }
    void json_value(bool value) { json_->boolean(value); }
    void json_value(std::string_view value) { json_->string(value); }

    Output& out_;
    JsonWriter* json_;
};

} // namespace vdpa::cli

// SPDX-License-Identifier: GPL-2.0-or-later
#include "render/field_printer.hpp"

namespace vdpa::cli {

void FieldPrinter::begin_record(std::string_view name)
{
    if (json_) {
        json_->key(name);
        json_->begin_object();
    } else {
        // Text prints a name's bytes as they are (README, differences).
        out_.print("{}: ", name);
    }
}

void FieldPrinter::end_record()
{
    if (json_)
        json_->end_object();
    else
        out_.put('\n');
}

void FieldPrinter::begin_line()
{
    if (json_)
        json_->begin_object();
}

void FieldPrinter::end_line()
{
    if (json_) {
        json_->end_object();
        json_->finish();
    } else {
        out_.put('\n');
    }
}

void FieldPrinter::string_or_null(std::string_view key, fmt::format_string<std::string_view> text,
                                  const std::optional<std::string>& value)
{
    if (json_) {
        json_->key(key);
        if (value)
            json_->string(*value);
        else
            json_->null();
    } else {
        out_.print(text, value && !value->empty() ? std::string_view(*value) : "none");
    }
}

void FieldPrinter::begin_list(std::string_view key, std::string_view label)
{
    if (json_) {
        json_->key(key);
        json_->begin_array();
    } else {
        out_.write(label);
    }
}

void FieldPrinter::end_list()
{
    if (json_)
        json_->end_array();
}

} // namespace vdpa::cli

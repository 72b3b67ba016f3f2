// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Errors as values. Every libvdpa call that can fail returns Result<T>:
// either the value or an Error saying what went wrong, in terms a caller
// can act on (errno, the kernel's own explanation, the offending attribute).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <vdpa/export.hpp>

namespace vdpa {

enum class ErrorKind {
    kernel,           // the kernel refused a request; errnum and its extended-ack message
    family_missing,   // no "vdpa" generic netlink family: module not loaded / CONFIG_VDPA off
    wrong_namespace,  // the family exists only in the initial network namespace
    unsupported,      // the running kernel lacks the command or attribute asked for
    protocol,         // the kernel sent something malformed or unexpected
    system,           // a system call failed; errnum says why
    invalid_argument, // the caller passed a value libvdpa refuses before asking the kernel
    not_found,        // a device, driver or sysfs object does not exist
    in_use,           // a process holds the device open
    timeout,          // a wait ran out of time
    ambiguous,        // sysfs cannot tell which of several objects is the one asked for
};

// What the running kernel lacks, for ErrorKind::unsupported, so that a
// caller can say it in its own words (vdpa(8) names its commands).
enum class Capability {
    none,
    change_attributes,  // Linux 6.12: changing an existing device's MAC address
    device_config,      // Linux 5.16: reading configuration space
    queue_stats,        // Linux 5.19: reading vendor queue statistics
    provision_mac,      // Linux 5.16: a MAC address for a new device
    provision_mtu,      // Linux 5.16: an MTU for a new device
    provision_max_vqp,  // Linux 5.17: the number of queue pairs of a new device
    provision_features, // Linux 6.1: the device features of a new device
};

// The first Linux release with `capability` ("6.12"); empty for none.
VDPA_EXPORT const char* minimum_linux(Capability capability);

struct VDPA_EXPORT Error {
    ErrorKind kind = ErrorKind::system;
    // Positive errno value; 0 when the error is not an errno.
    int errnum = 0;
    // For kernel errors: the kernel's extended-ack message, verbatim, or
    // empty when it sent none. Otherwise a sentence describing the problem.
    std::string message;
    // The request attribute the kernel pointed at (extended ack offset or
    // missing-attribute report), 0 when none.
    std::uint16_t attribute = 0;
    // For ErrorKind::unsupported: what the kernel lacks.
    Capability missing = Capability::none;

    static Error kernel(int errnum, std::string message, std::uint16_t attribute = 0);
    static Error system(int errnum, std::string message);
    static Error protocol(std::string message);
    static Error invalid(std::string message);
    static Error make(ErrorKind kind, int errnum, std::string message);
    // ErrorKind::unsupported, EOPNOTSUPP.
    static Error unsupported(Capability missing, std::string message);
};

// A value or an Error. Small on purpose: no exceptions cross the library
// boundary, and callers test ok() before reading value().
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }

    T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

    const Error& error() const& { return std::get<1>(state_); }
    Error&& error() && { return std::get<1>(std::move(state_)); }

private:
    std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}

    bool ok() const { return !error_.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const& { return *error_; }
    Error&& error() && { return std::move(*error_); }

private:
    std::optional<Error> error_;
};

} // namespace vdpa

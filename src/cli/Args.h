#pragma once
// A tiny command-line parser: positionals, "--flag", "--name value", "--name=value",
// and "--" to end options.
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace stratum::cli {

// Bad command line: main prints "stratum: <what>" and `usage`, and exits with 2.
class UsageError : public std::runtime_error {
public:
    UsageError(const std::string& message, std::string usage)
        : std::runtime_error(message), usage_(std::move(usage)) {}
    const std::string& usage() const noexcept { return usage_; }

private:
    std::string usage_;
};

struct OptionSpec {
    std::string_view name;  // e.g. "--json", "-h"
    bool takesValue = false;
};

class ParsedArgs {
public:
    std::vector<std::string> positionals;

    bool has(std::string_view option) const { return options_.count(std::string(option)) > 0; }
    // The option's value, or `fallback` when the option was not given.
    std::string value(std::string_view option, const std::string& fallback = {}) const;
    void set(const std::string& option, std::string value) { options_[option] = std::move(value); }

private:
    std::map<std::string, std::string> options_;
};

// Requires exactly two positional arguments, named `first` and `second` in messages
// (e.g. "IN", "OUT"); otherwise UsageError "<command>: missing IN and OUT", "...: missing
// OUT" or "...: unexpected argument 'X'".
void requireTwoPositionals(const std::vector<std::string>& positionals, std::string_view command,
                           std::string_view first, std::string_view second,
                           const std::string& usage);

// Throws UsageError (carrying `usage`) for an unknown option, a missing or unexpected
// value, or an option given twice.
ParsedArgs parseArgs(std::span<const std::string> args, std::span<const OptionSpec> specs,
                     const std::string& usage);

}  // namespace stratum::cli

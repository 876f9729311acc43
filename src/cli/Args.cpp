#include "Args.h"

#include <algorithm>

namespace stratum::cli {
namespace {

const OptionSpec* findSpec(std::span<const OptionSpec> specs, std::string_view name) {
    const auto it = std::find_if(specs.begin(), specs.end(),
                                 [&](const OptionSpec& s) { return s.name == name; });
    return it == specs.end() ? nullptr : &*it;
}

bool looksLikeOption(const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; }

}  // namespace

std::string ParsedArgs::value(std::string_view option, const std::string& fallback) const {
    const auto it = options_.find(std::string(option));
    return it == options_.end() ? fallback : it->second;
}

ParsedArgs parseArgs(std::span<const std::string> args, std::span<const OptionSpec> specs,
                     const std::string& usage) {
    ParsedArgs parsed;
    bool optionsEnded = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (optionsEnded || !looksLikeOption(arg)) {
            parsed.positionals.push_back(arg);
            continue;
        }
        if (arg == "--") {
            optionsEnded = true;
            continue;
        }
        const std::size_t equals = arg.find('=');
        const std::string name = arg.substr(0, equals);
        const OptionSpec* spec = findSpec(specs, name);
        if (!spec) throw UsageError("unknown option '" + name + "'", usage);
        if (parsed.has(name)) throw UsageError("option " + name + " given twice", usage);
        if (!spec->takesValue) {
            if (equals != std::string::npos) throw UsageError("option " + name + " takes no value", usage);
            parsed.set(name, {});
        } else if (equals != std::string::npos) {
            parsed.set(name, arg.substr(equals + 1));
        } else if (i + 1 < args.size()) {
            parsed.set(name, args[++i]);
        } else {
            throw UsageError("option " + name + " needs a value", usage);
        }
    }
    return parsed;
}

void requireTwoPositionals(const std::vector<std::string>& positionals, std::string_view command,
                           std::string_view first, std::string_view second,
                           const std::string& usage) {
    const std::string prefix = std::string(command) + ": ";
    if (positionals.empty())
        throw UsageError(prefix + "missing " + std::string(first) + " and " + std::string(second), usage);
    if (positionals.size() == 1) throw UsageError(prefix + "missing " + std::string(second), usage);
    if (positionals.size() > 2)
        throw UsageError(prefix + "unexpected argument '" + positionals[2] + "'", usage);
}

}  // namespace stratum::cli

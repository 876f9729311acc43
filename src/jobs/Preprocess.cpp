// Parsing, running and describing preprocessing chains.
#include "stratum/jobs/Preprocess.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "Paths.h"
#include "stratum/core/Error.h"
#include "stratum/io/ImageIO.h"

namespace stratum::jobs {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> parts;
    std::string current;
    for (char c : text) {
        if (c == sep) {
            parts.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    parts.push_back(current);
    return parts;
}

std::string formatNumber(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

[[noreturn]] void bad(const OperationSpec& op, const ParamSpec& p, const std::string& problem) {
    throw core::InvalidArgument("--" + op.name + ": " + p.name + " " + problem);
}

double parseNumber(const OperationSpec& op, const ParamSpec& p, const std::string& text,
                   bool whole) {
    if (text.empty()) bad(op, p, "is empty");
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v))
        bad(op, p, "'" + text + "' is not a number");
    if (whole && v != std::floor(v)) bad(op, p, "'" + text + "' is not a whole number");
    if (v < p.min || v > p.max)
        bad(op, p,
            formatNumber(v) + " is outside " + formatNumber(p.min) + ".." + formatNumber(p.max));
    return v;
}

std::vector<double> parseValue(const OperationSpec& op, const ParamSpec& p,
                               const std::string& text) {
    switch (p.kind) {
        case ParamKind::Integer:
            return {parseNumber(op, p, text, true)};
        case ParamKind::Number:
            return {parseNumber(op, p, text, false)};
        case ParamKind::Numbers:
        case ParamKind::Integers: {
            const std::vector<std::string> parts = split(text, ',');
            if (parts.size() != 1 && parts.size() != static_cast<std::size_t>(p.count))
                bad(op, p,
                    "needs 1 or " + std::to_string(p.count) + " comma-separated numbers, not '" +
                        text + "'");
            std::vector<double> v;
            for (const std::string& part : parts)
                v.push_back(parseNumber(op, p, part, p.kind == ParamKind::Integers));
            v.resize(static_cast<std::size_t>(p.count), v.front());
            return v;
        }
        case ParamKind::Choice: {
            for (const std::string& c : p.choices)
                if (c == text) return {};
            std::string list;
            for (const std::string& c : p.choices) list += (list.empty() ? "" : ", ") + c;
            bad(op, p, "'" + text + "' is not one of " + list);
        }
        case ParamKind::Path:
            return {};
    }
    return {};
}

// A separate argument is an operation's VALUE when it looks like parameters.
bool looksLikeValue(const std::string& arg) {
    if (arg.empty() || arg.rfind("--", 0) == 0) return false;
    const char c = arg[0];
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
           arg.find(':') != std::string::npos || arg.find('=') != std::string::npos;
}

bool hasRequired(const OperationSpec& op) {
    for (const ParamSpec& p : op.params)
        if (p.required) return true;
    return false;
}

std::string describeImage(const core::Image& image) {
    const core::Size3& s = image.size();
    std::ostringstream os;
    os << s[0] << "x" << s[1] << "x" << s[2] << " " << core::pixelTypeName(image.pixelType());
    const auto [lo, hi] = image.minMax();
    os << ", values " << lo << " to " << hi;
    return os.str();
}

std::string paramSyntax(const ParamSpec& p) {
    switch (p.kind) {
        case ParamKind::Integer:
            return "integer";
        case ParamKind::Number:
            return "number";
        case ParamKind::Numbers:
            return std::to_string(p.count) + " numbers";
        case ParamKind::Integers:
            return std::to_string(p.count) + " integers";
        case ParamKind::Choice: {
            std::string list;
            for (const std::string& c : p.choices) list += (list.empty() ? "" : "|") + c;
            return list;
        }
        case ParamKind::Path:
            return "file";
    }
    return "";
}

}  // namespace

const char* paramKindName(ParamKind k) {
    switch (k) {
        case ParamKind::Integer:
            return "integer";
        case ParamKind::Number:
            return "number";
        case ParamKind::Numbers:
            return "numbers";
        case ParamKind::Integers:
            return "integers";
        case ParamKind::Choice:
            return "choice";
        case ParamKind::Path:
            return "path";
    }
    return "?";
}

double StepArgs::number(const std::string& name) const {
    return vector(name).at(0);
}

long StepArgs::integer(const std::string& name) const {
    return static_cast<long>(vector(name).at(0));
}

const std::vector<double>& StepArgs::vector(const std::string& name) const {
    const auto it = numbers.find(name);
    if (it == numbers.end()) throw core::InvalidArgument("no numeric parameter '" + name + "'");
    return it->second;
}

const std::string& StepArgs::choice(const std::string& name) const {
    const auto it = text.find(name);
    if (it == text.end()) throw core::InvalidArgument("no parameter '" + name + "'");
    return it->second;
}

const OperationSpec* findOperation(const std::string& name) {
    for (const OperationSpec& op : preprocessOperations())
        if (op.name == name) return &op;
    return nullptr;
}

std::string PreprocessStep::text() const {
    std::string out = operation ? operation->name : "?";
    if (!operation) return out;
    for (const ParamSpec& p : operation->params) {
        const auto it = args.text.find(p.name);
        if (it == args.text.end() || (p.kind == ParamKind::Path && it->second.empty())) continue;
        out += " " + p.name + "=";
        if (p.kind == ParamKind::Numbers || p.kind == ParamKind::Integers) {
            std::string list;
            for (double v : args.vector(p.name))
                list += (list.empty() ? "" : ",") + formatNumber(v);
            out += list;
        } else {
            out += it->second;
        }
    }
    return out;
}

PreprocessStep parseStep(const std::string& name, const std::string& value) {
    const OperationSpec* op = findOperation(name);
    if (!op)
        throw core::InvalidArgument("unknown operation '" + name +
                                    "' (stratum preprocess --help lists them)");
    std::map<std::string, std::string> given;
    if (!value.empty()) {
        std::size_t next = 0;
        for (const std::string& item : split(value, ':')) {
            const std::size_t eq = item.find('=');
            if (eq != std::string::npos) {
                const std::string key = item.substr(0, eq);
                bool known = false;
                for (const ParamSpec& p : op->params) known = known || p.name == key;
                if (!known)
                    throw core::InvalidArgument("--" + op->name + ": no parameter '" + key + "'");
                if (given.count(key))
                    throw core::InvalidArgument("--" + op->name + ": " + key + " given twice");
                given[key] = item.substr(eq + 1);
                continue;
            }
            while (next < op->params.size() && given.count(op->params[next].name)) ++next;
            if (next >= op->params.size())
                throw core::InvalidArgument("--" + op->name + ": too many parameters in '" + value +
                                            "'");
            given[op->params[next++].name] = item;
        }
    }
    PreprocessStep step;
    step.operation = op;
    for (const ParamSpec& p : op->params) {
        const auto it = given.find(p.name);
        if (it == given.end() && p.required) bad(*op, p, "is required (e.g. " + op->example + ")");
        const std::string text = it == given.end() ? p.defaultValue : it->second;
        step.args.text[p.name] = text;
        if (it == given.end() && text.empty()) continue;  // optional path left out
        const std::vector<double> numbers = parseValue(*op, p, text);
        if (!numbers.empty()) step.args.numbers[p.name] = numbers;
    }
    return step;
}

PreprocessChain parseChain(std::span<const std::string> args, std::vector<std::string>* rest) {
    PreprocessChain chain;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const OperationSpec* op = nullptr;
        std::string name, value;
        if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
            const std::size_t eq = arg.find('=');
            name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            op = findOperation(name);
            if (op && eq != std::string::npos)
                value = arg.substr(eq + 1);
            else if (op && i + 1 < args.size() &&
                     (looksLikeValue(args[i + 1]) ||
                      (hasRequired(*op) && args[i + 1].rfind("--", 0) != 0)))
                value = args[++i];
        }
        if (!op) {
            if (!rest) throw core::InvalidArgument("'" + arg + "' is not an operation");
            rest->push_back(arg);
            continue;
        }
        chain.push_back(parseStep(name, value));
    }
    return chain;
}

ChainResult applyChain(const core::Image& image, const PreprocessChain& chain,
                       const core::Task& task) {
    ChainResult result;
    result.image = image;
    const double n = static_cast<double>(chain.size());
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const PreprocessStep& step = chain[i];
        const core::Task sub = task.sub(static_cast<double>(i) / n, static_cast<double>(i + 1) / n);
        sub.progress(0.0, step.operation->name);
        result.image = step.operation->run(result.image, step.args, sub);
        result.log.push_back(step.text() + ": " + describeImage(result.image));
    }
    task.progress(1.0);
    return result;
}

PreprocessResult preprocessFile(const std::filesystem::path& in, const std::filesystem::path& out,
                                const PreprocessChain& chain, const core::Task& task) {
    if (chain.empty())
        throw core::InvalidArgument("no operation given (stratum preprocess --help lists them)");
    if (detail::samePath(in, out))
        throw core::InvalidArgument(out.string() + ": the output would overwrite the input");
    detail::requireExists(in);
    PreprocessResult result;
    result.input = in;
    result.output = out;
    io::ReadResult read;
    detail::namingPath(in, [&] { read = io::readImage(in, task.sub(0.0, 0.15)); });
    ChainResult done;
    detail::namingPath(in, [&] { done = applyChain(read.image, chain, task.sub(0.15, 0.9)); });
    result.log = std::move(done.log);
    result.result = done.image;
    detail::namingPath(out, [&] { io::writeImage(result.result, out, task.sub(0.9, 1.0)); });
    task.progress(1.0);
    return result;
}

std::string preprocessHelp() {
    std::ostringstream os;
    std::string group;
    for (const OperationSpec& op : preprocessOperations()) {
        if (op.group != group) {
            group = op.group;
            os << "\n" << group << ":\n";
        }
        // "lower:upper[:inside[:outside]]": optional parameters in nested brackets.
        std::string syntax, closing;
        for (const ParamSpec& p : op.params) {
            const std::string sep = syntax.empty() ? "" : ":";
            if (p.required) {
                syntax += sep + p.name;
            } else {
                syntax += "[" + sep + p.name;
                closing += "]";
            }
        }
        os << "  --" << op.name << (syntax.empty() ? "" : " " + syntax + closing) << "\n      "
           << op.summary << "\n";
        for (const ParamSpec& p : op.params) {
            os << "      " << p.name << " (" << paramSyntax(p);
            if (p.required)
                os << ", required";
            else if (!p.defaultValue.empty())
                os << ", default " << p.defaultValue;
            if (p.min > -1e12 && p.max < 1e12)
                os << ", " << formatNumber(p.min) << ".." << formatNumber(p.max);
            else if (p.min > -1e12)
                os << ", at least " << formatNumber(p.min);
            os << "): " << p.help << "\n";
        }
        os << "      e.g. " << op.example << "\n";
    }
    return os.str();
}

}  // namespace stratum::jobs

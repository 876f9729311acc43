#include "AiCliSupport.h"

#include <charconv>
#include <cmath>

namespace stratum::cli::aicli {
namespace {

template <class T>
T parseNumber(const std::string& option, const std::string& text, T min, T max, const std::string& usage) {
    T value{};
    const char* first = text.data();
    const char* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || end != last || text.empty())
        throw UsageError(option + ": '" + text + "' is not a number", usage);
    if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(value)) throw UsageError(option + ": '" + text + "' is not a finite number", usage);
    }
    if (value < min || value > max)
        throw UsageError(option + ": " + text + " is out of range (" + std::to_string(min) + " to " +
                             std::to_string(max) + ")",
                         usage);
    return value;
}

}  // namespace

int intOption(const ParsedArgs& parsed, const std::string& option, int fallback, int min, int max,
              const std::string& usage) {
    if (!parsed.has(option)) return fallback;
    return parseNumber<int>(option, parsed.value(option), min, max, usage);
}

double doubleOption(const ParsedArgs& parsed, const std::string& option, double fallback, double min, double max,
                    const std::string& usage) {
    if (!parsed.has(option)) return fallback;
    return parseNumber<double>(option, parsed.value(option), min, max, usage);
}

std::vector<std::string> listOption(const ParsedArgs& parsed, const std::string& option) {
    std::vector<std::string> items;
    if (!parsed.has(option)) return items;
    const std::string text = parsed.value(option);
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) items.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return items;
}

}  // namespace stratum::cli::aicli

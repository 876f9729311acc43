#include "MeshCliSupport.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace stratum::cli::meshcli {

double number(const ParsedArgs& parsed, const std::string& option, double fallback,
              const std::string& usage) {
    if (!parsed.has(option)) return fallback;
    const std::string text = parsed.value(option);
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
        throw UsageError(option + ": '" + text + "' is not a number", usage);
    return v;
}

int integer(const ParsedArgs& parsed, const std::string& option, int fallback, int lo, int hi,
            const std::string& usage) {
    if (!parsed.has(option)) return fallback;
    const std::string text = parsed.value(option);
    int v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
        throw UsageError(option + ": '" + text + "' is not a whole number", usage);
    if (v < lo || v > hi)
        throw UsageError(option + ": " + text + " is out of range (" + std::to_string(lo) + " to " +
                             std::to_string(hi) + ")",
                         usage);
    return v;
}

std::string describe(const jobs::MeshSummary& s) {
    char text[256];
    std::snprintf(text, sizeof text, "%s%s: %zu triangles, %.1f mm2, %.2f mL, %s",
                  s.label > 0 ? ("label " + std::to_string(s.label) + " ").c_str() : "",
                  s.name.c_str(), s.triangles, s.areaMm2, s.volumeMl,
                  s.watertight ? "closed" : "open");
    return text;
}

}  // namespace stratum::cli::meshcli

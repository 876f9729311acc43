#pragma once
// Option parsing shared by the ai commands (classify, evaluate, train-classifier).
#include <string>
#include <vector>

#include "Args.h"

namespace stratum::cli::aicli {

// The option's value as a number within [min, max], or `fallback` when absent.
// Throws UsageError naming the option otherwise.
int intOption(const ParsedArgs& parsed, const std::string& option, int fallback, int min, int max,
              const std::string& usage);
double doubleOption(const ParsedArgs& parsed, const std::string& option, double fallback, double min, double max,
                    const std::string& usage);
// Comma-separated list ("a,b,c"); empty when absent.
std::vector<std::string> listOption(const ParsedArgs& parsed, const std::string& option);

}  // namespace stratum::cli::aicli

#pragma once
// Argument parsing and printing shared by the mesh commands (internal).
#include <string>
#include <vector>

#include "Args.h"
#include "stratum/jobs/MeshJob.h"

namespace stratum::cli::meshcli {

// The option's value as a number; UsageError "<option>: '<text>' is not a number" otherwise.
double number(const ParsedArgs& parsed, const std::string& option, double fallback,
              const std::string& usage);
// The same, requiring an integer in [lo, hi].
int integer(const ParsedArgs& parsed, const std::string& option, int fallback, int lo, int hi,
            const std::string& usage);

// "label 5 liver: 12,345 triangles, 1,234.5 mm2, 1,043.6 mL, closed"
std::string describe(const jobs::MeshSummary& s);

}  // namespace stratum::cli::meshcli

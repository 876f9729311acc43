#pragma once
// Non-fatal problems collected during multi-file work (e.g. a skipped file in a
// DICOM folder); shown to the user next to the result.
#include <string>
#include <vector>

namespace stratum::core {

struct Warning {
    std::string path;     // the file or series concerned; may be empty
    std::string message;  // what happened, in words a user can act on

    std::string text() const { return path.empty() ? message : path + ": " + message; }
    bool operator==(const Warning&) const = default;
};

using Warnings = std::vector<Warning>;

}  // namespace stratum::core

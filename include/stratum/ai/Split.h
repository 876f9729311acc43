#pragma once
// Patient-level train/validation split: all images of a group (a patient, or a set of
// identical images) go to the same side, so validation never sees a training
// patient. Stratified by label; deterministic for a seed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stratum::ai {

struct DataSplit {
    std::vector<std::size_t> train;       // indices, ascending
    std::vector<std::size_t> validation;  // indices, ascending
};

// groups[i], labels[i]: image i's group and label. For each label, whole groups
// (labelled by their most frequent label) are drawn at random into validation until it
// holds about `validationFraction` of that label's images. Throws
// core::InvalidArgument for a fraction outside [0, 1) or mismatched sizes.
DataSplit splitByGroup(const std::vector<std::string>& groups, const std::vector<int>& labels,
                       double validationFraction, std::uint64_t seed);

}  // namespace stratum::ai

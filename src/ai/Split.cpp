#include "stratum/ai/Split.h"

#include <algorithm>
#include <map>
#include <random>

#include "stratum/core/Error.h"

namespace stratum::ai {

DataSplit splitByGroup(const std::vector<std::string>& groups, const std::vector<int>& labels,
                       double validationFraction, std::uint64_t seed) {
    if (groups.size() != labels.size()) throw core::InvalidArgument("split: groups and labels differ in number");
    if (!(validationFraction >= 0.0 && validationFraction < 1.0))
        throw core::InvalidArgument("validation fraction must be in [0, 1)");
    // Group -> its images (std::map: a fixed order whatever the input order).
    std::map<std::string, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < groups.size(); ++i) members[groups[i]].push_back(i);

    // Each group's label: its most frequent (ties: the smallest label).
    std::map<int, std::vector<const std::vector<std::size_t>*>> groupsByLabel;
    std::map<int, std::size_t> imagesByLabel;
    for (const auto& [name, indices] : members) {
        std::map<int, std::size_t> counts;
        for (const std::size_t i : indices) ++counts[labels[i]];
        const auto best = std::max_element(counts.begin(), counts.end(),
                                           [](const auto& a, const auto& b) { return a.second < b.second; });
        groupsByLabel[best->first].push_back(&indices);
        imagesByLabel[best->first] += indices.size();
    }

    std::vector<bool> inValidation(groups.size(), false);
    std::mt19937_64 rng(seed);
    for (auto& [label, list] : groupsByLabel) {
        std::shuffle(list.begin(), list.end(), rng);
        const double target = validationFraction * static_cast<double>(imagesByLabel[label]);
        double taken = 0.0;
        for (const auto* indices : list) {
            if (taken >= target) break;
            // Take the group when it brings the count closer to the target.
            const double after = taken + static_cast<double>(indices->size());
            if (after - target > target - taken) continue;
            for (const std::size_t i : *indices) inValidation[i] = true;
            taken = after;
        }
    }
    DataSplit split;
    for (std::size_t i = 0; i < groups.size(); ++i) (inValidation[i] ? split.validation : split.train).push_back(i);
    return split;
}

}  // namespace stratum::ai

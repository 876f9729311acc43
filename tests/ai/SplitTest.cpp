// Patient-level split: groups stay whole, fractions per label, determinism.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "stratum/ai/Split.h"
#include "stratum/core/Error.h"

using namespace stratum;

namespace {

struct Data {
    std::vector<std::string> groups;
    std::vector<int> labels;
};

// 300 patients: label 1 for two thirds, 1 to 4 images each.
Data patients() {
    Data d;
    for (int p = 0; p < 300; ++p) {
        const int label = p % 3 == 0 ? 0 : 1;
        for (int i = 0; i <= p % 4; ++i) {
            d.groups.push_back("patient" + std::to_string(p));
            d.labels.push_back(label);
        }
    }
    return d;
}

}  // namespace

TEST(Split, GroupsNeverCrossAndFractionsHoldPerLabel) {
    const Data d = patients();
    const ai::DataSplit s = ai::splitByGroup(d.groups, d.labels, 0.2, 42);
    EXPECT_EQ(s.train.size() + s.validation.size(), d.groups.size());
    std::set<std::string> trainGroups, valGroups;
    for (const auto i : s.train) trainGroups.insert(d.groups[i]);
    for (const auto i : s.validation) valGroups.insert(d.groups[i]);
    for (const auto& g : valGroups) EXPECT_EQ(trainGroups.count(g), 0u) << g;
    for (int label = 0; label < 2; ++label) {
        double all = 0, val = 0;
        for (std::size_t i = 0; i < d.labels.size(); ++i) all += d.labels[i] == label;
        for (const auto i : s.validation) val += d.labels[i] == label;
        EXPECT_NEAR(val / all, 0.2, 0.02) << "label " << label;
    }
    EXPECT_TRUE(std::is_sorted(s.train.begin(), s.train.end()));
}

TEST(Split, DeterministicForASeedWhateverTheInputOrder) {
    Data d = patients();
    const ai::DataSplit a = ai::splitByGroup(d.groups, d.labels, 0.2, 42);
    const ai::DataSplit b = ai::splitByGroup(d.groups, d.labels, 0.2, 42);
    EXPECT_EQ(a.validation, b.validation);
    const ai::DataSplit c = ai::splitByGroup(d.groups, d.labels, 0.2, 43);
    EXPECT_NE(a.validation, c.validation);
    // Reversed input: the same groups go to validation.
    Data r{{d.groups.rbegin(), d.groups.rend()}, {d.labels.rbegin(), d.labels.rend()}};
    const ai::DataSplit rs = ai::splitByGroup(r.groups, r.labels, 0.2, 42);
    std::set<std::string> va, vr;
    for (const auto i : a.validation) va.insert(d.groups[i]);
    for (const auto i : rs.validation) vr.insert(r.groups[i]);
    EXPECT_EQ(va, vr);
}

TEST(Split, ZeroFractionAndBadArguments) {
    const Data d = patients();
    const ai::DataSplit s = ai::splitByGroup(d.groups, d.labels, 0.0, 1);
    EXPECT_TRUE(s.validation.empty());
    EXPECT_EQ(s.train.size(), d.groups.size());
    EXPECT_THROW(ai::splitByGroup(d.groups, d.labels, 1.0, 1), core::InvalidArgument);
    EXPECT_THROW(ai::splitByGroup({"a"}, {0, 1}, 0.1, 1), core::InvalidArgument);
}

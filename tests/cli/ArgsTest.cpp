#include <gtest/gtest.h>

#include <array>

#include "Args.h"

using namespace stratum::cli;

namespace {

constexpr std::array<OptionSpec, 3> kSpecs{{{"--json"}, {"--modality", true}, {"-h"}}};

ParsedArgs parse(std::vector<std::string> args) { return parseArgs(args, kSpecs, "usage text"); }

}  // namespace

TEST(Args, PositionalsFlagsAndValues) {
    const ParsedArgs a = parse({"in.nii", "--modality", "CT", "--json", "out"});
    EXPECT_EQ(a.positionals, (std::vector<std::string>{"in.nii", "out"}));
    EXPECT_TRUE(a.has("--json"));
    EXPECT_FALSE(a.has("-h"));
    EXPECT_EQ(a.value("--modality"), "CT");
    EXPECT_EQ(a.value("--missing", "fallback"), "fallback");
}

TEST(Args, ValueAfterEqualsAndValuesThatLookLikeOptions) {
    EXPECT_EQ(parse({"--modality=MR"}).value("--modality"), "MR");
    EXPECT_EQ(parse({"--modality="}).value("--modality"), "");
    EXPECT_EQ(parse({"--modality", "--json"}).value("--modality"), "--json");
}

TEST(Args, DoubleDashEndsOptionsAndLoneDashIsPositional) {
    const ParsedArgs a = parse({"--", "--json", "-"});
    EXPECT_FALSE(a.has("--json"));
    EXPECT_EQ(a.positionals, (std::vector<std::string>{"--json", "-"}));
    EXPECT_EQ(parse({"-"}).positionals, (std::vector<std::string>{"-"}));
}

TEST(Args, MistakesAreUsageErrorsCarryingTheUsage) {
    EXPECT_THROW(parse({"--bogus"}), UsageError);
    EXPECT_THROW(parse({"-x"}), UsageError);
    EXPECT_THROW(parse({"--modality"}), UsageError);
    EXPECT_THROW(parse({"--json=yes"}), UsageError);
    EXPECT_THROW(parse({"--json", "--json"}), UsageError);
    try {
        parse({"--bogus"});
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(), "unknown option '--bogus'");
        EXPECT_EQ(e.usage(), "usage text");
    }
}

TEST(Args, TwoPositionalsNameWhatIsMissingOrExtra) {
    const auto message = [](std::vector<std::string> positionals) -> std::string {
        try {
            requireTwoPositionals(positionals, "drr", "CT", "OUT", "usage text");
        } catch (const UsageError& e) {
            EXPECT_EQ(e.usage(), "usage text");
            return e.what();
        }
        return "accepted";
    };
    EXPECT_EQ(message({}), "drr: missing CT and OUT");
    EXPECT_EQ(message({"ct.nii"}), "drr: missing OUT");
    EXPECT_EQ(message({"ct.nii", "out.png"}), "accepted");
    EXPECT_EQ(message({"ct.nii", "out.png", "extra"}), "drr: unexpected argument 'extra'");
}

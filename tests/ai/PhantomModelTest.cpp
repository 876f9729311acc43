// The shipped phantom model (models/phantom-organs-3d, scripts/train-phantom-segmenter.sh):
// on freshly generated phantoms whose seeds were never used in training (training
// used seeds 1..32, validation 33..36), its Dice must be at least 0.95 for every label.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "stratum/ai/Phantom.h"
#include "stratum/ai/SegmentationMetrics.h"
#include "stratum/ai/Segmenter.h"

using namespace stratum;

namespace {

std::filesystem::path shippedModel() {
    return std::filesystem::path(STRATUM_RESOURCES_DIR).parent_path() / "models" /
           "phantom-organs-3d";
}

}  // namespace

TEST(PhantomModel, DiceOnFreshHeldOutPhantomsIsAtLeast095PerLabel) {
    ASSERT_TRUE(std::filesystem::exists(shippedModel() / "manifest.json"))
        << shippedModel() << " is missing: run bash scripts/train-phantom-segmenter.sh";
    const ai::Segmenter model = ai::Segmenter::load(shippedModel(), {"cpu"});
    const ai::ModelManifest& m = model.manifest();
    ASSERT_EQ(m.labelNames(), ai::phantomLabelNames());
    EXPECT_NE(m.disclaimer.find("not a clinical model"), std::string::npos) << m.disclaimer;
    ASSERT_EQ(m.input.spacing, (std::vector<double>{1.5, 1.5, 1.5}));
    const ai::SegmentOptions options = model.defaultOptions();
    // The generator's defaults (96^3 voxels of 1.5 mm) as in training; seeds far from
    // the training seeds.
    const ai::PhantomOptions phantomOptions;
    for (const std::uint64_t seed : {900001ULL, 900002ULL, 900003ULL}) {
        const ai::Phantom p = ai::makePhantom(phantomOptions, seed);
        const ai::SegmentationResult r = model.segment(p.image, options);
        const ai::SegmentationEvaluation e =
            ai::evaluateSegmentation(r.labels, p.labels, {1, 2, 3});
        for (const ai::LabelMetrics& l : e.labels) {
            std::printf("seed %llu, %s: Dice %.4f, HD95 %.2f mm\n",
                        static_cast<unsigned long long>(seed),
                        ai::phantomLabelNames()[l.label].c_str(), l.dice, l.hd95Mm);
            EXPECT_GE(l.dice, 0.95) << "seed " << seed << ", label " << l.label;
        }
    }
}

#pragma once
// One segmentation as the panel runs it: the series' volume written to a NIfTI in a
// work folder (exact geometry), `stratum-ai segment --model PACKAGE IN OUT.nii.gz`, and
// the label map read back (same grid and geometry as the volume). run() blocks: call
// it on a worker (TaskRunner).
#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/core/Progress.h"

namespace stratum::app {

struct SegmentationJob {
    QString model;    // package folder (task "segmentation")
    QString workDir;  // where the input copy and the label map go
    QString tag;      // distinguishes successive runs
    core::Image volume;
    QString device = "auto";

    QString inputPath() const;
    QString outputPath() const;
    QStringList arguments() const;

    struct Result {
        core::Image labels;
        QString cliText;  // what `stratum segment` printed
    };
    Result run(const core::Task& task) const;
};

// Voxels of each label value 0..count-1 (values outside are ignored).
std::vector<std::uint64_t> countLabels(const core::Image& labels, int count);
// Volume of one voxel in millilitres (spacing in mm).
double voxelMillilitres(const core::Image& image);

}  // namespace stratum::app

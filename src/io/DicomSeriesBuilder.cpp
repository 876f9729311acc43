#include "DicomSeriesBuilder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <unordered_map>

namespace stratum::io::detail {

namespace {

using core::operator+;
using core::operator-;
using core::operator*;

enum class ColourClass { Grey, Palette, Colour };

ColourClass colourClass(const DicomInstance& i) {
    if (i.samplesPerPixel > 1) return ColourClass::Colour;
    if (core::photometricFromDicom(i.photometric) == core::Photometric::Palette)
        return ColourClass::Palette;
    return ColourClass::Grey;
}

bool sameOrientation(const DicomInstance& a, const DicomInstance& b) {
    if (a.rowDirection.has_value() != b.rowDirection.has_value()) return false;
    if (!a.rowDirection) return true;
    constexpr double cosTol = 1e-4;
    return core::dot(*a.rowDirection, *b.rowDirection) > 1 - cosTol &&
           core::dot(*a.columnDirection, *b.columnDirection) > 1 - cosTol;
}

// Files that can be slices of one volume.
bool compatible(const DicomInstance& a, const DicomInstance& b) {
    return a.frames == 1 && b.frames == 1 && a.rows == b.rows && a.columns == b.columns &&
           a.samplesPerPixel == b.samplesPerPixel && a.bitsAllocated == b.bitsAllocated &&
           colourClass(a) == colourClass(b) && sameOrientation(a, b);
}

std::string seriesLabel(const DicomInstance& i) {
    std::string s = "series";
    if (!i.series.number.empty()) s += " " + i.series.number;
    if (!i.series.description.empty()) s += " \"" + i.series.description + "\"";
    if (i.series.number.empty() && i.series.description.empty())
        s +=
            i.series.instanceUid.empty() ? std::string(" without UID") : " " + i.series.instanceUid;
    return s;
}

std::string mm(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

std::string mmPos(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

double median(std::vector<double> v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    if (v.size() % 2 == 1) return *mid;
    const double upper = *mid;
    const double lower = *std::max_element(v.begin(), mid);
    return 0.5 * (lower + upper);
}

struct Candidate {
    std::size_t instance = 0;
    unsigned frame = 0;
    std::optional<core::Vec3> position;
    double distance = 0;  // along the slice normal
};

std::string where(const DicomSeries& s, const Candidate& c) {
    std::string w = s.instances[c.instance].path.filename().string();
    if (s.instances[c.instance].frames > 1) w += " frame " + std::to_string(c.frame + 1);
    return w;
}

void dropDuplicateInstances(DicomSeries& s, const std::string& label) {
    std::unordered_map<std::string, std::size_t> seen;
    std::vector<DicomInstance> kept;
    kept.reserve(s.instances.size());
    for (auto& inst : s.instances) {
        if (!inst.sopInstanceUid.empty()) {
            const auto [it, inserted] = seen.emplace(inst.sopInstanceUid, kept.size());
            if (!inserted) {
                s.warnings.push_back(
                    {inst.path.string(), label + ": same SOP Instance UID as " +
                                             kept[it->second].path.filename().string() +
                                             "; duplicate file ignored"});
                continue;
            }
        }
        kept.push_back(std::move(inst));
    }
    s.instances = std::move(kept);
}

// Sorted by position: drops duplicate positions, finds gaps and uneven spacing, and
// returns the slice spacing; fills s.slices.
double placeByPosition(DicomSeries& s, std::vector<Candidate>& cands, const core::Vec3& normal,
                       const std::string& label) {
    for (auto& c : cands) c.distance = core::dot(*c.position, normal);
    std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
        return a.distance < b.distance;
    });

    // Spacing estimate from distinct steps, to scale the duplicate tolerance.
    std::vector<double> steps;
    for (std::size_t i = 1; i < cands.size(); ++i) {
        const double d = cands[i].distance - cands[i - 1].distance;
        if (d > 1e-4) steps.push_back(d);
    }
    const double roughSpacing = steps.empty() ? 1.0 : median(steps);
    const double dupTol = std::min(0.01, 0.1 * roughSpacing);

    std::vector<Candidate> unique;
    unique.reserve(cands.size());
    for (const auto& c : cands) {
        if (!unique.empty() && c.distance - unique.back().distance <= dupTol) {
            s.warnings.push_back({s.instances[c.instance].path.string(),
                                  label + ": slice at " + mmPos(c.distance) + " mm duplicates " +
                                      where(s, unique.back()) + "; ignored"});
            continue;
        }
        unique.push_back(c);
    }

    double spacing = 0;
    std::vector<std::size_t> index(unique.size(), 0);
    if (unique.size() > 1) {
        std::vector<double> diffs;
        for (std::size_t i = 1; i < unique.size(); ++i)
            diffs.push_back(unique[i].distance - unique[i - 1].distance);
        spacing = median(diffs);
        const double evenTol = std::max(0.005, 0.01 * spacing);
        bool uneven = false;
        std::vector<std::pair<std::size_t, long>> gaps;  // (index after the gap, missing count)
        for (std::size_t i = 0; i < diffs.size(); ++i) {
            const long n = std::max(1L, std::lround(diffs[i] / spacing));
            const double dev = std::abs(diffs[i] - static_cast<double>(n) * spacing);
            if (n == 1 ? dev > evenTol : dev > std::max(evenTol, 0.1 * spacing))
                uneven = true;
            else if (n > 1)
                gaps.emplace_back(i + 1, n - 1);
        }
        // Gaps are kept as empty slices while at most as many are missing as present;
        // beyond that the files are not one evenly spaced stack (e.g. a distant slice).
        long missingTotal = 0;
        for (const auto& gap : gaps) missingTotal += gap.second;
        if (missingTotal > static_cast<long>(unique.size())) uneven = true;
        if (uneven) {
            const auto [lo, hi] = std::minmax_element(diffs.begin(), diffs.end());
            s.warnings.push_back({s.instances[unique.front().instance].path.string(),
                                  label + ": uneven slice spacing (" + mm(*lo) + " to " + mm(*hi) +
                                      " mm, median " + mm(spacing) + " mm); the volume uses " +
                                      mm(spacing) + " mm"});
            for (std::size_t i = 0; i < unique.size(); ++i) index[i] = i;
        } else {
            std::size_t k = 0;
            for (std::size_t i = 1; i < unique.size(); ++i) {
                k += static_cast<std::size_t>(std::max(1L, std::lround(diffs[i - 1] / spacing)));
                index[i] = k;
            }
            for (const auto& [after, missing] : gaps)
                s.warnings.push_back({s.instances[unique[after].instance].path.string(),
                                      label + ": " + std::to_string(missing) + " slice" +
                                          (missing > 1 ? "s" : "") + " missing between " +
                                          mmPos(unique[after - 1].distance) + " and " +
                                          mmPos(unique[after].distance) +
                                          " mm; left empty (filled with the lowest value)"});
        }
    }

    // Positions off the normal line (gantry tilt, or a stack that is not a volume).
    double drift = 0;
    for (const auto& c : unique) {
        const core::Vec3 off = (*c.position - *unique.front().position) -
                               (c.distance - unique.front().distance) * normal;
        drift = std::max(drift, core::norm(off));
    }
    if (drift > std::max(0.01, 0.05 * std::max(spacing, 0.1)))
        s.warnings.push_back(
            {s.instances[unique.front().instance].path.string(),
             label + ": slice positions drift up to " + mm(drift) +
                 " mm sideways from the slice normal (gantry tilt?); the geometry ignores it"});

    s.slices.clear();
    for (std::size_t i = 0; i < unique.size(); ++i)
        s.slices.push_back({unique[i].instance, unique[i].frame, index[i]});
    cands = std::move(unique);
    return spacing;
}

}  // namespace

DicomSeries assembleSeries(std::vector<DicomInstance> instances, int subSeries) {
    DicomSeries s;
    s.subSeries = subSeries;
    std::stable_sort(instances.begin(), instances.end(),
                     [](const DicomInstance& a, const DicomInstance& b) {
                         if (a.instanceNumber != b.instanceNumber)
                             return a.instanceNumber < b.instanceNumber;
                         return a.path < b.path;
                     });
    s.instances = std::move(instances);
    if (s.instances.empty()) return s;
    const std::string label = seriesLabel(s.instances.front());
    dropDuplicateInstances(s, label);

    const DicomInstance& first = s.instances.front();
    s.patient = first.patient;
    s.study = first.study;
    s.series = first.series;

    std::vector<Candidate> cands;
    for (std::size_t i = 0; i < s.instances.size(); ++i) {
        const DicomInstance& inst = s.instances[i];
        for (unsigned f = 0; f < inst.frames; ++f) {
            Candidate c{i, f, std::nullopt, 0};
            if (inst.frames == 1)
                c.position = inst.position;
            else if (inst.framePositions.size() == inst.frames)
                c.position = inst.framePositions[f];
            cands.push_back(c);
        }
    }

    core::Geometry& g = s.geometry;
    g.size = {first.columns, first.rows, 1};
    if (first.pixelSpacing) g.spacing = {(*first.pixelSpacing)[1], (*first.pixelSpacing)[0], 1.0};
    const double fallbackZ = first.spacingBetweenSlices > 0 ? first.spacingBetweenSlices
                             : first.sliceThickness > 0     ? first.sliceThickness
                                                            : 1.0;

    const bool positioned = first.rowDirection &&
                            std::all_of(cands.begin(), cands.end(),
                                        [](const Candidate& c) { return c.position.has_value(); });
    if (positioned) {
        const core::Vec3 normal =
            core::normalized(core::cross(*first.rowDirection, *first.columnDirection));
        const double spacing = placeByPosition(s, cands, normal, label);
        g.spacing[2] = spacing > 0 ? spacing : fallbackZ;
        g.size[2] = s.slices.empty() ? 1 : s.slices.back().sliceIndex + 1;
        g.origin = *cands.front().position;
        g.direction = core::Mat3::fromColumns(*first.rowDirection, *first.columnDirection, normal);
        s.sortedByPosition = true;
    } else {
        for (std::size_t k = 0; k < cands.size(); ++k)
            s.slices.push_back({cands[k].instance, cands[k].frame, k});
        g.size[2] = std::max<std::size_t>(1, cands.size());
        g.spacing[2] = fallbackZ;
        if (first.position) g.origin = *first.position;
        if (first.rowDirection)
            g.direction = core::Mat3::fromColumns(
                *first.rowDirection, *first.columnDirection,
                core::normalized(core::cross(*first.rowDirection, *first.columnDirection)));
        // A single multi-frame file is in its own frame order; several files are a guess.
        if (s.instances.size() > 1)
            s.warnings.push_back(
                {first.path.string(),
                 label + ": no usable slice positions; slices ordered by instance number"});
        s.sortedByPosition = false;
    }
    return s;
}

std::vector<DicomSeries> buildSeries(std::vector<DicomInstance> instances) {
    std::sort(instances.begin(), instances.end(),
              [](const DicomInstance& a, const DicomInstance& b) { return a.path < b.path; });
    // Series Instance UID groups, in first-seen order.
    std::vector<std::vector<DicomInstance>> byUid;
    std::unordered_map<std::string, std::size_t> uidIndex;
    for (auto& inst : instances) {
        const auto [it, inserted] = uidIndex.emplace(inst.series.instanceUid, byUid.size());
        if (inserted) byUid.emplace_back();
        byUid[it->second].push_back(std::move(inst));
    }

    std::vector<DicomSeries> out;
    for (auto& group : byUid) {
        // Split into compatible parts: each multi-frame file alone, single frames by shape.
        std::vector<std::vector<DicomInstance>> parts;
        for (auto& inst : group) {
            auto it = std::find_if(
                parts.begin(), parts.end(),
                [&](const std::vector<DicomInstance>& p) { return compatible(p.front(), inst); });
            if (it == parts.end())
                parts.push_back({std::move(inst)});
            else
                it->push_back(std::move(inst));
        }
        const bool split = parts.size() > 1;
        for (std::size_t p = 0; p < parts.size(); ++p) {
            const std::string label = seriesLabel(parts[p].front());
            const std::string path = parts[p].front().path.string();
            out.push_back(assembleSeries(std::move(parts[p]), split ? static_cast<int>(p + 1) : 0));
            if (split)
                out.back().warnings.insert(
                    out.back().warnings.begin(),
                    {path, label +
                               ": files differ in size, orientation, colour model or are "
                               "multi-frame; split into " +
                               std::to_string(parts.size()) + " parts (this is part " +
                               std::to_string(p + 1) + ")"});
        }
    }
    return out;
}

}  // namespace stratum::io::detail

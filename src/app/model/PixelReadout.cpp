#include "stratum/app/model/PixelReadout.h"

#include <cmath>
#include <cstdio>

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

PixelReadout readPixel(const core::Image& volume, const core::Vec3& patient) {
    PixelReadout r;
    r.patient = patient;
    if (volume.empty()) return r;
    r.units = volume.metadata().units;
    r.index = volume.geometry().patientToIndex(patient);
    const auto& size = volume.size();
    r.inside = true;
    for (int a = 0; a < 3; ++a) {
        r.voxel[a] = static_cast<std::int64_t>(std::floor(r.index[a] + 0.5));
        if (r.voxel[a] < 0 || r.voxel[a] >= static_cast<std::int64_t>(size[a])) r.inside = false;
    }
    if (r.inside)
        for (int c = 0; c < volume.components(); ++c)
            r.values.push_back(volume.value(static_cast<std::size_t>(r.voxel[0]),
                                            static_cast<std::size_t>(r.voxel[1]),
                                            static_cast<std::size_t>(r.voxel[2]), c));
    return r;
}

namespace {

std::string number(double v) {
    char buf[64];
    if (v == std::floor(v) && std::abs(v) < 1e9)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

std::string coordinate(const char* positive, const char* negative, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s %.1f", v >= 0 ? positive : negative, std::abs(v));
    return buf;
}

}  // namespace

std::string formatReadout(const PixelReadout& r) {
    std::string s = coordinate("L", "R", r.patient[0]) + "  " + coordinate("P", "A", r.patient[1]) +
                    "  " + coordinate("S", "I", r.patient[2]) + " mm";
    if (!r.inside) return s;
    s += "   voxel (" + std::to_string(r.voxel[0]) + ", " + std::to_string(r.voxel[1]) + ", " +
         std::to_string(r.voxel[2]) + ")   value ";
    for (std::size_t c = 0; c < r.values.size(); ++c) s += (c ? ", " : "") + number(r.values[c]);
    if (!r.units.empty()) s += " " + r.units;
    return s;
}

}  // namespace stratum::app

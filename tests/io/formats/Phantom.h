#pragma once
// Synthetic test volumes with known voxels and an oblique, anisotropic geometry.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <string>
#include <vector>

#include "stratum/core/Image.h"
#include "stratum/io/Dicom.h"

namespace stratum::test {

// A rotation (about 20, -35 and 10 degrees around z, y, x): a right-handed oblique frame.
inline core::Mat3 obliqueDirection() {
    const double a = 20 * std::numbers::pi / 180, b = -35 * std::numbers::pi / 180, c = 10 * std::numbers::pi / 180;
    const core::Mat3 rz = core::Mat3::fromColumns({std::cos(a), std::sin(a), 0}, {-std::sin(a), std::cos(a), 0}, {0, 0, 1});
    const core::Mat3 ry = core::Mat3::fromColumns({std::cos(b), 0, -std::sin(b)}, {0, 1, 0}, {std::sin(b), 0, std::cos(b)});
    const core::Mat3 rx = core::Mat3::fromColumns({1, 0, 0}, {0, std::cos(c), std::sin(c)}, {0, -std::sin(c), std::cos(c)});
    return rz * ry * rx;
}

inline core::Geometry phantomGeometry(core::Size3 size = {17, 13, 7}) {
    core::Geometry g;
    g.size = size;
    g.spacing = {0.7, 0.9, 2.5};
    g.origin = {-120.25, 33.125, 17.5};
    g.direction = obliqueDirection();
    return g;
}

// Deterministic values covering most of each type's range.
inline double phantomValue(core::PixelType t, std::size_t i, std::size_t j, std::size_t k, int c = 0) {
    const std::size_t n = i * 131 + j * 71 + k * 1009 + static_cast<std::size_t>(c) * 57;
    switch (t) {
        case core::PixelType::UInt8: return static_cast<double>(n % 256);
        case core::PixelType::Int16: return static_cast<double>(static_cast<long>((n * 37) % 65536) - 32768);
        case core::PixelType::UInt16: return static_cast<double>((n * 37) % 65536);
        case core::PixelType::Float32:
            return static_cast<double>(static_cast<float>(-1000.25 + 0.37 * static_cast<double>(n) +
                                                          std::sin(static_cast<double>(n))));
    }
    return 0;
}

inline core::Image makePhantom(core::PixelType t, int components = 1, core::Geometry g = phantomGeometry()) {
    core::Image img(t, components, g);
    for (std::size_t k = 0; k < g.size[2]; ++k)
        for (std::size_t j = 0; j < g.size[1]; ++j)
            for (std::size_t i = 0; i < g.size[0]; ++i)
                for (int c = 0; c < components; ++c) img.setValue(i, j, k, phantomValue(t, i, j, k, c), c);
    return img;
}

// Number of voxels (values) that differ by more than tol.
inline std::size_t countDifferences(const core::Image& a, const core::Image& b, double tol = 0.0) {
    if (a.size() != b.size() || a.components() != b.components()) return static_cast<std::size_t>(-1);
    std::size_t bad = 0;
    for (std::size_t k = 0; k < a.size()[2]; ++k)
        for (std::size_t j = 0; j < a.size()[1]; ++j)
            for (std::size_t i = 0; i < a.size()[0]; ++i)
                for (int c = 0; c < a.components(); ++c)
                    if (std::abs(a.value(i, j, k, c) - b.value(i, j, k, c)) > tol) ++bad;
    return bad;
}

inline std::string fileBytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeBytes(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out << bytes;
}

inline ::testing::AssertionResult geometryNear(const core::Geometry& a, const core::Geometry& b, double tol) {
    if (a.approxEqual(b, tol)) return ::testing::AssertionSuccess();
    auto text = [](const core::Geometry& g) {
        std::string s = "size " + std::to_string(g.size[0]) + "x" + std::to_string(g.size[1]) + "x" +
                        std::to_string(g.size[2]) + " spacing";
        for (double v : g.spacing) s += " " + std::to_string(v);
        s += " origin";
        for (double v : g.origin) s += " " + std::to_string(v);
        s += " direction";
        for (double v : g.direction.m) s += " " + std::to_string(v);
        return s;
    };
    return ::testing::AssertionFailure() << "\n  " << text(a) << "\n  " << text(b);
}

inline io::DicomWriteOptions withModality(const std::string& modality) {
    io::DicomWriteOptions o;
    o.modality = modality;
    return o;
}

inline io::DicomWriteOptions withSyntax(const std::string& transferSyntaxUid) {
    io::DicomWriteOptions o;
    o.transferSyntaxUid = transferSyntaxUid;
    return o;
}

}  // namespace stratum::test

#pragma once
// Patient geometry of an image grid, in DICOM patient coordinates (LPS: +x to the
// patient's Left, +y Posterior, +z Superior), in millimetres.
//
//   patient = origin + direction * diag(spacing) * index
//
// `origin` is the centre of voxel (0,0,0) (DICOM Image Position (Patient) of the
// first slice); column c of `direction` is the unit patient-space direction of
// increasing index c (columns 0 and 1 are DICOM's row and column direction cosines,
// column 2 the slice normal in the direction slices are stored).
#include <array>
#include <cstddef>
#include <string>

namespace stratum::core {

using Vec3 = std::array<double, 3>;
using Size3 = std::array<std::size_t, 3>;

// 3x3 matrix, row-major: m[r*3+c].
struct Mat3 {
    std::array<double, 9> m{1, 0, 0, 0, 1, 0, 0, 0, 1};

    static Mat3 identity() { return Mat3{}; }
    static Mat3 fromColumns(const Vec3& c0, const Vec3& c1, const Vec3& c2);
    double operator()(int r, int c) const { return m[r * 3 + c]; }
    double& operator()(int r, int c) { return m[r * 3 + c]; }
    Vec3 column(int c) const { return {m[c], m[3 + c], m[6 + c]}; }
    Mat3 transposed() const;
    double determinant() const;
    // Throws InvalidArgument when singular.
    Mat3 inverse() const;
    Vec3 operator*(const Vec3& v) const;
    Mat3 operator*(const Mat3& o) const;
    bool approxEqual(const Mat3& o, double tol = 1e-6) const;
    bool operator==(const Mat3&) const = default;
};

Vec3 operator+(const Vec3& a, const Vec3& b);
Vec3 operator-(const Vec3& a, const Vec3& b);
Vec3 operator*(double s, const Vec3& a);
double dot(const Vec3& a, const Vec3& b);
Vec3 cross(const Vec3& a, const Vec3& b);
double norm(const Vec3& a);
Vec3 normalized(const Vec3& a);

struct Geometry {
    Size3 size{0, 0, 0};  // voxels along index i, j, k (2D images: k = 1)
    Vec3 spacing{1, 1, 1};
    Vec3 origin{0, 0, 0};
    Mat3 direction = Mat3::identity();

    std::size_t voxelCount() const { return size[0] * size[1] * size[2]; }
    bool is2D() const { return size[2] == 1; }

    // Continuous index -> patient position (mm, LPS).
    Vec3 indexToPatient(const Vec3& index) const;
    // Patient position -> continuous index.
    Vec3 patientToIndex(const Vec3& patient) const;
    // 4x4 homogeneous index->patient matrix, row-major.
    std::array<double, 16> indexToPatientMatrix() const;

    // Direction columns unit length and mutually orthogonal within tol.
    bool hasOrthonormalDirection(double tol = 1e-4) const;
    // Same size and, within tol (mm / cosine), the same spacing, origin and direction.
    bool approxEqual(const Geometry& o, double tol = 1e-4) const;

    // Throws InvalidArgument naming the problem (zero size, non-positive spacing,
    // singular direction).
    void validate() const;

    // "LPS"-style three-letter code of the closest patient axes of i, j, k, e.g.
    // "LPS" for a standard axial, "LSP"... ; oblique axes take the nearest letter.
    std::string orientationCode() const;
    // Human description: "axial", "coronal", "sagittal" or "oblique" (by slice normal).
    std::string planeName(double obliqueToleranceDegrees = 1.0) const;
};

}  // namespace stratum::core

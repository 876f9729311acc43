#include "stratum/core/Geometry.h"

#include <cmath>
#include <sstream>

#include "stratum/core/Error.h"

namespace stratum::core {

Mat3 Mat3::fromColumns(const Vec3& c0, const Vec3& c1, const Vec3& c2) {
    Mat3 r;
    for (int i = 0; i < 3; ++i) {
        r(i, 0) = c0[i];
        r(i, 1) = c1[i];
        r(i, 2) = c2[i];
    }
    return r;
}

Mat3 Mat3::transposed() const {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) r(i, j) = (*this)(j, i);
    return r;
}

double Mat3::determinant() const {
    const auto& a = *this;
    return a(0, 0) * (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) -
           a(0, 1) * (a(1, 0) * a(2, 2) - a(1, 2) * a(2, 0)) +
           a(0, 2) * (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0));
}

Mat3 Mat3::inverse() const {
    const double det = determinant();
    if (std::abs(det) < 1e-12) throw InvalidArgument("direction matrix is singular");
    const auto& a = *this;
    Mat3 r;
    r(0, 0) = (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) / det;
    r(0, 1) = (a(0, 2) * a(2, 1) - a(0, 1) * a(2, 2)) / det;
    r(0, 2) = (a(0, 1) * a(1, 2) - a(0, 2) * a(1, 1)) / det;
    r(1, 0) = (a(1, 2) * a(2, 0) - a(1, 0) * a(2, 2)) / det;
    r(1, 1) = (a(0, 0) * a(2, 2) - a(0, 2) * a(2, 0)) / det;
    r(1, 2) = (a(0, 2) * a(1, 0) - a(0, 0) * a(1, 2)) / det;
    r(2, 0) = (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0)) / det;
    r(2, 1) = (a(0, 1) * a(2, 0) - a(0, 0) * a(2, 1)) / det;
    r(2, 2) = (a(0, 0) * a(1, 1) - a(0, 1) * a(1, 0)) / det;
    return r;
}

Vec3 Mat3::operator*(const Vec3& v) const {
    return {m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
            m[6] * v[0] + m[7] * v[1] + m[8] * v[2]};
}

Mat3 Mat3::operator*(const Mat3& o) const {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            double s = 0;
            for (int k = 0; k < 3; ++k) s += (*this)(i, k) * o(k, j);
            r(i, j) = s;
        }
    return r;
}

bool Mat3::approxEqual(const Mat3& o, double tol) const {
    for (int i = 0; i < 9; ++i)
        if (std::abs(m[i] - o.m[i]) > tol) return false;
    return true;
}

Vec3 operator+(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
Vec3 operator-(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
Vec3 operator*(double s, const Vec3& a) { return {s * a[0], s * a[1], s * a[2]}; }
double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 cross(const Vec3& a, const Vec3& b) {
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }
Vec3 normalized(const Vec3& a) {
    const double n = norm(a);
    if (n < 1e-12) throw InvalidArgument("cannot normalise a zero vector");
    return (1.0 / n) * a;
}

Vec3 Geometry::indexToPatient(const Vec3& index) const {
    const Vec3 scaled{index[0] * spacing[0], index[1] * spacing[1], index[2] * spacing[2]};
    return origin + direction * scaled;
}

Vec3 Geometry::patientToIndex(const Vec3& patient) const {
    const Vec3 local = direction.inverse() * (patient - origin);
    return {local[0] / spacing[0], local[1] / spacing[1], local[2] / spacing[2]};
}

std::array<double, 16> Geometry::indexToPatientMatrix() const {
    std::array<double, 16> r{};
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) r[i * 4 + j] = direction(i, j) * spacing[j];
        r[i * 4 + 3] = origin[i];
    }
    r[15] = 1.0;
    return r;
}

bool Geometry::hasOrthonormalDirection(double tol) const {
    for (int c = 0; c < 3; ++c) {
        if (std::abs(norm(direction.column(c)) - 1.0) > tol) return false;
        for (int d = c + 1; d < 3; ++d)
            if (std::abs(dot(direction.column(c), direction.column(d))) > tol) return false;
    }
    return true;
}

bool Geometry::approxEqual(const Geometry& o, double tol) const {
    if (size != o.size) return false;
    for (int i = 0; i < 3; ++i) {
        if (std::abs(spacing[i] - o.spacing[i]) > tol) return false;
        if (std::abs(origin[i] - o.origin[i]) > tol) return false;
    }
    return direction.approxEqual(o.direction, tol);
}

void Geometry::validate() const {
    if (size[0] == 0 || size[1] == 0 || size[2] == 0) {
        std::ostringstream s;
        s << "image size " << size[0] << "x" << size[1] << "x" << size[2] << " is empty";
        throw InvalidArgument(s.str());
    }
    for (int i = 0; i < 3; ++i)
        if (!(spacing[i] > 0.0) || !std::isfinite(spacing[i]))
            throw InvalidArgument("voxel spacing must be positive, got " + std::to_string(spacing[i]));
    if (std::abs(direction.determinant()) < 1e-6) throw InvalidArgument("direction matrix is singular");
}

std::string Geometry::orientationCode() const {
    static const char pos[3] = {'L', 'P', 'S'};
    static const char neg[3] = {'R', 'A', 'I'};
    std::string code;
    for (int c = 0; c < 3; ++c) {
        const Vec3 d = direction.column(c);
        int best = 0;
        for (int a = 1; a < 3; ++a)
            if (std::abs(d[a]) > std::abs(d[best])) best = a;
        code += d[best] >= 0 ? pos[best] : neg[best];
    }
    return code;
}

std::string Geometry::planeName(double obliqueToleranceDegrees) const {
    const Vec3 n = direction.column(2);
    const double cosTol = std::cos(obliqueToleranceDegrees * 3.14159265358979323846 / 180.0);
    if (std::abs(n[2]) >= cosTol) return "axial";
    if (std::abs(n[1]) >= cosTol) return "coronal";
    if (std::abs(n[0]) >= cosTol) return "sagittal";
    return "oblique";
}

}  // namespace stratum::core

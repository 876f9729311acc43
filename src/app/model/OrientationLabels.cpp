#include "stratum/app/model/OrientationLabels.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace stratum::app {

using core::operator+;
using core::operator-;
using core::operator*;

std::string directionLabel(const core::Vec3& d, double threshold) {
    static const char positive[3] = {'L', 'P', 'S'};
    static const char negative[3] = {'R', 'A', 'I'};
    std::array<int, 3> order{0, 1, 2};
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return std::abs(d[a]) > std::abs(d[b]); });
    std::string label;
    for (int a : order) {
        if (std::abs(d[a]) < threshold && !label.empty()) break;
        if (std::abs(d[a]) < 1e-12) break;
        label += d[a] > 0 ? positive[a] : negative[a];
    }
    return label;
}

std::string planeOfNormal(const core::Vec3& normal, double toleranceDegrees) {
    const double n = core::norm(normal);
    if (n < 1e-12) return "oblique";
    int best = 0;
    for (int a = 1; a < 3; ++a)
        if (std::abs(normal[a]) > std::abs(normal[best])) best = a;
    const double cosine = std::abs(normal[best]) / n;
    if (cosine < std::cos(toleranceDegrees * 3.14159265358979323846 / 180.0)) return "oblique";
    return best == 2 ? "axial" : best == 1 ? "coronal" : "sagittal";
}

EdgeLabels edgeLabels(const core::Vec3& right, const core::Vec3& down, double threshold) {
    EdgeLabels e;
    e.right = directionLabel(right, threshold);
    e.left = directionLabel(-1.0 * right, threshold);
    e.bottom = directionLabel(down, threshold);
    e.top = directionLabel(-1.0 * down, threshold);
    return e;
}

}  // namespace stratum::app

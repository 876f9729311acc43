#include "stratum/app/model/LevelOfDetail.h"

#include <algorithm>
#include <cmath>

namespace stratum::app {

double interactiveReduction(std::size_t triangles, std::size_t sceneTriangles,
                            const LodBudget& budget) {
    if (sceneTriangles <= budget.interactiveTriangles || triangles < budget.minTrianglesToThin)
        return 0.0;
    // Every large surface keeps the same share, so the scene lands on the budget.
    const double keep =
        static_cast<double>(budget.interactiveTriangles) / static_cast<double>(sceneTriangles);
    return std::clamp(1.0 - keep, 0.0, 0.98);
}

double interactiveImageSampleDistance(double stillMilliseconds, double targetMilliseconds) {
    if (!(stillMilliseconds > 0) || !(targetMilliseconds > 0) ||
        stillMilliseconds <= targetMilliseconds)
        return 1.0;
    // Ray count falls with the square of the image sample distance.
    return std::clamp(std::sqrt(stillMilliseconds / targetMilliseconds), 1.0, 4.0);
}

}  // namespace stratum::app

#include "Labeling.h"

#include <numeric>

namespace stratum::processing::detail {
namespace {

std::size_t findRoot(std::vector<std::size_t>& parent, std::size_t i) {
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

void unite(std::vector<std::size_t>& parent, std::size_t a, std::size_t b) {
    a = findRoot(parent, a);
    b = findRoot(parent, b);
    if (a == b) return;
    // The earlier run stays root: roots are the first runs of their components.
    if (a < b)
        parent[b] = a;
    else
        parent[a] = b;
}

}  // namespace

RunComponents labelRuns(const core::Image& image, double foreground, bool complement,
                        bool fullyConnected, const core::Task& task) {
    const core::Size3& s = image.size();
    const std::size_t nx = s[0], ny = s[1], nz = s[2];
    RunComponents result;
    std::vector<std::size_t> rowStart(ny * nz + 1, 0);
    core::dispatchPixelType(image.pixelType(), [&](auto t) {
        using T = decltype(t);
        const T fg = static_cast<T>(foreground);
        const T* in = image.data<T>();
        for (std::size_t r = 0; r < ny * nz; ++r) {
            if ((r & 1023) == 0)
                task.progress(0.5 * static_cast<double>(r) / static_cast<double>(ny * nz));
            rowStart[r] = result.runs.size();
            const T* row = in + r * nx;
            std::size_t x = 0;
            while (x < nx) {
                while (x < nx && (row[x] == fg) == complement) ++x;
                if (x == nx) break;
                const std::size_t x0 = x;
                while (x < nx && (row[x] == fg) != complement) ++x;
                result.runs.push_back(
                    {static_cast<std::uint32_t>(x0), static_cast<std::uint32_t>(x), r});
            }
        }
        rowStart[ny * nz] = result.runs.size();
    });
    const std::size_t n = result.runs.size();
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    const long reach =
        fullyConnected ? 1 : 0;  // runs touch when they overlap after growing by reach
    auto link = [&](std::size_t r, std::size_t other) {
        std::size_t j = rowStart[other];
        const std::size_t jEnd = rowStart[other + 1];
        for (std::size_t i = rowStart[r]; i < rowStart[r + 1]; ++i) {
            const Run& a = result.runs[i];
            while (j < jEnd &&
                   static_cast<long>(result.runs[j].x1) + reach <= static_cast<long>(a.x0))
                ++j;
            for (std::size_t k = j;
                 k < jEnd && static_cast<long>(result.runs[k].x0) < static_cast<long>(a.x1) + reach;
                 ++k)
                unite(parent, i, k);
        }
    };
    for (std::size_t z = 0; z < nz; ++z) {
        if ((z & 7) == 0)
            task.progress(0.5 + 0.4 * static_cast<double>(z) / static_cast<double>(nz));
        for (std::size_t y = 0; y < ny; ++y) {
            const std::size_t r = z * ny + y;
            if (rowStart[r] == rowStart[r + 1]) continue;
            if (y > 0) link(r, r - 1);
            if (z > 0) {
                const std::size_t below = r - ny;
                link(r, below);
                if (fullyConnected) {
                    if (y > 0) link(r, below - 1);
                    if (y + 1 < ny) link(r, below + 1);
                }
            }
        }
    }
    result.component.resize(n);
    std::vector<std::uint32_t> idOfRoot(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t root = findRoot(parent, i);
        if (root == i) {
            idOfRoot[i] = static_cast<std::uint32_t>(result.sizes.size());
            result.sizes.push_back(0);
            result.touchesBorder.push_back(false);
        }
        const std::uint32_t id = idOfRoot[root];
        result.component[i] = id;
        const Run& run = result.runs[i];
        result.sizes[id] += run.x1 - run.x0;
        const std::size_t y = run.row % ny, z = run.row / ny;
        const bool border = (nx > 1 && (run.x0 == 0 || run.x1 == nx)) ||
                            (ny > 1 && (y == 0 || y + 1 == ny)) ||
                            (nz > 1 && (z == 0 || z + 1 == nz));
        if (border) result.touchesBorder[id] = true;
    }
    task.progress(1.0);
    return result;
}

}  // namespace stratum::processing::detail

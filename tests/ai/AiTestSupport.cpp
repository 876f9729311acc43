#include "AiTestSupport.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace stratum::test {

ai::ModelManifest tinyManifest(const ai::ArchitectureSpec& architecture, int size, std::vector<std::string> labels) {
    ai::ModelManifest m;
    m.name = "test-" + architecture.name;
    for (const std::string& l : labels) m.labels.push_back({l});
    m.positiveLabel = static_cast<int>(labels.size()) - 1;
    m.input.channels = architecture.inChannels;
    m.input.size = {size, size};
    m.preprocessing.mean.assign(static_cast<std::size_t>(architecture.inChannels), 0.5);
    m.preprocessing.std.assign(static_cast<std::size_t>(architecture.inChannels), 0.25);
    m.weights.architecture = architecture;
    m.weights.dtype = "float32";
    m.weights.sha256 = std::string(64, '0');
    m.gradCam.target = architecture.gradCamTarget();
    return m;
}

core::Image floatImage(int width, int height, const std::vector<float>& values) {
    core::Geometry g;
    g.size = {static_cast<std::size_t>(width), static_cast<std::size_t>(height), 1};
    core::Image image(core::PixelType::Float32, 1, g);
    std::copy(values.begin(), values.end(), image.data<float>());
    return image;
}

core::Image blobImage(int size, bool blob, double cx, double cy, double sigma, std::mt19937_64& rng) {
    // Background: coarse 6x6 random grid, bilinearly interpolated, plus fine noise.
    std::uniform_real_distribution<double> coarse(0.2, 0.5);
    std::normal_distribution<double> fine(0.0, 0.02);
    const int g = 6;
    std::vector<double> grid(static_cast<std::size_t>(g * g));
    for (double& v : grid) v = coarse(rng);
    std::vector<float> values(static_cast<std::size_t>(size * size));
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            const double gx = static_cast<double>(x) / (size - 1) * (g - 1);
            const double gy = static_cast<double>(y) / (size - 1) * (g - 1);
            const int x0 = std::min(static_cast<int>(gx), g - 2), y0 = std::min(static_cast<int>(gy), g - 2);
            const double fx = gx - x0, fy = gy - y0;
            auto at = [&](int i, int j) { return grid[static_cast<std::size_t>(j * g + i)]; };
            double v = (1 - fx) * (1 - fy) * at(x0, y0) + fx * (1 - fy) * at(x0 + 1, y0) +
                       (1 - fx) * fy * at(x0, y0 + 1) + fx * fy * at(x0 + 1, y0 + 1);
            v += fine(rng);
            if (blob) v += 0.5 * std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sigma * sigma));
            values[static_cast<std::size_t>(y * size + x)] = static_cast<float>(v);
        }
    return floatImage(size, size, values);
}

namespace {
std::vector<double> ranks(const std::vector<float>& v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && v[order[j]] == v[order[i]]) ++j;
        for (std::size_t k = i; k < j; ++k) r[order[k]] = (static_cast<double>(i) + static_cast<double>(j - 1)) / 2.0;
        i = j;
    }
    return r;
}
}  // namespace

double spearman(const std::vector<float>& a, const std::vector<float>& b) {
    const std::vector<double> ra = ranks(a), rb = ranks(b);
    const double n = static_cast<double>(a.size());
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n;
    const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < ra.size(); ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    if (saa == 0 || sbb == 0) return 0.0;
    return sab / std::sqrt(saa * sbb);
}

}  // namespace stratum::test

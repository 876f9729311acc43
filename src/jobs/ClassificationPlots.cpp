// Pictures of classification results, drawn on our own Canvas: the Grad-CAM overlay,
// the ROC curve and the reliability diagram.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "Canvas.h"
#include "stratum/core/Error.h"
#include "stratum/jobs/Classification.h"

namespace stratum::jobs {
namespace {

using detail::Canvas;
using detail::Rgb;

constexpr Rgb kWhite{255, 255, 255}, kBlack{0, 0, 0}, kGrid{225, 225, 225}, kAxis{60, 60, 60};
constexpr Rgb kBlue{31, 119, 180}, kRed{214, 39, 40}, kGrey{150, 150, 150};

std::string fixed(double v, int digits) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
    return buffer;
}

// Grey levels 0..255 of a 2D image, windowed between its 1st and 99th percentiles.
std::vector<std::uint8_t> displayGrey(const core::Image& image) {
    const std::size_t n = image.voxelCount();
    const int c = image.components();
    std::vector<float> values(n);
    core::dispatchPixelType(image.pixelType(), [&](auto zero) {
        using T = decltype(zero);
        const auto p = image.pixels<T>();
        for (std::size_t i = 0; i < n; ++i) {
            if (c == 3)
                values[i] = 0.299f * static_cast<float>(p[3 * i]) + 0.587f * static_cast<float>(p[3 * i + 1]) +
                            0.114f * static_cast<float>(p[3 * i + 2]);
            else
                values[i] = static_cast<float>(p[i]);
        }
    });
    std::vector<float> sorted;
    const std::size_t step = std::max<std::size_t>(1, n / 200000);
    for (std::size_t i = 0; i < n; i += step)
        if (std::isfinite(values[i])) sorted.push_back(values[i]);
    std::sort(sorted.begin(), sorted.end());
    const float lo = sorted.empty() ? 0.0f : sorted[sorted.size() / 100];
    const float hi = sorted.empty() ? 1.0f : sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
    std::vector<std::uint8_t> grey(n);
    for (std::size_t i = 0; i < n; ++i) {
        const float t = hi > lo ? (values[i] - lo) / (hi - lo) : 0.0f;
        grey[i] = static_cast<std::uint8_t>(std::lround(255.0f * std::clamp(std::isfinite(t) ? t : 0.0f, 0.0f, 1.0f)));
    }
    return grey;
}

// Plot frame: maps [0,1] x [0,1] onto the canvas inside margins.
struct Frame {
    int left = 56, top = 34, size = 320;
    double x(double v) const { return left + v * size; }
    double y(double v) const { return top + (1.0 - v) * size; }
};

Canvas plotCanvas(const Frame& f, const std::string& title, const std::string& xLabel, const std::string& yLabel) {
    Canvas canvas(f.left + f.size + 24, f.top + f.size + 46, kWhite);
    for (int i = 0; i <= 5; ++i) {
        const double v = i / 5.0;
        canvas.line(f.x(v), f.y(0), f.x(v), f.y(1), kGrid);
        canvas.line(f.x(0), f.y(v), f.x(1), f.y(v), kGrid);
        const std::string label = fixed(v, 1);
        canvas.text(static_cast<int>(f.x(v)) - Canvas::textWidth(label) / 2, static_cast<int>(f.y(0)) + 6, label, kAxis);
        canvas.text(static_cast<int>(f.x(0)) - Canvas::textWidth(label) - 6, static_cast<int>(f.y(v)) - 3, label, kAxis);
    }
    canvas.strokeRect(f.left, f.top, f.left + f.size + 1, f.top + f.size + 1, kAxis);
    canvas.text(f.left + (f.size - Canvas::textWidth(xLabel)) / 2, f.top + f.size + 24, xLabel, kBlack);
    canvas.text(f.left - Canvas::textWidth(yLabel) / 2 + 10, f.top - 14, yLabel, kBlack);
    canvas.text(f.left + f.size - Canvas::textWidth(title, 1), 8, title, kBlack);
    return canvas;
}

}  // namespace

core::Image gradCamOverlay(const core::Image& image, const core::Image& heatmap, const std::string& title) {
    if (image.empty() || !image.geometry().is2D())
        throw core::InvalidArgument("Grad-CAM overlay: the image must be 2D");
    if (heatmap.size() != image.size() || heatmap.pixelType() != core::PixelType::Float32)
        throw core::InvalidArgument("Grad-CAM overlay: the heatmap must be float32 with the image's size");
    const int w = static_cast<int>(image.size()[0]), h = static_cast<int>(image.size()[1]);
    const int scale = std::max(1, std::min(w, h) / 240 + 1);  // font pixels
    const int bar = 14 * scale, gap = 8 * scale, labelWidth = Canvas::textWidth("1.0", scale);
    const int titleHeight = Canvas::textHeight(scale) + 8 * scale;
    const int minWidth = Canvas::textWidth(title, scale) + 8 * scale;
    const int width = std::max(w + gap + bar + 6 * scale + labelWidth + 4 * scale, minWidth);
    Canvas canvas(width, h + titleHeight + 4 * scale, kWhite);
    canvas.text(4 * scale, 4 * scale, title, kBlack, scale);

    const std::vector<std::uint8_t> grey = displayGrey(image);
    const auto heat = heatmap.pixels<float>();
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x);
            const std::uint8_t g = grey[i];
            const double v = std::clamp(static_cast<double>(heat[i]), 0.0, 1.0);
            canvas.set(x, y + titleHeight, {g, g, g});
            // Low heat stays nearly transparent, high heat nearly opaque.
            canvas.blend(x, y + titleHeight, detail::jetColour(v), 0.15 + 0.5 * v);
        }
    // Colour bar with ticks at 0, 0.5 and 1.
    const int bx = w + gap;
    for (int y = 0; y < h; ++y) {
        const double v = 1.0 - static_cast<double>(y) / std::max(1, h - 1);
        canvas.fillRect(bx, y + titleHeight, bx + bar, y + titleHeight + 1, detail::jetColour(v));
    }
    canvas.strokeRect(bx, titleHeight, bx + bar, titleHeight + h, kAxis);
    for (const double v : {1.0, 0.5, 0.0}) {
        const int y = titleHeight + static_cast<int>(std::lround((1.0 - v) * (h - 1)));
        canvas.fillRect(bx + bar, y, bx + bar + 3 * scale, y + 1, kAxis);
        const int ty = std::clamp(y - Canvas::textHeight(scale) / 2, titleHeight, titleHeight + h - Canvas::textHeight(scale));
        canvas.text(bx + bar + 5 * scale, ty, fixed(v, 1), kAxis, scale);
    }
    return canvas.toImage();
}

core::Image rocCurvePlot(const ai::EvaluationMetrics& m, const std::string& positiveLabel) {
    const Frame f;
    Canvas canvas = plotCanvas(f, "ROC " + positiveLabel + "  AUC " + fixed(m.rocAuc, 3), "FALSE POSITIVE RATE",
                               "TRUE POSITIVE RATE");
    canvas.line(f.x(0), f.y(0), f.x(1), f.y(1), kGrey, 1, 6);
    for (std::size_t i = 1; i < m.roc.size(); ++i)
        canvas.line(f.x(m.roc[i - 1].falsePositiveRate), f.y(m.roc[i - 1].truePositiveRate),
                    f.x(m.roc[i].falsePositiveRate), f.y(m.roc[i].truePositiveRate), kBlue, 2);
    // The operating point of the model's decision (argmax).
    const double fpr = 1.0 - m.specificity, tpr = m.recall;
    canvas.disc(f.x(fpr), f.y(tpr), 4, kRed);
    canvas.text(f.left + 8, f.top + f.size - 14, "DOT: DECISION (SENS " + fixed(tpr, 2) + ", SPEC " + fixed(m.specificity, 2) + ")",
                kRed);
    return canvas.toImage();
}

core::Image reliabilityPlot(const ai::EvaluationMetrics& m) {
    const Frame f;
    Canvas canvas = plotCanvas(f, "RELIABILITY  ECE " + fixed(m.expectedCalibrationError, 3), "CONFIDENCE",
                               "ACCURACY");
    const std::int64_t most = std::max<std::int64_t>(
        1, std::max_element(m.reliability.begin(), m.reliability.end(), [](const auto& a, const auto& b) {
               return a.count < b.count;
           })->count);
    for (const ai::ReliabilityBin& bin : m.reliability) {
        if (bin.count == 0) continue;
        const int x0 = static_cast<int>(std::lround(f.x(bin.lower))) + 2;
        const int x1 = static_cast<int>(std::lround(f.x(bin.upper))) - 1;
        // Share of images in the bin, as a light bar at the bottom.
        const double share = static_cast<double>(bin.count) / static_cast<double>(most) * 0.25;
        canvas.fillRect(x0, static_cast<int>(f.y(share)), x1, static_cast<int>(f.y(0)), {200, 200, 200});
        canvas.fillRect(x0, static_cast<int>(std::lround(f.y(bin.accuracy))), x1, static_cast<int>(f.y(0)), kBlue);
        // The gap to perfect calibration at the bin's mean confidence.
        const int yc = static_cast<int>(std::lround(f.y(bin.meanConfidence)));
        canvas.fillRect(x0, yc - 1, x1, yc + 1, kRed);
        const std::string count = std::to_string(bin.count);
        canvas.text((x0 + x1 - Canvas::textWidth(count)) / 2, static_cast<int>(f.y(0)) - 10, count, kWhite);
    }
    canvas.line(f.x(0), f.y(0), f.x(1), f.y(1), kGrey, 1, 6);
    canvas.text(f.left + 8, f.top + 8, "BARS: ACCURACY  RED: MEAN CONFIDENCE", kBlack);
    return canvas.toImage();
}

}  // namespace stratum::jobs

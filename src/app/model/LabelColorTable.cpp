#include "stratum/app/model/LabelColorTable.h"

#include <array>
#include <cmath>

namespace stratum::app {

namespace {

constexpr std::array<Rgb, 12> kPalette{{{230, 25, 75},
                                        {60, 180, 75},
                                        {255, 225, 25},
                                        {0, 130, 200},
                                        {245, 130, 48},
                                        {145, 30, 180},
                                        {70, 240, 240},
                                        {240, 50, 230},
                                        {210, 245, 60},
                                        {250, 190, 212},
                                        {0, 128, 128},
                                        {170, 110, 40}}};

Rgb fromHsv(double h, double s, double v) {
    const double c = v * s;
    const double hp = std::fmod(h, 360.0) / 60.0;
    const double x = c * (1 - std::abs(std::fmod(hp, 2.0) - 1));
    double r = 0, g = 0, b = 0;
    if (hp < 1)
        r = c, g = x;
    else if (hp < 2)
        r = x, g = c;
    else if (hp < 3)
        g = c, b = x;
    else if (hp < 4)
        g = x, b = c;
    else if (hp < 5)
        r = x, b = c;
    else
        r = c, b = x;
    const double m = v - c;
    auto byte = [m](double t) { return static_cast<std::uint8_t>(std::lround((t + m) * 255)); };
    return {byte(r), byte(g), byte(b)};
}

}  // namespace

Rgb LabelColorTable::defaultColor(int label) {
    if (label <= 0) return {0, 0, 0};
    if (label <= static_cast<int>(kPalette.size())) return kPalette[label - 1];
    constexpr double kGoldenAngle = 137.50776405003785;
    return fromHsv(std::fmod(label * kGoldenAngle, 360.0), 0.75, 0.95);
}

Rgb LabelColorTable::color(int label) const {
    const auto it = colors_.find(label);
    return it != colors_.end() ? it->second : defaultColor(label);
}

std::string LabelColorTable::name(int label) const {
    const auto it = names_.find(label);
    return it != names_.end() ? it->second : "label " + std::to_string(label);
}

}  // namespace stratum::app

#include "stratum/app/model/ColorMap.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

namespace stratum::app {

namespace {

struct Stop {
    double t;
    double r, g, b;  // 0..255
};

constexpr std::array<Stop, 6> kJet{{{0.0, 0, 0, 128},
                                    {0.125, 0, 0, 255},
                                    {0.375, 0, 255, 255},
                                    {0.625, 255, 255, 0},
                                    {0.875, 255, 0, 0},
                                    {1.0, 128, 0, 0}}};
constexpr std::array<Stop, 4> kHot{
    {{0.0, 0, 0, 0}, {0.375, 255, 0, 0}, {0.75, 255, 255, 0}, {1.0, 255, 255, 255}}};
constexpr std::array<Stop, 5> kInferno{{{0.0, 0, 0, 4},
                                        {0.25, 87, 16, 110},
                                        {0.5, 188, 55, 84},
                                        {0.75, 249, 142, 9},
                                        {1.0, 252, 255, 164}}};
constexpr std::array<Stop, 2> kGrey{{{0.0, 0, 0, 0}, {1.0, 255, 255, 255}}};

Rgb interpolate(std::span<const Stop> stops, double t) {
    t = std::clamp(std::isnan(t) ? 0.0 : t, 0.0, 1.0);
    std::size_t i = 1;
    while (i + 1 < stops.size() && stops[i].t < t) ++i;
    const Stop& a = stops[i - 1];
    const Stop& b = stops[i];
    const double f = b.t > a.t ? (t - a.t) / (b.t - a.t) : 0.0;
    auto mix = [f](double x, double y) {
        return static_cast<std::uint8_t>(std::lround(x + (y - x) * f));
    };
    return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

}  // namespace

const char* colorMapName(ColorMap m) {
    switch (m) {
        case ColorMap::Jet:
            return "jet";
        case ColorMap::Hot:
            return "hot";
        case ColorMap::Inferno:
            return "inferno";
        case ColorMap::Grey:
            return "grey";
    }
    return "unknown";
}

const std::vector<ColorMap>& allColorMaps() {
    static const std::vector<ColorMap> maps{ColorMap::Jet, ColorMap::Hot, ColorMap::Inferno,
                                            ColorMap::Grey};
    return maps;
}

Rgb mapColor(ColorMap m, double t) {
    switch (m) {
        case ColorMap::Jet:
            return interpolate(kJet, t);
        case ColorMap::Hot:
            return interpolate(kHot, t);
        case ColorMap::Inferno:
            return interpolate(kInferno, t);
        case ColorMap::Grey:
            return interpolate(kGrey, t);
    }
    return {};
}

}  // namespace stratum::app

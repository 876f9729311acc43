#include "stratum/core/Metadata.h"

#include <algorithm>
#include <cctype>

namespace stratum::core {

const char* photometricName(Photometric p) {
    switch (p) {
        case Photometric::Monochrome1: return "MONOCHROME1";
        case Photometric::Monochrome2: return "MONOCHROME2";
        case Photometric::Rgb: return "RGB";
        case Photometric::YbrFull: return "YBR_FULL";
        case Photometric::YbrFull422: return "YBR_FULL_422";
        case Photometric::YbrOther: return "YBR";
        case Photometric::Palette: return "PALETTE COLOR";
        case Photometric::Unknown: break;
    }
    return "UNKNOWN";
}

Photometric photometricFromDicom(const std::string& dicomString) {
    std::string s;
    for (char c : dicomString)
        if (!std::isspace(static_cast<unsigned char>(c))) s += static_cast<char>(std::toupper(c));
    if (s == "MONOCHROME1") return Photometric::Monochrome1;
    if (s == "MONOCHROME2") return Photometric::Monochrome2;
    if (s == "RGB") return Photometric::Rgb;
    if (s == "YBR_FULL") return Photometric::YbrFull;
    if (s == "YBR_FULL_422") return Photometric::YbrFull422;
    if (s.rfind("YBR", 0) == 0) return Photometric::YbrOther;
    if (s == "PALETTECOLOR") return Photometric::Palette;
    return Photometric::Unknown;
}

}  // namespace stratum::core

#include "DicomAttributes.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <cmath>
#include <cstdlib>

namespace stratum::io::detail {

namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

DcmElement* findElement(DcmItem& item, const DcmTagKey& tag) {
    DcmElement* element = nullptr;
    if (item.findAndGetElement(tag, element, OFFalse /* this level only */).bad()) return nullptr;
    return element;
}

}  // namespace

std::string getString(DcmItem& item, const DcmTagKey& tag) {
    DcmElement* element = findElement(item, tag);
    if (!element) return {};
    OFString value;
    if (element->getOFStringArray(value).bad()) return {};
    return trim(std::string(value.c_str(), value.length()));
}

std::vector<std::string> getStrings(DcmItem& item, const DcmTagKey& tag) {
    std::vector<std::string> out;
    const std::string all = getString(item, tag);
    if (all.empty()) return out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = all.find('\\', start);
        out.push_back(
            trim(all.substr(start, end == std::string::npos ? std::string::npos : end - start)));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

std::optional<double> getNumber(DcmItem& item, const DcmTagKey& tag, unsigned long index) {
    DcmElement* element = findElement(item, tag);
    if (!element || index >= element->getVM()) return std::nullopt;
    double value = 0;
    switch (element->ident()) {
        case EVR_DS:
        case EVR_FD:
        case EVR_FL:
        case EVR_OD:
        case EVR_OF: {
            Float64 f = 0;
            if (element->ident() == EVR_FL || element->ident() == EVR_OF) {
                Float32 f32 = 0;
                if (element->getFloat32(f32, index).bad()) return std::nullopt;
                f = f32;
            } else if (element->getFloat64(f, index).bad()) {
                return std::nullopt;
            }
            value = f;
            break;
        }
        case EVR_IS:
        case EVR_SL: {
            Sint32 i = 0;
            if (element->getSint32(i, index).bad()) return std::nullopt;
            value = i;
            break;
        }
        case EVR_US:
        case EVR_xs: {
            Uint16 u = 0;
            if (element->getUint16(u, index).bad()) return std::nullopt;
            value = u;
            break;
        }
        case EVR_SS: {
            Sint16 s = 0;
            if (element->getSint16(s, index).bad()) return std::nullopt;
            value = s;
            break;
        }
        case EVR_UL: {
            Uint32 u = 0;
            if (element->getUint32(u, index).bad()) return std::nullopt;
            value = u;
            break;
        }
        default: {
            // Strings holding numbers (e.g. a DS written with a wrong VR).
            const std::vector<std::string> parts = getStrings(item, tag);
            if (index >= parts.size() || parts[index].empty()) return std::nullopt;
            char* end = nullptr;
            value = std::strtod(parts[index].c_str(), &end);
            if (end == parts[index].c_str() || *end != '\0') return std::nullopt;
        }
    }
    if (!std::isfinite(value)) return std::nullopt;
    return value;
}

std::vector<double> getNumbers(DcmItem& item, const DcmTagKey& tag) {
    std::vector<double> out;
    DcmElement* element = findElement(item, tag);
    if (!element) return out;
    const unsigned long n = element->getVM();
    out.reserve(n);
    for (unsigned long i = 0; i < n; ++i) {
        const auto v = getNumber(item, tag, i);
        if (!v) return {};
        out.push_back(*v);
    }
    return out;
}

unsigned getUnsigned(DcmItem& item, const DcmTagKey& tag, unsigned fallback) {
    const auto v = getNumber(item, tag);
    if (!v || *v < 0 || *v > 4294967295.0) return fallback;
    return static_cast<unsigned>(*v);
}

std::optional<core::Vec3> getVec3(DcmItem& item, const DcmTagKey& tag) {
    const std::vector<double> v = getNumbers(item, tag);
    if (v.size() < 3) return std::nullopt;
    return core::Vec3{v[0], v[1], v[2]};
}

DcmItem* getItem(DcmItem& item, const DcmTagKey& sequence, unsigned long index) {
    DcmItem* out = nullptr;
    if (item.findAndGetSequenceItem(sequence, out, static_cast<signed long>(index), OFFalse).bad())
        return nullptr;
    return out;
}

DcmItem* getNestedItem(DcmItem* outer, const DcmTagKey& inner) {
    return outer ? getItem(*outer, inner, 0) : nullptr;
}

}  // namespace stratum::io::detail

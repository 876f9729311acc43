// dumpDicomTags: the elements of one file as text rows.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvr.h>

#include <cstdio>

#include "DicomHeaderParse.h"
#include "stratum/io/DicomTags.h"

namespace stratum::io {

namespace {

constexpr std::size_t kMaxValueChars = 256;
constexpr Uint32 kMaxTextBytes = 4096;

bool isBinary(DcmEVR vr) {
    switch (vr) {
        case EVR_OB:
        case EVR_OW:
        case EVR_OF:
        case EVR_OD:
        case EVR_OL:
        case EVR_OV:
        case EVR_UN:
        case EVR_ox:
        case EVR_px:
        case EVR_pixelSQ:
        case EVR_UNKNOWN:
        case EVR_UNKNOWN2B:
            return true;
        default:
            return false;
    }
}

std::string tagText(const DcmTagKey& key) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "(%04X,%04X)", key.getGroup(), key.getElement());
    return buf;
}

DicomTagEntry entryFor(DcmObject& object, int depth) {
    DicomTagEntry e;
    DcmTag tag = object.getTag();
    e.group = tag.getGroup();
    e.element = tag.getElement();
    e.tag = tagText(tag);
    e.vr = DcmVR(object.getVR()).getVRName();
    const char* name = tag.getTagName();
    e.name = name ? name : "";
    e.depth = depth;
    return e;
}

std::string valueText(DcmElement& element) {
    const Uint32 length = element.getLength();
    if (isBinary(element.getVR()) || element.getTag() == DcmTagKey(0x7FE0, 0x0010))
        return "(binary, " + std::to_string(length) + " bytes)";
    if (length > kMaxTextBytes) return "(" + std::to_string(length) + " bytes, not shown)";
    OFString text;
    if (element.getOFStringArray(text).bad()) return "(unreadable value)";
    std::string value(text.c_str(), text.length());
    // Keep one line per element.
    for (char& c : value)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (value.size() > kMaxValueChars) value = value.substr(0, kMaxValueChars) + "...";
    return value;
}

void dumpItem(DcmItem& item, int depth, std::vector<DicomTagEntry>& out) {
    const unsigned long n = item.card();
    for (unsigned long i = 0; i < n; ++i) {
        DcmElement* element = item.getElement(i);
        if (!element) continue;
        DicomTagEntry e = entryFor(*element, depth);
        if (element->ident() == EVR_SQ) {
            auto* sequence = static_cast<DcmSequenceOfItems*>(element);
            const unsigned long items = sequence->card();
            e.value = "(sequence, " + std::to_string(items) + (items == 1 ? " item)" : " items)");
            out.push_back(std::move(e));
            for (unsigned long k = 0; k < items; ++k) {
                DcmItem* child = sequence->getItem(k);
                if (!child) continue;
                DicomTagEntry itemEntry;
                itemEntry.group = 0xFFFE;
                itemEntry.element = 0xE000;
                itemEntry.tag = "(FFFE,E000)";
                itemEntry.name = "Item";
                itemEntry.value = "#" + std::to_string(k + 1);
                itemEntry.depth = depth + 1;
                out.push_back(std::move(itemEntry));
                dumpItem(*child, depth + 2, out);
            }
            continue;
        }
        e.value = valueText(*element);
        out.push_back(std::move(e));
    }
}

}  // namespace

std::vector<DicomTagEntry> dumpDicomTags(const std::filesystem::path& file) {
    DcmFileFormat fileFormat;
    detail::loadDicomFileLazily(fileFormat, file);
    std::vector<DicomTagEntry> out;
    if (DcmMetaInfo* meta = fileFormat.getMetaInfo()) dumpItem(*meta, 0, out);
    dumpItem(*fileFormat.getDataset(), 0, out);
    return out;
}

}  // namespace stratum::io

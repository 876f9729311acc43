#pragma once
// Typed, forgiving access to DICOM attributes of a DCMTK item: absent, empty or
// malformed values give std::nullopt / empty strings instead of errors.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <optional>
#include <string>
#include <vector>

#include "stratum/core/Geometry.h"

namespace stratum::io::detail {

// The whole value (all values joined by '\'), leading/trailing spaces removed.
std::string getString(DcmItem& item, const DcmTagKey& tag);
// The values of a multi-valued string, each trimmed.
std::vector<std::string> getStrings(DcmItem& item, const DcmTagKey& tag);
// Value `index` of a numeric attribute of any numeric VR (DS, IS, US, SS, UL, SL, FL, FD).
std::optional<double> getNumber(DcmItem& item, const DcmTagKey& tag, unsigned long index = 0);
// All values of a numeric attribute; empty when absent or when any value is malformed.
std::vector<double> getNumbers(DcmItem& item, const DcmTagKey& tag);
// A non-negative integer attribute (US, IS, UL, ...), or `fallback`.
unsigned getUnsigned(DcmItem& item, const DcmTagKey& tag, unsigned fallback);
// Three numbers as a vector (e.g. Image Position (Patient)).
std::optional<core::Vec3> getVec3(DcmItem& item, const DcmTagKey& tag);
// Item `index` of sequence `tag`, or nullptr.
DcmItem* getItem(DcmItem& item, const DcmTagKey& sequence, unsigned long index = 0);
// The first item of `inner` inside item `index`... shortcut: item of `outer` -> first item of
// `inner`.
DcmItem* getNestedItem(DcmItem* outer, const DcmTagKey& inner);

}  // namespace stratum::io::detail

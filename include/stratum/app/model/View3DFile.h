#pragma once
// The 3D view's part of a study, saved as JSON beside the workstation's data: the
// annotations (patient coordinates, LPS mm), how each surface model is shown, and the
// volume rendering's transfer function. Doubles are written so that they read back
// bit for bit. Qt-free.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stratum/app/model/AnnotationStore.h"
#include "stratum/app/model/ModelDisplay.h"
#include "stratum/app/model/TransferFunction.h"

namespace stratum::app {

struct View3DFile {
    static constexpr int kFormatVersion = 1;
    std::string studyKey;             // study instance UID, or the series key
    std::string patientId;            // for the reader's own check
    std::string coordinates = "LPS";  // always LPS, millimetres
    AnnotationStore annotations;
    std::vector<ModelDisplay> models;
    std::optional<TransferFunction> transfer;  // present when volume rendering was set up
    std::string volumePreset;                  // preset the transfer function came from
    bool operator==(const View3DFile&) const = default;
};

// JSON text of the file, and back. fromJson throws core::FormatError naming `origin`
// (a path or "<memory>") and what is wrong.
std::string toJson(const View3DFile& f);
View3DFile view3DFileFromJson(const std::string& text, const std::string& origin = "<memory>");

// Atomic write (core::AtomicFile); read throws core::IoError / core::FormatError naming the file.
void writeView3DFile(const View3DFile& f, const std::filesystem::path& path);
View3DFile readView3DFile(const std::filesystem::path& path);

}  // namespace stratum::app

#pragma once
// What the workstation's command line asks for once a study is on screen, as functions
// of the main window so that tests drive them as `stratum-workstation` does.
#include <QString>
#include <functional>

namespace stratum::app {

class MainWindow;

// Once the first series is shown, opens `file` (STL/OBJ/PLY/VTP/glTF) in the 3D view, as
// its Open mesh... button does (in the background). Throws core::InvalidArgument when
// this build has no 3D view.
void openMeshWhenShown(MainWindow& window, const QString& file);

// Once the first series is shown, reads `file` (a label map: NIfTI/NRRD/MetaImage, e.g.
// from `stratum segment`; drawn by patient position like every layer) and adds it to
// that series as a label-map overlay layer. A file that cannot be read (or is not a
// one-component integer image) is reported through fail(message), naming the file; the
// viewer stays open.
void openLabelsWhenShown(MainWindow& window, const QString& file,
                         std::function<void(const QString& message)> fail);

// Checks every 250 ms; once a series is shown and no loading or background task runs,
// saves a picture of the whole window (the GL views included) to `file` as PNG, written
// atomically, and calls done(true, "saved FILE (WxH)"). done(false, why) when the file
// cannot be written or nothing was ready within `timeoutMs`.
void saveScreenshotWhenReady(MainWindow& window, const QString& file,
                             std::function<void(bool ok, const QString& message)> done,
                             int timeoutMs = 120000);

}  // namespace stratum::app

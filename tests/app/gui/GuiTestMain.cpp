// GoogleTest main for the GUI tests: a QApplication with the surface format VTK needs,
// settings in a private folder, and screenshots under the build folder.
#include <gtest/gtest.h>

#include <QApplication>
#include <QStandardPaths>
#include <cstdlib>
#include <filesystem>

#include "GuiTestSupport.h"
#include "stratum/app/vtk/VtkOpenGLWidget.h"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    if (!std::getenv("DISPLAY")) {
        std::fprintf(stderr, "No X display: run through xvfb-run (ctest does).\n");
        return 77;
    }
    // Private settings: the tests must not read or change the user's.
    const std::filesystem::path config =
        std::filesystem::temp_directory_path() / "stratum-gui-test-config";
    std::filesystem::remove_all(config);
    std::filesystem::create_directories(config);
    setenv("XDG_CONFIG_HOME", config.c_str(), 1);
    stratum::app::VtkOpenGLWidget::setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("StratumTest");
    QApplication::setApplicationName("WorkstationGuiTest");
    const int rc = RUN_ALL_TESTS();
    std::filesystem::remove_all(config);
    return rc;
}

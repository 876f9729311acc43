// 3D view frame times under Xvfb: a 1-million-triangle surface and a 256^3 volume
// rendering in a 1024x768 view, still (full quality) and while the mouse drags (level of
// detail: the thinned surface, fewer rays), with the references measured in the same run:
// an empty frame, and both volume mappers (VTK's fixed-point CPU ray caster and the GPU
// ray caster, which runs on Mesa's software OpenGL here).
//
//   xvfb-run -a -s "-screen 0 1280x1024x24" build/release/bin/stratum_bench_view3d [--frames N]
//
// Each frame: the camera turns 3 degrees, then the time from the render request to Qt's
// frameSwapped (the frame composed and on screen) is taken. Medians and 90th percentiles.
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>

#include "stratum/app/Workspace.h"
#include "stratum/app/view3d/ModelBuilder.h"
#include "stratum/app/view3d/Scene3D.h"
#include "stratum/app/view3d/View3D.h"
#include "stratum/app/vtk/VtkOpenGLWidget.h"

using namespace stratum;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty()
               ? 0
               : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

double p90(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty()
               ? 0
               : v[std::min(v.size() - 1, static_cast<std::size_t>(0.9 * (v.size() - 1) + 0.5))];
}

// A UV sphere of radius r around c with about `triangles` triangles.
mesh::SurfaceMesh uvSphere(const core::Vec3& c, double r, std::size_t triangles) {
    const int rings = static_cast<int>(std::sqrt(triangles / 2.0));
    const int segments = rings;
    mesh::SurfaceMesh m;
    for (int i = 0; i <= rings; ++i) {
        const double theta = std::numbers::pi * i / rings;
        for (int j = 0; j < segments; ++j) {
            const double phi = 2 * std::numbers::pi * j / segments;
            const double bump = 1.0 + 0.03 * std::sin(7 * theta) * std::cos(5 * phi);
            const float x = float(std::sin(theta) * std::cos(phi)),
                        y = float(std::sin(theta) * std::sin(phi)), z = float(std::cos(theta));
            m.vertices.push_back({float(c[0] + r * bump * x), float(c[1] + r * bump * y),
                                  float(c[2] + r * bump * z)});
            m.normals.push_back({x, y, z});
        }
    }
    for (int i = 0; i < rings; ++i)
        for (int j = 0; j < segments; ++j) {
            const auto v = [&](int a, int b) {
                return std::uint32_t(a * segments + (b % segments));
            };
            if (i > 0) m.triangles.push_back({v(i, j), v(i + 1, j), v(i, j + 1)});
            if (i < rings - 1) m.triangles.push_back({v(i, j + 1), v(i + 1, j), v(i + 1, j + 1)});
        }
    m.name = "bench sphere";
    return m;
}

// A 256^3 CT-like phantom (int16 HU): soft tissue ball, bone shell, air outside.
core::Image ctPhantom(int n) {
    core::Geometry g;
    g.size = {std::size_t(n), std::size_t(n), std::size_t(n)};
    g.spacing = {0.8, 0.8, 0.8};
    g.origin = {-0.4 * (n - 1), -0.4 * (n - 1), -0.4 * (n - 1)};
    core::Image img(core::PixelType::Int16, 1, g);
    std::int16_t* v = img.data<std::int16_t>();
    for (int k = 0; k < n; ++k)
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < n; ++i) {
                const double x = (i - n / 2.0) / (n / 2.0), y = (j - n / 2.0) / (n / 2.0),
                             z = (k - n / 2.0) / (n / 2.0);
                const double r = std::sqrt(x * x + 1.3 * y * y + 0.8 * z * z);
                std::int16_t hu = -1000;
                if (r < 0.9) hu = 40 + std::int16_t(20 * std::sin(9 * x) * std::cos(7 * z));
                if (r > 0.78 && r < 0.86) hu = 900;
                if (std::abs(x - 0.2) < 0.05 && std::abs(y) < 0.05) hu = 350;  // a "vessel"
                v[img.offset(i, j, k)] = hu;
            }
    img.metadata().series.modality = "CT";
    img.metadata().study.instanceUid = "bench-view3d";
    return img;
}

struct Frames {
    std::vector<double> total;  // request -> on screen
    std::vector<double> vtk;    // VTK's Render()
};

Frames measure(app::VtkOpenGLWidget& gl, app::View3D& view, int frames, bool interacting) {
    Frames f;
    view.setInteracting(interacting);
    long swapped = 0;
    auto c = QObject::connect(&gl, &QOpenGLWidget::frameSwapped, [&] { ++swapped; });
    for (int i = -2; i < frames; ++i) {  // two warm-up frames
        view.renderer()->GetActiveCamera()->Azimuth(3.0);
        const long before = swapped;
        QElapsedTimer t;
        t.start();
        gl.requestRender();
        while (swapped == before) QApplication::processEvents(QEventLoop::AllEvents, 5);
        if (i >= 0) {
            f.total.push_back(t.nsecsElapsed() / 1e6);
            f.vtk.push_back(gl.lastRenderMilliseconds());
        }
    }
    QObject::disconnect(c);
    view.setInteracting(false);
    return f;
}

void print(const char* what, const Frames& f) {
    std::printf("  %-46s median %7.1f ms (%5.1f frames/s), p90 %7.1f ms; VTK render %7.1f ms\n",
                what, median(f.total), 1000.0 / median(f.total), p90(f.total), median(f.vtk));
}

}  // namespace

int main(int argc, char** argv) {
    int frames = 15;
    int volumeSize = 256;
    std::size_t triangles = 1'000'000;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string(argv[i]) == "--frames") frames = std::atoi(argv[++i]);
        if (std::string(argv[i]) == "--volume") volumeSize = std::atoi(argv[++i]);
        if (std::string(argv[i]) == "--triangles")
            triangles = std::strtoull(argv[++i], nullptr, 10);
    }
    app::VtkOpenGLWidget::setDefaultSurfaceFormat();
    QApplication qapp(argc, argv);
    app::Scene3D::setStorageDirectory(QDir::tempPath() + "/stratum-bench-view3d");

    int rc = 0;
    {
        app::Workspace workspace;
        app::VtkOpenGLWidget gl;
        gl.resize(1024, 768);
        vtkNew<vtkRenderer> renderer;
        gl.renderWindow()->AddRenderer(renderer);
        app::View3D view;
        view.attach(renderer, &workspace);
        QObject::connect(&gl, &app::VtkOpenGLWidget::aboutToRender,
                         [&] { view.update(&workspace); });
        gl.show();
        QElapsedTimer t;
        t.start();
        app::LoadedSeries s;
        s.key = "bench";
        s.name = "bench phantom";
        s.image = ctPhantom(volumeSize);
        workspace.addSeries(std::move(s));
        std::printf("3D view benchmark, 1024x768, %d frames per case (Xvfb, Mesa llvmpipe)\n",
                    frames);
        std::printf("  phantom volume %d^3 made in %.0f ms\n", volumeSize, t.nsecsElapsed() / 1e6);

        // Reference: an empty 3D view.
        print("empty view (reference)", measure(gl, view, frames, false));

        t.restart();
        app::Model3D m;
        m.display.name = "sphere";
        m.mesh = std::make_shared<const mesh::SurfaceMesh>(uvSphere({0, 0, 0}, 90, triangles));
        std::vector<app::Model3D> models{m};
        app::addLevelsOfDetail(models, {});
        std::printf("  surface: %zu triangles; level of detail: %zu triangles (made in %.0f ms)\n",
                    models[0].mesh->triangleCount(),
                    models[0].lod ? models[0].lod->triangleCount() : 0, t.nsecsElapsed() / 1e6);
        view.scene()->addModels(models, "bench");
        view.setStandardView(app::StandardView::Anterior);
        print("1M-triangle surface, still (full)", measure(gl, view, frames, false));
        print("1M-triangle surface, dragging (level of detail)", measure(gl, view, frames, true));
        view.scene()->removeModel(view.scene()->models().front().id);

        view.scene()->applyPreset(app::VolumePreset::CtBone);
        view.scene()->setVolumeVisible(true);
        for (const auto& [kind, name] :
             {std::pair{app::VolumeMapperKind::FixedPointCpu, "fixed-point CPU"},
              std::pair{app::VolumeMapperKind::Gpu, "GPU ray cast (on llvmpipe)"}}) {
            view.setVolumeMapperKind(kind);
            view.setStandardView(app::StandardView::Anterior);
            const std::string still = std::to_string(volumeSize) + "^3 volume, " + name + ", still";
            const std::string drag =
                std::to_string(volumeSize) + "^3 volume, " + name + ", dragging";
            print(still.c_str(), measure(gl, view, frames, false));
            print(drag.c_str(), measure(gl, view, frames, true));
        }
        view.setVolumeMapperKind(app::VolumeMapperKind::Auto);
        measure(gl, view, 1, false);
        std::printf("  automatic choice here: %s\n", view.volumeMapperName().toStdString().c_str());
    }
    return rc;
}

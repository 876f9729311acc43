#include "stratum/app/SliceViewport.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <vtkActor.h>
#include <vtkActor2D.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkCoordinate.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty.h>
#include <vtkProperty2D.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

#include "stratum/app/model/ScaleBar.h"

namespace stratum::app {

namespace {

constexpr double kCameraDistance = 1000.0;
constexpr double kCrosshairZ = -1.0;
constexpr double kMeasureZ = -1.5;
const double kMeasureColor[3] = {1.0, 0.65, 0.1};
const double kPendingColor[3] = {0.3, 0.9, 1.0};

vtkSmartPointer<vtkTextActor> makeText(int size, double r, double g, double b) {
    auto t = vtkSmartPointer<vtkTextActor>::New();
    t->SetTextScaleModeToNone();
    vtkTextProperty* p = t->GetTextProperty();
    p->SetFontSize(size);
    p->SetColor(r, g, b);
    p->SetShadow(1);
    p->SetFontFamilyToArial();
    t->SetPickable(false);
    return t;
}

void placeNormalized(vtkTextActor* t, double x, double y, int justify, int vertical) {
    t->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    t->GetPositionCoordinate()->SetValue(x, y);
    t->GetTextProperty()->SetJustification(justify);
    t->GetTextProperty()->SetVerticalJustification(vertical);
}

// A polydata of line cells with per-cell RGB colours.
struct LineBuilder {
    vtkNew<vtkPoints> points;
    vtkNew<vtkCellArray> lines;
    vtkNew<vtkUnsignedCharArray> colors;
    LineBuilder() { colors->SetNumberOfComponents(3); }
    void polyline(const std::vector<std::array<double, 3>>& pts, const double rgb[3],
                  bool closed = false) {
        if (pts.size() < 2) return;
        const vtkIdType first = points->GetNumberOfPoints();
        for (const auto& p : pts) points->InsertNextPoint(p[0], p[1], p[2]);
        const vtkIdType n = static_cast<vtkIdType>(pts.size());
        lines->InsertNextCell(closed ? n + 1 : n);
        for (vtkIdType i = 0; i < n; ++i) lines->InsertCellPoint(first + i);
        if (closed) lines->InsertCellPoint(first);
        const unsigned char c[3] = {static_cast<unsigned char>(rgb[0] * 255),
                                    static_cast<unsigned char>(rgb[1] * 255),
                                    static_cast<unsigned char>(rgb[2] * 255)};
        colors->InsertNextTypedTuple(c);
    }
    void into(vtkPolyData* pd) {
        pd->SetPoints(points);
        pd->SetLines(lines);
        pd->GetCellData()->SetScalars(colors);
        pd->Modified();
    }
};

// Each line of `text` cut to `maxChars` (with "..."), so corner texts do not overlap.
std::string elideLines(const std::string& text, std::size_t maxChars) {
    std::string out, line;
    auto flush = [&] {
        if (line.size() > maxChars) line = line.substr(0, maxChars > 3 ? maxChars - 3 : 0) + "...";
        out += line;
        line.clear();
    };
    for (char c : text) {
        if (c == '\n') {
            flush();
            out += '\n';
        } else {
            line += c;
        }
    }
    flush();
    return out;
}

vtkSmartPointer<vtkActor> lineActor(vtkPolyData* pd, double width) {
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputData(pd);
    mapper->SetScalarModeToUseCellData();
    mapper->ScalarVisibilityOn();
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    actor->GetProperty()->SetLineWidth(static_cast<float>(width));
    actor->GetProperty()->LightingOff();
    actor->SetPickable(false);
    return actor;
}

vtkSmartPointer<vtkActor2D> lineActor2D(vtkPolyData* pd, double width) {
    vtkNew<vtkPolyDataMapper2D> mapper;
    mapper->SetInputData(pd);
    mapper->SetScalarModeToUseCellData();
    mapper->ScalarVisibilityOn();
    auto actor = vtkSmartPointer<vtkActor2D>::New();
    actor->SetMapper(mapper);
    actor->GetProperty()->SetLineWidth(static_cast<float>(width));
    actor->SetPickable(false);
    return actor;
}

}  // namespace

std::array<double, 3> orientationColor(ViewOrientation o) {
    switch (o) {
        case ViewOrientation::Axial:
            return {0.95, 0.3, 0.3};
        case ViewOrientation::Coronal:
            return {0.35, 0.85, 0.35};
        case ViewOrientation::Sagittal:
            return {0.95, 0.85, 0.25};
    }
    return {1, 1, 1};
}

SliceViewport::SliceViewport(ViewOrientation orientation)
    : orientation_(orientation),
      renderer_(vtkSmartPointer<vtkRenderer>::New()),
      image_(vtkSmartPointer<vtkImageData>::New()),
      imageActor_(vtkSmartPointer<vtkImageActor>::New()),
      crosshair_(vtkSmartPointer<vtkPolyData>::New()),
      measureLines_(vtkSmartPointer<vtkPolyData>::New()),
      scaleBar_(vtkSmartPointer<vtkPolyData>::New()),
      frame_(vtkSmartPointer<vtkPolyData>::New()) {
    renderer_->SetBackground(0.0, 0.0, 0.0);
    renderer_->SetInteractive(false);

    imageActor_->GetMapper()->SetInputData(image_);
    imageActor_->InterpolateOn();
    imageActor_->SetPickable(false);
    imageActor_->VisibilityOff();
    renderer_->AddViewProp(imageActor_);

    crosshairActor_ = lineActor(crosshair_, 1.0);
    renderer_->AddViewProp(crosshairActor_);
    measureActor_ = lineActor(measureLines_, 2.0);
    renderer_->AddViewProp(measureActor_);

    const int justify[4][2] = {{VTK_TEXT_LEFT, VTK_TEXT_CENTERED},
                               {VTK_TEXT_RIGHT, VTK_TEXT_CENTERED},
                               {VTK_TEXT_CENTERED, VTK_TEXT_TOP},
                               {VTK_TEXT_CENTERED, VTK_TEXT_BOTTOM}};
    const double where[4][2] = {{0.012, 0.5}, {0.988, 0.5}, {0.5, 0.985}, {0.5, 0.012}};
    for (int i = 0; i < 4; ++i) {
        edgeLabels_[i] = makeText(16, 1.0, 0.85, 0.3);
        edgeLabels_[i]->GetTextProperty()->SetBold(1);
        placeNormalized(edgeLabels_[i], where[i][0], where[i][1], justify[i][0], justify[i][1]);
        renderer_->AddViewProp(edgeLabels_[i]);
    }
    const int cornerJustify[4][2] = {{VTK_TEXT_LEFT, VTK_TEXT_TOP},
                                     {VTK_TEXT_RIGHT, VTK_TEXT_TOP},
                                     {VTK_TEXT_LEFT, VTK_TEXT_BOTTOM},
                                     {VTK_TEXT_RIGHT, VTK_TEXT_BOTTOM}};
    const double corner[4][2] = {{0.01, 0.99}, {0.99, 0.99}, {0.01, 0.01}, {0.99, 0.01}};
    for (int i = 0; i < 4; ++i) {
        cornerLabels_[i] = makeText(12, 0.9, 0.9, 0.9);
        placeNormalized(cornerLabels_[i], corner[i][0], corner[i][1], cornerJustify[i][0],
                        cornerJustify[i][1]);
        renderer_->AddViewProp(cornerLabels_[i]);
    }

    scaleBarActor_ = lineActor2D(scaleBar_, 1.0);
    renderer_->AddViewProp(scaleBarActor_);
    scaleBarLabel_ = makeText(11, 0.9, 0.9, 0.9);
    scaleBarLabel_->GetTextProperty()->SetJustificationToCentered();
    scaleBarLabel_->GetTextProperty()->SetVerticalJustificationToBottom();
    scaleBarLabel_->GetPositionCoordinate()->SetCoordinateSystemToViewport();
    renderer_->AddViewProp(scaleBarLabel_);

    frameActor_ = lineActor2D(frame_, 2.0);
    renderer_->AddViewProp(frameActor_);

    message_ = makeText(15, 0.75, 0.75, 0.75);
    placeNormalized(message_, 0.5, 0.5, VTK_TEXT_CENTERED, VTK_TEXT_CENTERED);
    message_->VisibilityOff();
    renderer_->AddViewProp(message_);
}

SliceViewport::~SliceViewport() = default;

vtkRenderer* SliceViewport::renderer() const {
    return renderer_;
}

void SliceViewport::setRect(const ViewportRect& rect, int windowWidth, int windowHeight) {
    rect_ = rect;
    const double w = std::max(1, windowWidth), h = std::max(1, windowHeight);
    if (!visible()) {
        renderer_->DrawOff();
        renderer_->SetViewport(0, 0, 0, 0);
        return;
    }
    renderer_->DrawOn();
    renderer_->SetViewport(rect.x / w, 1.0 - (rect.y + rect.height) / h, (rect.x + rect.width) / w,
                           1.0 - rect.y / h);
    // Smaller text in small views.
    const bool small = rect.width < 420 || rect.height < 300;
    for (auto& t : cornerLabels_) t->GetTextProperty()->SetFontSize(small ? 10 : 12);
    for (auto& t : edgeLabels_) t->GetTextProperty()->SetFontSize(small ? 13 : 16);
    camera_.setViewport(rect.width, rect.height);
    updateFrame();
}

void SliceViewport::setImage(const RgbaImage& image, double spacingX, double spacingY) {
    int dims[3];
    image_->GetDimensions(dims);
    if (dims[0] != image.width || dims[1] != image.height ||
        !image_->GetPointData()->GetScalars()) {
        image_->SetDimensions(image.width, image.height, 1);
        image_->AllocateScalars(VTK_UNSIGNED_CHAR, 4);
    }
    image_->SetSpacing(spacingX, spacingY, 1.0);
    image_->SetOrigin(0.0, 0.0, 0.0);
    auto* scalars = vtkUnsignedCharArray::SafeDownCast(image_->GetPointData()->GetScalars());
    std::memcpy(scalars->GetPointer(0), image.pixels.data(), image.pixels.size());
    scalars->Modified();
    image_->Modified();
    imageActor_->SetDisplayExtent(0, image.width - 1, 0, image.height - 1, 0, 0);
    imageActor_->VisibilityOn();
    hasImage_ = true;
}

void SliceViewport::clearImage() {
    // A transparent 2x2 image stays on, so that the first empty frames already compile
    // the image shaders (software GL takes ~0.1 s for them) before a series arrives.
    RgbaImage blank;
    blank.width = blank.height = 2;
    blank.pixels.assign(16, 0);
    setImage(blank, 1.0, 1.0);
    hasImage_ = false;
}

void SliceViewport::setCrosshair(double u, double v, const std::vector<CrosshairLine>& lines,
                                 double extent, bool visible) {
    LineBuilder b;
    if (!hasImage_) {
        // No series yet: one line far outside the view, drawn so its shaders get compiled.
        const double black[3] = {0, 0, 0};
        b.polyline({{-1e6, -1e6, kCrosshairZ}, {-1e6 + 1, -1e6, kCrosshairZ}}, black);
        b.into(crosshair_);
        crosshairActor_->VisibilityOn();
        return;
    }
    if (visible)
        for (const CrosshairLine& l : lines) {
            const double du = l.direction[0] * extent, dv = l.direction[1] * extent;
            b.polyline({{u - du, v - dv, kCrosshairZ}, {u + du, v + dv, kCrosshairZ}},
                       l.color.data());
        }
    b.into(crosshair_);
    crosshairActor_->SetVisibility(visible && !lines.empty());
}

void SliceViewport::setMeasurements(const std::vector<MeasurementGraphic>& graphics) {
    LineBuilder b;
    std::size_t labels = 0;
    for (const MeasurementGraphic& g : graphics) {
        std::vector<std::array<double, 3>> pts;
        for (const auto& p : g.points) pts.push_back({p[0], p[1], kMeasureZ});
        if (pts.size() == 1) pts.push_back(pts.front());
        b.polyline(pts, g.pending ? kPendingColor : kMeasureColor, g.closed);
        if (g.label.empty()) continue;
        if (labels == measureLabels_.size()) {
            measureLabels_.push_back(makeText(13, 1.0, 0.9, 0.5));
            measureLabels_.back()->GetPositionCoordinate()->SetCoordinateSystemToWorld();
            measureLabels_.back()->GetTextProperty()->SetVerticalJustificationToBottom();
            renderer_->AddViewProp(measureLabels_.back());
        }
        vtkTextActor* t = measureLabels_[labels++];
        t->SetInput(g.label.c_str());
        t->GetPositionCoordinate()->SetValue(g.labelAt[0], g.labelAt[1], kMeasureZ);
        t->VisibilityOn();
    }
    for (std::size_t i = labels; i < measureLabels_.size(); ++i) measureLabels_[i]->VisibilityOff();
    b.into(measureLines_);
    measureActor_->SetVisibility(!graphics.empty());
}

void SliceViewport::setOrientationLabels(const EdgeLabels& labels, bool visible) {
    const std::string* text[4] = {&labels.left, &labels.right, &labels.top, &labels.bottom};
    for (int i = 0; i < 4; ++i) {
        edgeLabels_[i]->SetInput(text[i]->c_str());
        edgeLabels_[i]->SetVisibility(visible && !text[i]->empty());
    }
}

void SliceViewport::setCornerText(const CornerText& text, bool visible) {
    const std::string* t[4] = {&text.topLeft, &text.topRight, &text.bottomLeft, &text.bottomRight};
    // Each corner gets a bit less than half the width (about 0.6 em per character),
    // minus the room of the edge label in the middle.
    const int fontSize = cornerLabels_[0]->GetTextProperty()->GetFontSize();
    const auto maxChars =
        static_cast<std::size_t>(std::max(6.0, (rect_.width / 2.0 - 8.0) / (0.55 * fontSize)));
    for (int i = 0; i < 4; ++i) {
        cornerLabels_[i]->SetInput(elideLines(*t[i], maxChars).c_str());
        cornerLabels_[i]->SetVisibility(visible && !t[i]->empty());
    }
}

void SliceViewport::setActive(bool active) {
    if (active == active_) return;
    active_ = active;
    updateFrame();
}

void SliceViewport::setMessage(const std::string& message) {
    message_->SetInput(message.c_str());
    message_->SetVisibility(!message.empty());
}

void SliceViewport::applyCamera() {
    vtkCamera* cam = renderer_->GetActiveCamera();
    const auto c = camera_.center();
    cam->ParallelProjectionOn();
    cam->SetFocalPoint(c[0], c[1], 0.0);
    cam->SetPosition(c[0], c[1], -kCameraDistance);
    cam->SetViewUp(0.0, -1.0, 0.0);
    cam->SetParallelScale(std::max(1, rect_.height) / 2.0 / camera_.pixelsPerMm());
    cam->SetClippingRange(1.0, 2.0 * kCameraDistance);
    updateScaleBar();
}

void SliceViewport::updateScaleBar() {
    LineBuilder b;
    const ScaleBar bar = scaleBarVisible_ && hasImage_
                             ? scaleBar(camera_.pixelsPerMm(), 0.25 * rect_.width)
                             : ScaleBar{};
    if (bar.lengthMm > 0.0) {
        const double cx = rect_.width / 2.0, y = 30.0, half = bar.lengthPixels / 2.0;
        const double white[3] = {0.9, 0.9, 0.9};
        b.polyline(
            {{cx - half, y + 5, 0}, {cx - half, y, 0}, {cx + half, y, 0}, {cx + half, y + 5, 0}},
            white);
        scaleBarLabel_->SetInput(bar.label.c_str());
        scaleBarLabel_->GetPositionCoordinate()->SetValue(cx, y + 3);
        scaleBarLabel_->VisibilityOn();
    } else {
        scaleBarLabel_->VisibilityOff();
    }
    b.into(scaleBar_);
}

void SliceViewport::updateFrame() {
    LineBuilder b;
    const double w = rect_.width, h = rect_.height;
    const auto c = orientationColor(orientation_);
    const double grey[3] = {0.25, 0.25, 0.25};
    b.polyline({{1, 1, 0}, {w - 1, 1, 0}, {w - 1, h - 1, 0}, {1, h - 1, 0}},
               active_ ? c.data() : grey, true);
    b.into(frame_);
}

}  // namespace stratum::app

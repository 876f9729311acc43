#include "stratum/app/view3d/AnnotationPanel.h"

#include <QButtonGroup>
#include <QColorDialog>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

#include "stratum/app/MessageLog.h"
#include "stratum/app/Workspace.h"
#include "stratum/app/view3d/Scene3D.h"

namespace stratum::app {

namespace {

QString describe(const AnnotationStore& store, const Annotation& a) {
    if (const auto v = store.value(a.id))
        return a.kind == AnnotationKind::Distance ? QString("%1 mm").arg(*v, 0, 'f', 1)
                                                  : QString("%1\u00b0").arg(*v, 0, 'f', 1);
    if (a.hasPoint()) {
        // Patient position with R/L, A/P, I/S letters (LPS: +x left, +y posterior, +z superior).
        const auto part = [](double v, char neg, char pos) {
            return QString("%1 %2").arg(v < 0 ? neg : pos).arg(std::abs(v), 0, 'f', 1);
        };
        QString s = part(a.point[0], 'R', 'L') + "  " + part(a.point[1], 'A', 'P') + "  " +
                    part(a.point[2], 'I', 'S');
        if (a.kind == AnnotationKind::Note) s = QString::fromStdString(a.text) + "  (" + s + ")";
        return s;
    }
    return {};
}

}  // namespace

AnnotationPanel::AnnotationPanel(const AppContext& context, QWidget* parent)
    : QWidget(parent), context_(context), scene_(Scene3D::of(context.workspace)) {
    setObjectName("annotationPanel");
    // Inside a scroll area: the dock must not widen the right dock area (the views keep
    // their room).
    auto* inner = new QWidget;
    auto* box = new QVBoxLayout(inner);
    auto* scroll = new QScrollArea;
    scroll->setWidget(inner);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    auto* modeRow = new QHBoxLayout;
    modes_ = new QButtonGroup(this);
    const std::pair<PickMode, QString> modes[] = {{PickMode::None, "Rotate"},
                                                  {PickMode::Landmark, "Landmark"},
                                                  {PickMode::Note, "Note"},
                                                  {PickMode::Distance, "Distance"},
                                                  {PickMode::Angle, "Angle"}};
    for (const auto& [mode, text] : modes) {
        auto* b = new QPushButton(text);
        b->setCheckable(true);
        b->setObjectName(QString("pick-%1").arg(text.toLower()));
        b->setToolTip(
            mode == PickMode::None
                ? "A click on a surface moves the linked cursor there"
                : QString("A click on a surface in the 3D view places a %1").arg(text.toLower()));
        b->setChecked(mode == scene_->pickMode());
        modes_->addButton(b, static_cast<int>(mode));
        modeRow->addWidget(b);
    }
    box->addLayout(modeRow);
    auto* noteRow = new QHBoxLayout;
    noteRow->addWidget(new QLabel("Note text"));
    noteText_ = new QLineEdit(scene_->noteText());
    noteText_->setObjectName("noteText");
    noteRow->addWidget(noteText_, 1);
    box->addLayout(noteRow);

    table_ = new QTableWidget(0, 3);
    table_->setObjectName("annotations3D");
    table_->setHorizontalHeaderLabels({"Name", "Kind", "Value / position (mm)"});
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    box->addWidget(table_, 1);

    auto* row = new QHBoxLayout;
    const auto add = [&](const QString& name, const QString& text, auto slot) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        connect(b, &QPushButton::clicked, this, slot);
        row->addWidget(b);
        return b;
    };
    add("measureDistance", "Distance", [this] { measureSelected(false); });
    add("measureAngle", "Angle", [this] { measureSelected(true); });
    add("annotationColor", "Colour...", [this] {
        const auto ids = selectedIds();
        if (ids.empty()) return;
        const Annotation* a = scene_->annotations().find(ids.front());
        const QColor c = QColorDialog::getColor(QColor(a->color.r, a->color.g, a->color.b), this);
        if (!c.isValid()) return;
        Annotation changed = *a;
        changed.color = {static_cast<std::uint8_t>(c.red()), static_cast<std::uint8_t>(c.green()),
                         static_cast<std::uint8_t>(c.blue())};
        scene_->editAnnotation(changed);
    });
    add("goToAnnotation", "Go to", [this] { goToSelected(); });
    add("deleteAnnotation", "Delete", [this] { deleteSelected(); });
    box->addLayout(row);
    auto* fileRow = new QHBoxLayout;
    auto* save = new QPushButton("Save as...");
    save->setObjectName("saveAnnotations");
    auto* load = new QPushButton("Load...");
    load->setObjectName("loadAnnotations");
    fileRow->addWidget(save);
    fileRow->addWidget(load);
    fileRow->addStretch(1);
    box->addLayout(fileRow);

    connect(modes_, &QButtonGroup::idClicked, this,
            [this](int id) { scene_->setPickMode(static_cast<PickMode>(id)); });
    connect(scene_, &Scene3D::pickModeChanged, this, [this](PickMode m) {
        if (QAbstractButton* b = modes_->button(static_cast<int>(m))) b->setChecked(true);
    });
    connect(noteText_, &QLineEdit::textChanged, scene_, &Scene3D::setNoteText);
    connect(scene_, &Scene3D::annotationsChanged, this, &AnnotationPanel::refresh);
    connect(table_, &QTableWidget::cellChanged, this, [this](int r, int c) {
        if (updating_ || c != 0) return;
        const int id = table_->item(r, 0)->data(Qt::UserRole).toInt();
        const Annotation* a = scene_->annotations().find(id);
        const QString name = table_->item(r, 0)->text().trimmed();
        if (!a || name.isEmpty()) return refresh();
        Annotation renamed = *a;
        renamed.name = name.toStdString();
        scene_->editAnnotation(renamed);
    });
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int, int c) {
        if (c != 0) goToSelected();
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, "Save the annotations",
                                                       "annotations.json", "JSON (*.json)");
        if (f.isEmpty()) return;
        try {
            writeView3DFile(scene_->snapshot(), f.toStdString());
            context_.log->info(QString("Saved the annotations to %1").arg(f));
        } catch (const std::exception& e) {
            QMessageBox::warning(this, "Save annotations", QString::fromUtf8(e.what()));
        }
    });
    connect(load, &QPushButton::clicked, this, [this] {
        const QString f =
            QFileDialog::getOpenFileName(this, "Load annotations", {}, "JSON (*.json)");
        if (f.isEmpty()) return;
        try {
            scene_->restore(readView3DFile(f.toStdString()));
        } catch (const std::exception& e) {
            QMessageBox::warning(this, "Load annotations", QString::fromUtf8(e.what()));
        }
    });
    refresh();
}

std::vector<int> AnnotationPanel::selectedIds() const {
    std::vector<int> ids;
    for (const QModelIndex& i : table_->selectionModel()->selectedRows())
        ids.push_back(table_->item(i.row(), 0)->data(Qt::UserRole).toInt());
    return ids;
}

void AnnotationPanel::refresh() {
    updating_ = true;
    const AnnotationStore& store = scene_->annotations();
    table_->setRowCount(static_cast<int>(store.all().size()));
    int r = 0;
    for (const Annotation& a : store.all()) {
        auto* name = new QTableWidgetItem(QString::fromStdString(a.name));
        name->setData(Qt::UserRole, a.id);
        QPixmap swatch(10, 10);
        swatch.fill(QColor(a.color.r, a.color.g, a.color.b));
        name->setIcon(QIcon(swatch));
        table_->setItem(r, 0, name);
        auto* kind = new QTableWidgetItem(annotationKindName(a.kind));
        kind->setFlags(kind->flags() & ~Qt::ItemIsEditable);
        table_->setItem(r, 1, kind);
        auto* value = new QTableWidgetItem(describe(store, a));
        value->setFlags(value->flags() & ~Qt::ItemIsEditable);
        table_->setItem(r, 2, value);
        ++r;
    }
    updating_ = false;
}

void AnnotationPanel::measureSelected(bool angle) {
    std::vector<int> ids;
    for (int id : selectedIds())
        if (const Annotation* a = scene_->annotations().find(id);
            a && a->kind == AnnotationKind::Landmark)
            ids.push_back(id);
    const std::size_t need = angle ? 3 : 2;
    if (ids.size() != need) {
        QMessageBox::information(
            this, angle ? "Angle" : "Distance",
            angle ? "Select three landmarks (the vertex second)." : "Select two landmarks.");
        return;
    }
    Annotation m;
    m.kind = angle ? AnnotationKind::Angle : AnnotationKind::Distance;
    m.landmarks = ids;
    m.color = angle ? Rgb{120, 255, 120} : Rgb{255, 160, 40};
    scene_->addAnnotation(std::move(m));
}

void AnnotationPanel::deleteSelected() {
    for (int id : selectedIds()) scene_->removeAnnotation(id);
}

void AnnotationPanel::goToSelected() {
    const auto ids = selectedIds();
    if (ids.empty()) return;
    const Annotation* a = scene_->annotations().find(ids.front());
    ViewerState* v = context_.workspace->currentViewer();
    if (!a || !v) return;
    const std::vector<core::Vec3> p = scene_->annotations().points(*a);
    if (p.empty()) return;
    v->setCursor(p[a->kind == AnnotationKind::Angle ? 1 : 0]);
    context_.workspace->notifyCursorChanged();
}

}  // namespace stratum::app

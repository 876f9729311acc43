#pragma once
// The segmentation panel: choose a segmentation package (ModelCatalog), run it on the
// current series through `stratum-ai segment` (SegmentationJob, in the background with
// progress and cancel); the label map becomes a label layer of the series, drawn in
// every view, and a table lists each label with its colour (the manifest's), a
// visibility box, its voxel count and volume in mL. Save Label Map... writes it (NIfTI,
// NRRD, MetaImage); Save as DICOM SEG... (for a series read from DICOM) writes it with
// io::writeDicomSeg on the grid of the source files, one segment per label found, named
// and coloured from the manifest; Surfaces in 3D hands the layer to the 3D view for
// meshing. Each series keeps its last result for the session.
#include <QMap>
#include <QSet>
#include <QTemporaryDir>
#include <QVector>
#include <QWidget>
#include <memory>

#include "stratum/app/AppContext.h"
#include "stratum/app/ai/ModelCatalog.h"
#include "stratum/app/model/LabelColorTable.h"
#include "stratum/core/Image.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace stratum::app {

class SegmentationPanel : public QWidget {
    Q_OBJECT
public:
    explicit SegmentationPanel(const AppContext& context, QWidget* parent = nullptr);
    ~SegmentationPanel() override;

    void refreshModels();
    bool selectModel(const QString& folder);
    QString selectedModel() const;

    // Segments the current series in the background.
    void segment();
    // Shows or hides one label of the current series' label map.
    void setLabelVisible(int label, bool visible);
    // Hands the label layer to the 3D view (surfaces per visible label, in the
    // background); false when the build has no 3D view or there is no result.
    bool showIn3D();
    // Writes the current series' label map (io::writeImage by extension).
    void saveLabelMap(const QString& path) const;
    // True when the current series has a label map and came from DICOM files.
    bool canSaveDicomSeg() const;
    // Writes the current series' label map as a DICOM SEG in the background (the
    // source series: the folder of its DICOM files); emits dicomSegWritten or failed.
    void saveDicomSeg(const QString& path);

    int labelLayer() const;  // the current series' label layer id, 0 when none
    QTableWidget* table() const noexcept { return table_; }
    QLabel* message() const noexcept { return message_; }

    // Table columns.
    enum Column { ColourColumn, VisibleColumn, NameColumn, VoxelsColumn, VolumeColumn };

Q_SIGNALS:
    void segmented(int seriesId);
    void failed(const QString& message);
    void dicomSegWritten(const QString& path);

protected:
    void showEvent(QShowEvent* event) override;  // lists packages trained meanwhile

private:
    struct Result {
        core::Image labels;  // as the CLI wrote it
        QStringList names;
        LabelColorTable colours;
        std::vector<std::uint64_t> voxels;
        double voxelMl = 0.0;
        QSet<int> hidden;
        int layerId = 0;
        QString modelName, modelVersion;  // the algorithm, in a DICOM SEG
    };
    void showCurrent();
    void rebuildLayer(int seriesId);

    AppContext context_;
    QVector<ModelPackage> packages_;
    QMap<int, Result> results_;
    std::unique_ptr<QTemporaryDir> work_;
    int runs_ = 0;
    bool running_ = false;
    bool filling_ = false;

    QComboBox* models_;
    QPushButton* run_;
    QPushButton* save_;
    QPushButton* saveSeg_;
    QPushButton* to3D_;
    QLabel* message_;
    QTableWidget* table_;
};

}  // namespace stratum::app

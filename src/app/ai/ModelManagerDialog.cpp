#include "stratum/app/ai/ModelManagerDialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace stratum::app {
namespace {

QString esc(const QString& s) {
    return s.toHtmlEscaped();
}

QString row(const QString& key, const QString& value) {
    return QString("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(esc(key), value);
}

QString number(const QJsonValue& v, int digits = 4) {
    return v.isDouble() ? QString::number(v.toDouble(), 'f', digits) : QString("-");
}

QString trainingHtml(const QJsonObject& t) {
    if (t.isEmpty()) return "<p>No training summary in the manifest.</p>";
    QString html = "<table>";
    html += row("Data", esc(t.value("data").toString()));
    const QJsonObject images = t.value("images").toObject();
    QStringList perClass;
    for (auto it = images.begin(); it != images.end(); ++it) {
        const QJsonObject split = it.value().toObject();
        perClass << QString("%1: %2 train, %3 validation")
                        .arg(esc(it.key()), QString::number(split.value("train").toInt()),
                             QString::number(split.value("validation").toInt()));
    }
    if (!perClass.isEmpty()) html += row("Images", perClass.join("<br>"));
    const QJsonObject split = t.value("split").toObject();
    if (!split.isEmpty()) html += row("Split", esc(split.value("method").toString()));
    html += row("Architecture", esc(t.value("architecture").toString()));
    html += row("Epochs", QString("%1 of %2 (best %3)")
                              .arg(t.value("epochs_run").toInt())
                              .arg(t.value("epochs_max").toInt())
                              .arg(t.value("best_epoch").toInt()));
    html += row("Optimiser",
                QString("%1, lr %2, batch %3")
                    .arg(esc(t.value("optimizer").toString()), number(t.value("learning_rate"), 5))
                    .arg(t.value("batch_size").toInt()));
    return html + "</table>";
}

QString validationHtml(const QJsonObject& v, const QStringList& labels) {
    if (v.isEmpty()) return "<p>No validation figures in the manifest.</p>";
    QString html = "<table>";
    html += row("Images", QString::number(v.value("count").toInt()));
    for (const char* key : {"accuracy", "precision", "recall", "specificity", "f1", "roc_auc",
                            "log_loss", "expected_calibration_error"})
        if (v.contains(key)) html += row(key, number(v.value(key)));
    html += "</table>";
    const QJsonArray cm = v.value("confusion_matrix").toArray();
    if (!cm.isEmpty()) {
        html +=
            "<p>Confusion matrix (rows: true, columns: predicted)</p><table border=1 "
            "cellpadding=3><tr><td></td>";
        for (const QString& l : labels) html += "<td><b>" + esc(l) + "</b></td>";
        html += "</tr>";
        for (int r = 0; r < cm.size(); ++r) {
            html += "<tr><td><b>" + esc(r < labels.size() ? labels[r] : QString::number(r)) +
                    "</b></td>";
            for (const QJsonValue& c : cm[r].toArray())
                html += "<td>" + QString::number(c.toInteger()) + "</td>";
            html += "</tr>";
        }
        html += "</table>";
    }
    return html;
}

}  // namespace

ModelManagerDialog::ModelManagerDialog(QWidget* parent)
    : QDialog(parent), list_(new QListWidget), details_(new QTextBrowser) {
    setWindowTitle("Model Manager");
    setObjectName("modelManager");
    list_->setObjectName("modelList");
    details_->setObjectName("modelDetails");
    auto* splitter = new QSplitter;
    splitter->addWidget(list_);
    splitter->addWidget(details_);
    splitter->setStretchFactor(1, 3);
    auto* add = new QPushButton("Add Folder...");
    add->setObjectName("addModelFolder");
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(add, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
    layout->addWidget(buttons);
    resize(900, 600);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(add, &QPushButton::clicked, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(this, "Folder with model packages");
        if (!folder.isEmpty()) addFolder(folder);
    });
    connect(list_, &QListWidget::currentRowChanged, this, [this] { showCurrent(); });
    refresh();
}

void ModelManagerDialog::refresh() {
    const QString selected = list_->currentRow() >= 0 && list_->currentRow() < packages_.size()
                                 ? packages_[list_->currentRow()].folder
                                 : QString();
    packages_ = ModelCatalog::all();
    list_->clear();
    for (const ModelPackage& p : packages_) {
        auto* item =
            new QListWidgetItem(p.title() + (p.valid() ? "  [" + p.task + "]" : QString()));
        item->setToolTip(p.folder);
        list_->addItem(item);
    }
    if (!select(selected) && !packages_.isEmpty()) list_->setCurrentRow(0);
    showCurrent();
    Q_EMIT packagesChanged();
}

void ModelManagerDialog::addFolder(const QString& folder) {
    ModelCatalog::addUserFolder(folder);
    refresh();
}

bool ModelManagerDialog::select(const QString& folder) {
    if (folder.isEmpty()) return false;
    for (int i = 0; i < packages_.size(); ++i)
        if (packages_[i].folder == QDir(folder).absolutePath()) {
            list_->setCurrentRow(i);
            return true;
        }
    return false;
}

void ModelManagerDialog::showCurrent() {
    const int row = list_->currentRow();
    details_->setHtml(row >= 0 && row < packages_.size()
                          ? manifestHtml(packages_[row])
                          : QString("<p>No model packages found.</p>"));
}

QString ModelManagerDialog::manifestHtml(const ModelPackage& p) {
    if (!p.valid()) return "<p><b>Unusable package</b></p><p>" + esc(p.error) + "</p>";
    const QJsonObject& m = p.manifest;
    QString html = QString("<h2>%1</h2><p>%2</p><table>").arg(esc(p.title()), esc(p.description));
    html += row("Task", esc(p.task));
    html += row("Labels", esc(p.labels.join(", ")));
    const QJsonObject input = m.value("input").toObject();
    QStringList size;
    for (const QJsonValue& v : input.value("size").toArray()) size << QString::number(v.toInt());
    QStringList modalities;
    for (const QJsonValue& v : input.value("modalities").toArray()) modalities << v.toString();
    html += row(
        "Input",
        QString("%1 channel(s), %2 pixels%3")
            .arg(input.value("channels").toInt())
            .arg(size.join(" x "))
            .arg(modalities.isEmpty() ? QString() : ", modalities " + esc(modalities.join(", "))));
    html += row("Network", esc(p.architecture));
    html += row("Weights SHA-256", "<tt>" + esc(p.sha256) + "</tt>");
    html += row("Intended use", esc(p.intendedUse));
    html += row("License", esc(m.value("license").toString()));
    html += row("Folder", esc(p.folder));
    html += "</table>";
    html += "<h3>Training data</h3>" + trainingHtml(m.value("training").toObject());
    html += "<h3>Validation</h3>" + validationHtml(m.value("validation").toObject(), p.labels);
    if (!p.disclaimer.isEmpty()) html += "<p><i>" + esc(p.disclaimer) + "</i></p>";
    return html;
}

}  // namespace stratum::app

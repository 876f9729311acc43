#include "MeshInput.h"

#include <cctype>

#include "Paths.h"
#include "stratum/core/Error.h"

namespace stratum::jobs::detail {

io::ReadResult readMeshInput(const std::filesystem::path& in, double sliceSpacing,
                             const core::Task& task) {
    requireExists(in);
    io::ReadResult read;
    namingPath(in, [&] {
        if (sliceSpacing > 0.0 && std::filesystem::is_directory(in)) {
            std::vector<std::filesystem::path> files = io::listImageStack(in);
            if (files.empty()) throw core::InvalidArgument("no 2D images in the folder");
            read = io::readImageStack(std::move(files), sliceSpacing, task);
        } else {
            read = io::readImage(in, task);
        }
    });
    return read;
}

mesh::LabelTable readLabelTable(const std::filesystem::path& path) {
    if (path.empty()) return {};
    return mesh::LabelTable::readTsv(path);
}

void applyLabelTable(std::vector<mesh::SurfaceMesh>& meshes, const mesh::LabelTable& table) {
    for (mesh::SurfaceMesh& m : meshes) {
        if (!table.contains(m.label)) continue;
        m.name = table.name(m.label);
        m.color = table.color(m.label);
    }
}

std::string safeFileName(const std::string& name) {
    std::string out;
    for (unsigned char c : name) out += (std::isalnum(c) || c == '-' || c == '_') ? char(c) : '_';
    return out.empty() ? "surface" : out;
}

}  // namespace stratum::jobs::detail

#pragma once
// Writing and reading surface files. Meshes are held in LPS; the file gets LPS or RAS
// (x and y negated: a rotation, so the winding stays outward) as chosen, and records
// which one (STL header / solid name, OBJ and PLY comments, VTP field data
// "CoordinateSystem", glTF asset.extras). Writes are atomic (temp file + rename).
//
// Formats by extension:
//   .stl   binary (or ASCII with MeshWriteOptions::asciiStl); all meshes in one file
//          (ASCII: one solid per mesh)
//   .obj   one group per mesh, with a .mtl beside it holding one material per mesh colour
//   .ply   binary little endian; vertex colours from the mesh colours, a "label" property
//   .vtp   VTK XML poly data; point data "Normals", "Scalars", cell data "Label"; field
//          data "LabelNames" and "CoordinateSystem"
//   .gltf  glTF 2.0 with the buffer embedded as base64; .glb the binary container. One
//          mesh and material per surface. Positions are millimetres in the chosen system;
//          the root node scales by 0.001 and turns +z (superior) to glTF's +y up, so AR/VR
//          engines get metres upright; asset.extras records all of it.
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "stratum/core/Progress.h"
#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::mesh {

enum class CoordinateSystem { Lps, Ras };
const char* coordinateSystemName(CoordinateSystem c);  // "LPS" / "RAS"

enum class MeshFormat { Stl, Obj, Ply, Vtp, Gltf, Glb };
const char* meshFormatName(MeshFormat f);  // "STL", "OBJ", ...
// By extension (case-insensitive); throws core::InvalidArgument naming the path and the
// supported extensions.
MeshFormat meshFormatFromPath(const std::filesystem::path& path);
// The usual extension, with the dot: ".stl", ...
const char* meshFormatExtension(MeshFormat f);

struct MeshWriteOptions {
    CoordinateSystem coordinates = CoordinateSystem::Lps;
    bool asciiStl = false;
};

// Writes `meshes` to `path` (format by extension). Returns every file written (OBJ: the
// .obj and its .mtl). Throws core::InvalidArgument (no meshes, bad mesh, unknown
// extension), core::IoError naming the file, core::Cancelled.
std::vector<std::filesystem::path> writeMeshes(std::span<const SurfaceMesh> meshes,
                                               const std::filesystem::path& path,
                                               const MeshWriteOptions& options = {},
                                               const core::Task& task = {});

struct MeshFileContent {
    std::vector<SurfaceMesh> meshes;  // in LPS (converted back when the file says RAS)
    // What the file records ("LPS", "RAS"), or empty when it records nothing (then the
    // coordinates are taken as they are).
    std::string recordedCoordinates;
};

// Reads a file written by writeMeshes (or any STL/OBJ/PLY/VTP/glTF with triangles).
// STL: one mesh (duplicate points merged); VTP: one mesh per "Label" value; OBJ: one per
// group; glTF: one per mesh primitive. Throws core::IoError / core::FormatError naming the file.
MeshFileContent readMeshes(const std::filesystem::path& path);

// Converts positions and normals between LPS and RAS (the same operation both ways).
void convertLpsRas(SurfaceMesh& mesh);

}  // namespace stratum::mesh

#pragma once
// Writers and readers of the individual formats (internal; MeshExport.cpp dispatches).
// Writers receive meshes already in the file's coordinate system and write to `file`
// (the atomic temporary); `system` is "LPS" or "RAS" and is recorded in the file.
#include <filesystem>
#include <span>
#include <string>

#include "stratum/mesh/MeshExport.h"
#include "stratum/mesh/SurfaceMesh.h"

namespace stratum::mesh::detail {

// Writes the header line of recorded metadata shared by the text formats.
std::string coordinateNote(const std::string& system);
// Finds "coordinates=LPS" / "coordinates=RAS" in a text; empty when absent.
std::string findCoordinateNote(const std::string& text);

void writeStl(std::span<const SurfaceMesh> meshes, const std::filesystem::path& file,
              const std::string& system, bool ascii);
MeshFileContent readStl(const std::filesystem::path& file);

// `mtlName` is the material library's file name as the .obj refers to it.
void writeObj(std::span<const SurfaceMesh> meshes, const std::filesystem::path& objFile,
              const std::filesystem::path& mtlFile, const std::string& mtlName,
              const std::string& system);
MeshFileContent readObj(const std::filesystem::path& file);

void writePly(std::span<const SurfaceMesh> meshes, const std::filesystem::path& file,
              const std::string& system);
MeshFileContent readPly(const std::filesystem::path& file);

void writeVtp(std::span<const SurfaceMesh> meshes, const std::filesystem::path& file,
              const std::string& system);
MeshFileContent readVtp(const std::filesystem::path& file);

void writeGltf(std::span<const SurfaceMesh> meshes, const std::filesystem::path& file,
               const std::string& system, bool binary);
MeshFileContent readGltf(const std::filesystem::path& file);

}  // namespace stratum::mesh::detail

// glTF 2.0, written and read by our own code: .gltf (JSON with the buffer as a base64 data
// URI) or .glb (binary container). One mesh, material and node per surface under a root
// node that turns patient millimetres into glTF's metres with +y up and the patient facing +z.
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "Base64.h"
#include "MeshFormats.h"
#include "stratum/core/Error.h"

namespace stratum::mesh::detail {
namespace {

using nlohmann::json;

constexpr std::uint32_t kGlbMagic = 0x46546C67;  // "glTF"
constexpr std::uint32_t kChunkJson = 0x4E4F534A;
constexpr std::uint32_t kChunkBin = 0x004E4942;
constexpr int kFloat = 5126, kUInt32 = 5125, kUInt16 = 5123, kUInt8 = 5121;
constexpr int kArrayBuffer = 34962, kElementArrayBuffer = 34963;

// Root node matrix (column-major, as glTF stores it): metres, +y = superior, +z = anterior,
// +x = patient's left (glTF's +x is the asset's left when it faces +z).
std::array<double, 16> rootMatrix(const std::string& system) {
    const double s = 0.001;
    // Rows of the 3x3 rotation taking file coordinates to glTF axes.
    const double lps[9] = {1, 0, 0, 0, 0, 1, 0, -1, 0};  // (x,y,z) -> (x, z, -y)
    const double ras[9] = {-1, 0, 0, 0, 0, 1, 0, 1, 0};  // (x,y,z) -> (-x, z, y)
    const double* r = system == "RAS" ? ras : lps;
    std::array<double, 16> m{};
    for (int row = 0; row < 3; ++row)
        for (int col = 0; col < 3; ++col) m[col * 4 + row] = s * r[row * 3 + col];
    m[15] = 1.0;
    return m;
}

struct BufferBuilder {
    std::vector<std::uint8_t> bytes;
    json views = json::array();
    json accessors = json::array();

    int add(const void* data, std::size_t size, int target) {
        while (bytes.size() % 4) bytes.push_back(0);
        const std::size_t offset = bytes.size();
        bytes.insert(bytes.end(), static_cast<const std::uint8_t*>(data),
                     static_cast<const std::uint8_t*>(data) + size);
        views.push_back(
            {{"buffer", 0}, {"byteOffset", offset}, {"byteLength", size}, {"target", target}});
        return static_cast<int>(views.size()) - 1;
    }
    int accessor(int view, int componentType, std::size_t count, const char* type,
                 json extra = json::object()) {
        json a = {{"bufferView", view},
                  {"componentType", componentType},
                  {"count", count},
                  {"type", type}};
        a.update(extra);
        accessors.push_back(a);
        return static_cast<int>(accessors.size()) - 1;
    }
};

json gltfDocument(std::span<const SurfaceMesh> meshes, const std::string& system,
                  BufferBuilder& buffer) {
    json doc;
    doc["asset"] = {
        {"version", "2.0"},
        {"generator", "Stratum"},
        {"extras",
         {{"coordinateSystem", system},
          {"units", "mm"},
          {"note", coordinateNote(system) +
                       "; vertex positions are in this system; the root node scales to metres and "
                       "turns superior to +y and anterior to +z"}}}};
    json materials = json::array(), gltfMeshes = json::array(), nodes = json::array();
    json children = json::array();
    const std::array<double, 16> root = rootMatrix(system);
    nodes.push_back({{"name", std::string("patient (") + system + " mm)"},
                     {"matrix", std::vector<double>(root.begin(), root.end())}});
    for (std::size_t i = 0; i < meshes.size(); ++i) {
        const SurfaceMesh& m = meshes[i];
        const std::string name = m.name.empty() ? "mesh_" + std::to_string(i) : m.name;
        std::array<float, 3> lo{std::numeric_limits<float>::max(),
                                std::numeric_limits<float>::max(),
                                std::numeric_limits<float>::max()};
        std::array<float, 3> hi{-lo[0], -lo[1], -lo[2]};
        for (const Point3f& p : m.vertices)
            for (int d = 0; d < 3; ++d) {
                lo[d] = std::min(lo[d], p[d]);
                hi[d] = std::max(hi[d], p[d]);
            }
        json attributes;
        const int positions =
            buffer.add(m.vertices.data(), m.vertices.size() * sizeof(Point3f), kArrayBuffer);
        attributes["POSITION"] = buffer.accessor(positions, kFloat, m.vertices.size(), "VEC3",
                                                 {{"min", lo}, {"max", hi}});
        if (!m.normals.empty()) {
            const int normals =
                buffer.add(m.normals.data(), m.normals.size() * sizeof(Point3f), kArrayBuffer);
            attributes["NORMAL"] = buffer.accessor(normals, kFloat, m.normals.size(), "VEC3");
        }
        const int indices = buffer.add(m.triangles.data(), m.triangles.size() * sizeof(Triangle),
                                       kElementArrayBuffer);
        const int indexAccessor =
            buffer.accessor(indices, kUInt32, 3 * m.triangles.size(), "SCALAR");
        materials.push_back({{"name", name},
                             {"pbrMetallicRoughness",
                              {{"baseColorFactor", {m.color[0], m.color[1], m.color[2], 1.0}},
                               {"metallicFactor", 0.0},
                               {"roughnessFactor", 0.7}}}});
        gltfMeshes.push_back({{"name", name},
                              {"primitives",
                               {{{"attributes", attributes},
                                 {"indices", indexAccessor},
                                 {"material", static_cast<int>(i)},
                                 {"mode", 4}}}},
                              {"extras", {{"label", m.label}}}});
        nodes.push_back({{"name", name}, {"mesh", static_cast<int>(i)}});
        children.push_back(static_cast<int>(i) + 1);
    }
    nodes[0]["children"] = children;
    doc["scene"] = 0;
    doc["scenes"] = {{{"nodes", {0}}}};
    doc["nodes"] = nodes;
    doc["meshes"] = gltfMeshes;
    doc["materials"] = materials;
    doc["accessors"] = buffer.accessors;
    doc["bufferViews"] = buffer.views;
    return doc;
}

void putU32(std::ofstream& out, std::uint32_t v) {
    out.write(reinterpret_cast<const char*>(&v), 4);
}

std::uint32_t getU32(const std::vector<std::uint8_t>& bytes, std::size_t at) {
    std::uint32_t v;
    std::memcpy(&v, bytes.data() + at, 4);
    return v;
}

std::vector<std::uint8_t> readAll(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw core::IoError(file.string(), "cannot open the file");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Reads accessor `index` as `components` values per element into doubles.
std::vector<double> readAccessor(const json& doc,
                                 const std::vector<std::vector<std::uint8_t>>& buffers, int index,
                                 int components, const std::filesystem::path& file) {
    auto bad = [&](const std::string& what) {
        return core::FormatError(file.string(), "accessor " + std::to_string(index) + ": " + what);
    };
    const json& a = doc.at("accessors").at(index);
    const json& view = doc.at("bufferViews").at(a.at("bufferView").get<int>());
    const std::vector<std::uint8_t>& buffer = buffers.at(view.at("buffer").get<std::size_t>());
    const std::size_t count = a.at("count").get<std::size_t>();
    const int type = a.at("componentType").get<int>();
    const std::size_t size = type == kFloat || type == kUInt32 ? 4
                             : type == kUInt16                 ? 2
                             : type == kUInt8                  ? 1
                                                               : 0;
    if (!size) throw bad("unsupported component type " + std::to_string(type));
    if (count > buffer.size()) throw bad("more elements than bytes in its buffer");
    const std::size_t stride = view.value("byteStride", size * components);
    const std::size_t start =
        view.value("byteOffset", std::size_t{0}) + a.value("byteOffset", std::size_t{0});
    if (count && start + stride * (count - 1) + size * components > buffer.size())
        throw bad("runs past its buffer");
    std::vector<double> values(count * components);
    for (std::size_t e = 0; e < count; ++e)
        for (int c = 0; c < components; ++c) {
            const std::uint8_t* p = buffer.data() + start + e * stride + c * size;
            double v = 0;
            if (type == kFloat) {
                float f;
                std::memcpy(&f, p, 4);
                v = f;
            } else if (type == kUInt32) {
                std::uint32_t u;
                std::memcpy(&u, p, 4);
                v = u;
            } else if (type == kUInt16) {
                std::uint16_t u;
                std::memcpy(&u, p, 2);
                v = u;
            } else
                v = *p;
            values[e * components + c] = v;
        }
    return values;
}

}  // namespace

void writeGltf(std::span<const SurfaceMesh> meshes, const std::filesystem::path& file,
               const std::string& system, bool binary) {
    BufferBuilder buffer;
    json doc = gltfDocument(meshes, system, buffer);
    while (buffer.bytes.size() % 4) buffer.bytes.push_back(0);
    std::ofstream out(file, std::ios::binary);
    if (!out) throw core::IoError(file.string(), "cannot create the file");
    if (!binary) {
        doc["buffers"] = {{{"byteLength", buffer.bytes.size()},
                           {"uri", "data:application/octet-stream;base64," +
                                       base64Encode(buffer.bytes.data(), buffer.bytes.size())}}};
        out << doc.dump(1);
    } else {
        doc["buffers"] = {{{"byteLength", buffer.bytes.size()}}};
        std::string text = doc.dump();
        while (text.size() % 4) text += ' ';
        const std::size_t total = 12 + 8 + text.size() + 8 + buffer.bytes.size();
        if (total > 0xffffffffu)
            throw core::InvalidArgument(file.string() + ": too large for a GLB file");
        putU32(out, kGlbMagic);
        putU32(out, 2);
        putU32(out, static_cast<std::uint32_t>(total));
        putU32(out, static_cast<std::uint32_t>(text.size()));
        putU32(out, kChunkJson);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        putU32(out, static_cast<std::uint32_t>(buffer.bytes.size()));
        putU32(out, kChunkBin);
        out.write(reinterpret_cast<const char*>(buffer.bytes.data()),
                  static_cast<std::streamsize>(buffer.bytes.size()));
    }
    out.flush();
    if (!out) throw core::IoError(file.string(), "write failed (disk full?)");
}

MeshFileContent readGltf(const std::filesystem::path& file) {
    const std::vector<std::uint8_t> bytes = readAll(file);
    json doc;
    std::vector<std::uint8_t> binChunk;
    try {
        if (bytes.size() >= 12 && getU32(bytes, 0) == kGlbMagic) {
            std::size_t at = 12;
            while (at + 8 <= bytes.size()) {
                const std::uint32_t length = getU32(bytes, at), type = getU32(bytes, at + 4);
                if (at + 8 + length > bytes.size())
                    throw core::FormatError(file.string(), "truncated GLB chunk");
                const auto* begin = bytes.data() + at + 8;
                if (type == kChunkJson)
                    doc = json::parse(begin, begin + length);
                else if (type == kChunkBin)
                    binChunk.assign(begin, begin + length);
                at += 8 + length;
            }
            if (doc.is_null()) throw core::FormatError(file.string(), "GLB without a JSON chunk");
        } else {
            doc = json::parse(bytes.begin(), bytes.end());
        }
    } catch (const json::exception& e) {
        throw core::FormatError(file.string(), std::string("not valid glTF JSON: ") + e.what());
    }

    MeshFileContent content;
    try {
        if (doc.contains("asset") && doc["asset"].contains("extras"))
            content.recordedCoordinates = doc["asset"]["extras"].value("coordinateSystem", "");
        std::vector<std::vector<std::uint8_t>> buffers;
        for (const json& b : doc.value("buffers", json::array())) {
            if (!b.contains("uri")) {
                buffers.push_back(binChunk);
                continue;
            }
            const std::string uri = b["uri"].get<std::string>();
            const auto comma = uri.find(";base64,");
            if (uri.rfind("data:", 0) == 0 && comma != std::string::npos) {
                auto decoded = base64Decode(std::string_view(uri).substr(comma + 8));
                if (!decoded) throw core::FormatError(file.string(), "bad base64 buffer");
                buffers.push_back(std::move(*decoded));
            } else {
                buffers.push_back(readAll(file.parent_path() / uri));
            }
        }
        const json materials = doc.value("materials", json::array());
        for (const json& gm : doc.value("meshes", json::array())) {
            for (const json& primitive : gm.at("primitives")) {
                if (primitive.value("mode", 4) != 4) continue;  // triangles only
                SurfaceMesh m;
                m.name = gm.value("name", "");
                if (gm.contains("extras")) m.label = gm["extras"].value("label", 0);
                const json& attributes = primitive.at("attributes");
                const std::vector<double> p =
                    readAccessor(doc, buffers, attributes.at("POSITION").get<int>(), 3, file);
                m.vertices.resize(p.size() / 3);
                for (std::size_t v = 0; v < m.vertices.size(); ++v)
                    m.vertices[v] = {float(p[3 * v]), float(p[3 * v + 1]), float(p[3 * v + 2])};
                if (attributes.contains("NORMAL")) {
                    const std::vector<double> n =
                        readAccessor(doc, buffers, attributes["NORMAL"].get<int>(), 3, file);
                    if (n.size() == p.size()) {
                        m.normals.resize(m.vertices.size());
                        for (std::size_t v = 0; v < m.normals.size(); ++v)
                            m.normals[v] = {float(n[3 * v]), float(n[3 * v + 1]),
                                            float(n[3 * v + 2])};
                    }
                }
                std::vector<double> index;
                if (primitive.contains("indices"))
                    index = readAccessor(doc, buffers, primitive["indices"].get<int>(), 1, file);
                else
                    for (std::size_t v = 0; v < m.vertices.size(); ++v) index.push_back(double(v));
                for (std::size_t t = 0; t + 2 < index.size(); t += 3) {
                    const Triangle tri{std::uint32_t(index[t]), std::uint32_t(index[t + 1]),
                                       std::uint32_t(index[t + 2])};
                    for (std::uint32_t v : tri)
                        if (v >= m.vertices.size())
                            throw core::FormatError(file.string(), "index out of range");
                    m.triangles.push_back(tri);
                }
                if (primitive.contains("material")) {
                    const json& mat = materials.at(primitive["material"].get<int>());
                    if (mat.contains("pbrMetallicRoughness") &&
                        mat["pbrMetallicRoughness"].contains("baseColorFactor")) {
                        const json& c = mat["pbrMetallicRoughness"]["baseColorFactor"];
                        m.color = {c.at(0).get<float>(), c.at(1).get<float>(),
                                   c.at(2).get<float>()};
                    }
                }
                content.meshes.push_back(std::move(m));
            }
        }
    } catch (const json::exception& e) {
        throw core::FormatError(file.string(), std::string("malformed glTF: ") + e.what());
    } catch (const std::out_of_range& e) {
        throw core::FormatError(file.string(), std::string("malformed glTF: ") + e.what());
    }
    if (content.meshes.empty()) throw core::FormatError(file.string(), "no triangle meshes");
    return content;
}

}  // namespace stratum::mesh::detail

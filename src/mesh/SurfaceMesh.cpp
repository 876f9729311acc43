#include "stratum/mesh/SurfaceMesh.h"

#include "stratum/core/Error.h"

namespace stratum::mesh {

void SurfaceMesh::validate() const {
    const std::size_t n = vertices.size();
    const std::string who = name.empty() ? "mesh" : "mesh '" + name + "'";
    for (std::size_t t = 0; t < triangles.size(); ++t) {
        const Triangle& tri = triangles[t];
        for (std::uint32_t index : tri)
            if (index >= n)
                throw core::InvalidArgument(who + ": triangle " + std::to_string(t) +
                                            " uses vertex " + std::to_string(index) + " of " +
                                            std::to_string(n));
        if (tri[0] == tri[1] || tri[1] == tri[2] || tri[0] == tri[2])
            throw core::InvalidArgument(who + ": triangle " + std::to_string(t) +
                                        " repeats a vertex");
    }
    if (!normals.empty() && normals.size() != n)
        throw core::InvalidArgument(who + ": " + std::to_string(normals.size()) + " normals for " +
                                    std::to_string(n) + " vertices");
    if (!scalars.empty() && scalars.size() != n)
        throw core::InvalidArgument(who + ": " + std::to_string(scalars.size()) + " scalars for " +
                                    std::to_string(n) + " vertices");
}

}  // namespace stratum::mesh

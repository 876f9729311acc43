#include "EdgeCollapse.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <queue>
#include <vector>

#include "SurfaceDistance.h"

namespace stratum::mesh::detail {
namespace {

using Vec = std::array<double, 3>;

Vec sub(const Vec& a, const Vec& b) {
    return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
Vec crossV(const Vec& a, const Vec& b) {
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double dotV(const Vec& a, const Vec& b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
double lengthV(const Vec& a) {
    return std::sqrt(dotV(a, a));
}

// Symmetric 4x4 plane quadric: a^2 ab ac ad b^2 bc bd c^2 cd d^2.
struct Quadric {
    std::array<double, 10> q{};
    void addPlane(const Vec& n, double d, double weight) {
        const double p[4] = {n[0], n[1], n[2], d};
        int k = 0;
        for (int i = 0; i < 4; ++i)
            for (int j = i; j < 4; ++j) q[k++] += weight * p[i] * p[j];
    }
    void add(const Quadric& o) {
        for (int k = 0; k < 10; ++k) q[k] += o.q[k];
    }
    double at(const Vec& v) const {
        const double x = v[0], y = v[1], z = v[2];
        return q[0] * x * x + 2 * q[1] * x * y + 2 * q[2] * x * z + 2 * q[3] * x + q[4] * y * y +
               2 * q[5] * y * z + 2 * q[6] * y + q[7] * z * z + 2 * q[8] * z + q[9];
    }
};

struct Candidate {
    double cost;
    std::uint32_t vertex;
    std::uint32_t target;  // the cheapest neighbour when queued
    std::uint32_t stamp;
    bool operator>(const Candidate& o) const { return cost > o.cost; }
};

class Collapser {
public:
    Collapser(const SurfaceMesh& mesh, double maxError) : mesh_(mesh), maxError_(maxError) {
        const std::size_t n = mesh.vertices.size();
        pos_.resize(n);
        for (std::size_t v = 0; v < n; ++v)
            pos_[v] = {mesh.vertices[v][0], mesh.vertices[v][1], mesh.vertices[v][2]};
        tris_ = mesh.triangles;
        alive_.assign(tris_.size(), 1);
        aliveCount_ = tris_.size();
        vertexTris_.resize(n);
        for (std::uint32_t t = 0; t < tris_.size(); ++t)
            for (std::uint32_t v : tris_[t]) vertexTris_[v].push_back(t);
        quadric_.resize(n);
        for (const Triangle& t : tris_) {
            const Vec n3 = crossV(sub(pos_[t[1]], pos_[t[0]]), sub(pos_[t[2]], pos_[t[0]]));
            const double len = lengthV(n3);
            if (len <= 0) continue;
            const Vec unit{n3[0] / len, n3[1] / len, n3[2] / len};
            const double d = -dotV(unit, pos_[t[0]]);
            for (std::uint32_t v : t) quadric_[v].addPlane(unit, d, 0.5 * len);
        }
        locked_.assign(n, 0);
        lockBoundaries();
        error_.assign(n, 0.0);
        stamp_.assign(n, 0);
        dead_.assign(n, 0);
        bestTarget_.assign(n, UINT32_MAX);
        bestCost_.assign(n, std::numeric_limits<double>::max());
    }

    void run(std::size_t targetTriangles, const core::Task& task) {
        for (std::uint32_t v = 0; v < pos_.size(); ++v) push(v);
        std::size_t done = 0;
        const std::size_t start = aliveCount_;
        while (aliveCount_ > targetTriangles && !heap_.empty()) {
            const Candidate c = heap_.top();
            heap_.pop();
            if (dead_[c.vertex] || c.stamp != stamp_[c.vertex]) continue;
            tryCollapse(c.vertex, c.target);
            if (++done % 4096 == 0 && start > targetTriangles)
                task.progress(double(start - aliveCount_) / double(start - targetTriangles));
        }
    }

    SurfaceMesh result() const {
        SurfaceMesh out;
        out.label = mesh_.label;
        out.name = mesh_.name;
        out.color = mesh_.color;
        std::vector<std::uint32_t> index(pos_.size(), UINT32_MAX);
        const bool scalars = !mesh_.scalars.empty();
        for (std::size_t t = 0; t < tris_.size(); ++t) {
            if (!alive_[t]) continue;
            Triangle tri = tris_[t];
            for (std::uint32_t& v : tri) {
                if (index[v] == UINT32_MAX) {
                    index[v] = static_cast<std::uint32_t>(out.vertices.size());
                    out.vertices.push_back(mesh_.vertices[v]);
                    if (scalars) out.scalars.push_back(mesh_.scalars[v]);
                }
                v = index[v];
            }
            out.triangles.push_back(tri);
        }
        return out;
    }

private:
    // Vertices on edges used by one triangle (boundary) or more than two (non-manifold) stay.
    void lockBoundaries() {
        std::vector<std::uint64_t> edges;
        edges.reserve(tris_.size() * 3);
        for (const Triangle& t : tris_)
            for (int e = 0; e < 3; ++e) {
                const std::uint64_t a = std::min(t[e], t[(e + 1) % 3]),
                                    b = std::max(t[e], t[(e + 1) % 3]);
                edges.push_back((a << 32) | b);
            }
        std::sort(edges.begin(), edges.end());
        for (std::size_t i = 0; i < edges.size();) {
            std::size_t j = i;
            while (j < edges.size() && edges[j] == edges[i]) ++j;
            if (j - i != 2) {
                locked_[edges[i] >> 32] = 1;
                locked_[edges[i] & 0xffffffffu] = 1;
            }
            i = j;
        }
    }

    // The distinct vertices sharing a triangle with u (a handful: linear de-duplication).
    void neighbours(std::uint32_t u, std::vector<std::uint32_t>& out) const {
        out.clear();
        for (std::uint32_t t : vertexTris_[u])
            for (std::uint32_t w : tris_[t])
                if (w != u && std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
    }

    double cost(std::uint32_t u, std::uint32_t v) const {
        Quadric q = quadric_[u];
        q.add(quadric_[v]);
        return std::max(0.0, q.at(pos_[v]));
    }

    // Queues u with its cheapest collapse (the target is found again when popped).
    void push(std::uint32_t u) {
        ++stamp_[u];
        if (locked_[u] || dead_[u] || vertexTris_[u].empty()) return;
        neighbours(u, scratch_);
        double best = std::numeric_limits<double>::max();
        std::uint32_t target = UINT32_MAX;
        for (std::uint32_t v : scratch_)
            if (const double c = cost(u, v); c < best) {
                best = c;
                target = v;
            }
        bestTarget_[u] = target;
        bestCost_[u] = best;
        if (target != UINT32_MAX) heap_.push({best, u, target, stamp_[u]});
    }

    // Tries u's neighbours in order of cost; collapses into the first that passes the checks.
    void tryCollapse(std::uint32_t u, std::uint32_t first) {
        neighbours(u, nu_);
        double distance = 0;
        if (valid(u, first, nu_, distance)) {
            collapse(u, first, distance);
            return;
        }
        order_.clear();
        for (std::uint32_t v : nu_)
            if (v != first) order_.push_back({cost(u, v), v});
        std::sort(order_.begin(), order_.end());
        for (const auto& [c, v] : order_)
            if (valid(u, v, nu_, distance)) {
                collapse(u, v, distance);
                return;
            }
    }

    bool valid(std::uint32_t u, std::uint32_t v, const std::vector<std::uint32_t>& nu,
               double& distance) {
        // Link condition: common neighbours are exactly the opposite vertices of uv's triangles.
        neighbours(v, nv_);
        std::uint32_t opposite[2];
        int found = 0;
        for (std::uint32_t t : vertexTris_[u]) {
            const Triangle& tri = tris_[t];
            if (tri[0] != v && tri[1] != v && tri[2] != v) continue;
            for (std::uint32_t w : tri)
                if (w != u && w != v) {
                    if (found == 2) return false;  // more than two triangles on the edge
                    opposite[found++] = w;
                }
        }
        if (found != 2 || opposite[0] == opposite[1]) return false;
        int common = 0;
        for (std::uint32_t w : nu)
            if (std::find(nv_.begin(), nv_.end(), w) != nv_.end()) {
                if (w != opposite[0] && w != opposite[1]) return false;
                ++common;
            }
        if (common != 2) return false;
        // A closed piece of four vertices (tetrahedron) cannot lose one.
        if (nu.size() <= 3 || nv_.size() <= 3) return false;

        // The surviving triangles of u, re-pointed to v: no flip, no sliver, no duplicate.
        double best = std::numeric_limits<double>::max();
        for (std::uint32_t t : vertexTris_[u]) {
            const Triangle& tri = tris_[t];
            if (tri[0] == v || tri[1] == v || tri[2] == v) continue;
            Triangle moved = tri;
            for (std::uint32_t& w : moved)
                if (w == u) w = v;
            const Vec before =
                crossV(sub(pos_[tri[1]], pos_[tri[0]]), sub(pos_[tri[2]], pos_[tri[0]]));
            const Vec after =
                crossV(sub(pos_[moved[1]], pos_[moved[0]]), sub(pos_[moved[2]], pos_[moved[0]]));
            const double la = lengthV(after), lb = lengthV(before);
            if (la <= 1e-12 * (lb + 1e-30) || la == 0.0) return false;
            if (dotV(before, after) < 0.2 * la * lb)
                return false;  // turned by more than ~78 degrees
            // Quality: no needle (smallest angle proxy: area against the longest edge squared).
            double longest = 0;
            for (int e = 0; e < 3; ++e)
                longest = std::max(longest, dotV(sub(pos_[moved[e]], pos_[moved[(e + 1) % 3]]),
                                                 sub(pos_[moved[e]], pos_[moved[(e + 1) % 3]])));
            if (la < 0.02 * longest) return false;
            // Duplicate of an existing triangle of v?
            for (std::uint32_t s : vertexTris_[v]) {
                const Triangle& other = tris_[s];
                int shared = 0;
                for (std::uint32_t a : other)
                    for (std::uint32_t b : moved) shared += a == b;
                if (shared == 3) return false;
            }
            const double a[3] = {pos_[moved[0]][0], pos_[moved[0]][1], pos_[moved[0]][2]};
            const double b[3] = {pos_[moved[1]][0], pos_[moved[1]][1], pos_[moved[1]][2]};
            const double c[3] = {pos_[moved[2]][0], pos_[moved[2]][1], pos_[moved[2]][2]};
            const double p[3] = {pos_[u][0], pos_[u][1], pos_[u][2]};
            best = std::min(best, pointTriangleDistance(p, a, b, c));
        }
        if (best == std::numeric_limits<double>::max()) return false;
        distance = best;
        return error_[u] + distance <= maxError_;
    }

    void collapse(std::uint32_t u, std::uint32_t v, double distance) {
        const double carried = error_[u] + distance;
        for (std::uint32_t t : vertexTris_[u]) {
            Triangle& tri = tris_[t];
            if (tri[0] == v || tri[1] == v || tri[2] == v) {
                alive_[t] = 0;
                --aliveCount_;
                for (std::uint32_t w : tri)
                    if (w != u) std::erase(vertexTris_[w], t);
            } else {
                for (std::uint32_t& w : tri)
                    if (w == u) w = v;
                vertexTris_[v].push_back(t);
                for (std::uint32_t w : tri) error_[w] = std::max(error_[w], carried);
            }
        }
        vertexTris_[u].clear();
        dead_[u] = 1;
        quadric_[v].add(quadric_[u]);
        // v's quadric changed: its own costs all change; a neighbour's only towards v (and
        // fully when its cheapest target was u or v).
        neighbours(v, around_);
        push(v);
        for (std::uint32_t w : around_) {
            if (locked_[w]) continue;
            if (bestTarget_[w] == u || bestTarget_[w] == v) {
                push(w);
            } else if (const double c = cost(w, v); c < bestCost_[w]) {
                ++stamp_[w];
                bestTarget_[w] = v;
                bestCost_[w] = c;
                heap_.push({c, w, v, stamp_[w]});
            }
        }
    }

    const SurfaceMesh& mesh_;
    double maxError_;
    std::vector<Vec> pos_;
    std::vector<Triangle> tris_;
    std::vector<std::uint8_t> alive_;
    std::size_t aliveCount_ = 0;
    std::vector<std::vector<std::uint32_t>> vertexTris_;
    std::vector<Quadric> quadric_;
    std::vector<std::uint8_t> locked_;
    std::vector<double> error_;
    std::vector<std::uint32_t> stamp_;
    std::vector<std::uint8_t> dead_;
    std::vector<std::uint32_t> bestTarget_;
    std::vector<double> bestCost_;
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> heap_;
    std::vector<std::uint32_t> scratch_, nu_, nv_, around_;
    std::vector<std::pair<double, std::uint32_t>> order_;
};

}  // namespace

SurfaceMesh collapseEdges(const SurfaceMesh& mesh, std::size_t targetTriangles, double maxError,
                          const core::Task& task) {
    Collapser collapser(mesh, maxError);
    collapser.run(targetTriangles, task);
    return collapser.result();
}

}  // namespace stratum::mesh::detail

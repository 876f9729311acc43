#include "GzipSize.h"

#include <itk_zlib.h>

#include <fstream>
#include <vector>

namespace fs = std::filesystem;

namespace stratum::io::detail {
namespace {

std::uint32_t trailerSize(std::ifstream& in, std::uint64_t fileSize) {
    if (fileSize < 4) return 0;
    in.seekg(static_cast<std::streamoff>(fileSize - 4));
    unsigned char b[4] = {0, 0, 0, 0};
    in.read(reinterpret_cast<char*>(b), 4);
    return b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

}  // namespace

bool isGzipAt(const fs::path& path, std::uint64_t offset) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    unsigned char magic[2] = {0, 0};
    in.read(reinterpret_cast<char*>(magic), 2);
    return in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

std::uint64_t gzipSizeUpTo(const fs::path& path, std::uint64_t offset, std::uint64_t needed) {
    std::error_code ec;
    const std::uint64_t fileSize = fs::file_size(path, ec);
    if (ec || fileSize <= offset) return 0;
    std::ifstream in(path, std::ios::binary);
    if (trailerSize(in, fileSize) == static_cast<std::uint32_t>(needed)) return needed;

    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return 0;  // 16: gzip wrapper
    std::vector<unsigned char> input(1 << 16);
    std::vector<unsigned char> output(1 << 18);
    std::uint64_t total = 0;
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    int status = Z_OK;
    while (total < needed && status == Z_OK) {
        if (z.avail_in == 0) {
            in.read(reinterpret_cast<char*>(input.data()), static_cast<std::streamsize>(input.size()));
            z.avail_in = static_cast<unsigned>(in.gcount());
            z.next_in = input.data();
            if (z.avail_in == 0) break;  // cut short
        }
        z.next_out = output.data();
        z.avail_out = static_cast<unsigned>(output.size());
        status = inflate(&z, Z_NO_FLUSH);
        total += output.size() - z.avail_out;
        if (status == Z_BUF_ERROR) status = Z_OK;  // needs more input
    }
    inflateEnd(&z);
    return total;
}

}  // namespace stratum::io::detail

#pragma once
// Internal: how much data a gzip stream inside a file holds, for truncation checks.
#include <cstdint>
#include <filesystem>

namespace stratum::io::detail {

// True when the bytes at `offset` start a gzip stream.
bool isGzipAt(const std::filesystem::path& path, std::uint64_t offset = 0);

// The uncompressed size of the gzip stream starting at `offset`, counted up to
// `needed` bytes (a result >= needed means "complete"). Fast when the gzip trailer
// (the stream's last 4 bytes = its size modulo 2^32) already says so; otherwise the
// stream is inflated and counted. A corrupt or cut stream counts what inflates.
std::uint64_t gzipSizeUpTo(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t needed);

}  // namespace stratum::io::detail

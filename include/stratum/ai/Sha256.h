#pragma once
// SHA-256 (FIPS 180-4), used to verify model weights before they are loaded.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace stratum::ai {

class Sha256 {
public:
    Sha256();
    void update(std::span<const std::uint8_t> bytes);
    void update(std::string_view text);
    // The 32-byte digest; the object must not be updated afterwards.
    std::array<std::uint8_t, 32> finish();
    // Lower-case hex of finish().
    std::string finishHex();

private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t totalBytes_ = 0;
    bool finished_ = false;
};

// Lower-case hex SHA-256 of a string.
std::string sha256Hex(std::string_view text);
// Lower-case hex SHA-256 of a file's content. Throws core::IoError naming the file.
std::string sha256File(const std::filesystem::path& path);

}  // namespace stratum::ai

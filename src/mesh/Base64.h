#pragma once
// Base64 (RFC 4648, with padding) for glTF data URIs (internal).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stratum::mesh::detail {

std::string base64Encode(const std::uint8_t* data, std::size_t size);
// Empty optional when `text` is not valid base64.
std::optional<std::vector<std::uint8_t>> base64Decode(std::string_view text);

}  // namespace stratum::mesh::detail

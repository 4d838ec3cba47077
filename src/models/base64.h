// Base64 (RFC 4648, with padding) for binary blobs inside JSON model files.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace icrm::models {

std::string base64_encode(std::string_view bytes);
// Error on any character outside the alphabet or a wrong length.
Result<std::string> base64_decode(std::string_view text);

}  // namespace icrm::models

// StaticFiles: serves the built dashboard (web/dist) for paths outside /api/.
// A path naming a file gets that file with its content type; any other path
// without a file extension gets index.html, so the dashboard's client-side
// routes (/leads/42) survive a reload. Paths are resolved only inside the
// root: "..", NUL, backslashes and symlinks leading out are refused.
// When the directory is missing, a page says how to build the dashboard.
//
// Thread-safety: const after construction; reads files on each request.
#pragma once

#include <filesystem>
#include <string_view>

#include "api/http_message.h"
#include "core/result.h"

namespace icrm::api {

// Files larger than this are not served (the dashboard's bundles are far smaller).
inline constexpr std::uintmax_t kMaxStaticFileBytes = 32 * 1024 * 1024;

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // GET and HEAD only; /api/... and everything unresolvable get 404 problem+json.
  Result<Response> serve(const Request& request) const;

  static std::string_view content_type_for(const std::filesystem::path& file);

 private:
  Result<Response> file_response(const std::filesystem::path& file, bool is_index) const;

  std::filesystem::path root_;  // canonical, or empty when it does not exist
  std::filesystem::path configured_;
};

}  // namespace icrm::api

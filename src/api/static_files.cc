#include "api/static_files.h"

#include <fstream>
#include <sstream>
#include <string>

namespace icrm::api {

namespace fs = std::filesystem;

namespace {

bool under(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

StaticFiles::StaticFiles(fs::path root) : configured_(std::move(root)) {
  std::error_code ec;
  if (fs::is_directory(configured_, ec)) {
    root_ = fs::canonical(configured_, ec);
    if (ec) root_.clear();
  }
}

std::string_view StaticFiles::content_type_for(const fs::path& file) {
  std::string ext = file.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".gif") return "image/gif";
  if (ext == ".webp") return "image/webp";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".ttf") return "font/ttf";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".wasm") return "application/wasm";
  return "application/octet-stream";
}

Result<Response> StaticFiles::file_response(const fs::path& file, bool is_index) const {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) return Error::not_found("No file at this path");
  if (size > kMaxStaticFileBytes) return Error::internal("static file too large: " + file.string());
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::internal("cannot read " + file.string());
  std::ostringstream buf;
  buf << in.rdbuf();
  Response r = Response::text(200, std::string(content_type_for(file)), buf.str());
  // Vite puts content hashes in asset names; index.html must always be revalidated.
  bool hashed = under(root_ / "assets", file);
  r.headers.set("Cache-Control",
                is_index || !hashed ? "no-cache" : "public, max-age=31536000, immutable");
  r.headers.set("X-Content-Type-Options", "nosniff");
  return r;
}

Result<Response> StaticFiles::serve(const Request& request) const {
  const std::string& path = request.path;
  if (path == "/api" || path.rfind("/api/", 0) == 0) {
    return Error::not_found("No API route at " + path);
  }
  if (request.method != Method::kGet && request.method != Method::kHead) {
    return Error::not_found("No resource at " + path);
  }
  if (root_.empty()) {
    std::string page =
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>InsightCRM</title></head>"
        "<body><h1>InsightCRM is running</h1><p>The API answers under <code>/api/v1/</code> "
        "(see <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>, "
        "<a href=\"/healthz\">/healthz</a>).</p><p>The dashboard is not built: no directory "
        "<code>" +
        html_escape(configured_.string()) +
        "</code>. Build it with <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code> "
        "(or <code>make demo</code>), or point <code>insightcrm serve --web DIR</code> at a built "
        "dashboard.</p></body></html>";
    Response r = Response::text(404, "text/html; charset=utf-8", std::move(page));
    r.headers.set("Cache-Control", "no-cache");
    return r;
  }
  // Refuse anything that could step outside the root before touching the disk.
  if (path.find('\\') != std::string::npos || path.find('\0') != std::string::npos) {
    return Error::not_found("No resource at this path");
  }
  fs::path relative = fs::path(path).relative_path();
  for (const auto& part : relative) {
    if (part == ".." || part == ".") return Error::not_found("No resource at this path");
  }
  fs::path candidate = root_ / relative;
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(candidate, ec);
  if (!ec && under(root_, resolved) && fs::is_regular_file(resolved, ec)) {
    auto r = file_response(resolved, resolved.filename() == "index.html");
    if (r && request.method == Method::kHead) r->omit_body = true;
    return r;
  }
  // A client route (no extension) falls back to the app; a missing asset is a 404.
  if (!relative.has_extension()) {
    auto r = file_response(root_ / "index.html", true);
    if (r && request.method == Method::kHead) r->omit_body = true;
    return r;
  }
  return Error::not_found("No file at " + path);
}

}  // namespace icrm::api

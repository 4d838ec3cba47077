#include "core/time.h"

#include <cctype>

namespace icrm {
namespace {

// Reads exactly `n` digits at `pos`, advancing it.
bool read_digits(std::string_view s, size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

Error bad(std::string_view text, std::string_view why) {
  return Error::invalid("'" + std::string(text.substr(0, 64)) +
                        "' is not an ISO-8601 time: " + std::string(why));
}

}  // namespace

Result<Timestamp> parse_timestamp(std::string_view text, bool assume_utc) {
  using namespace std::chrono;
  size_t pos = 0;
  int y, mo, d;
  if (!read_digits(text, pos, 4, y) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, mo) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, d)) {
    return bad(text, "expected YYYY-MM-DD");
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad(text, "no such date");

  int hh = 0, mi = 0, ss = 0;
  int64_t frac_us = 0;
  bool has_time = false;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    ++pos;
    has_time = true;
    if (!read_digits(text, pos, 2, hh) || pos >= text.size() || text[pos++] != ':' ||
        !read_digits(text, pos, 2, mi)) {
      return bad(text, "expected HH:MM after the date");
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!read_digits(text, pos, 2, ss)) return bad(text, "expected seconds");
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        int digits = 0;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
          if (digits < 6) frac_us = frac_us * 10 + (text[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return bad(text, "expected digits after the decimal point");
        for (int i = digits; i < 6; ++i) frac_us *= 10;
      }
    }
    if (hh > 23 || mi > 59 || ss > 60) return bad(text, "time of day out of range");
  }

  int64_t offset_s = 0;
  bool has_zone = false;
  if (pos < text.size()) {
    char c = text[pos];
    if ((c == 'Z' || c == 'z') && pos + 1 == text.size()) {
      has_zone = true;
      ++pos;
    } else if ((c == '+' || c == '-') && has_time) {
      ++pos;
      int oh = 0, om = 0;
      if (!read_digits(text, pos, 2, oh)) return bad(text, "bad zone offset");
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (pos < text.size() && !read_digits(text, pos, 2, om)) return bad(text, "bad zone offset");
      if (oh > 23 || om > 59) return bad(text, "zone offset out of range");
      offset_s = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
      has_zone = true;
    }
  }
  if (pos != text.size()) return bad(text, "unexpected text after the time");
  if (!has_zone && !assume_utc) return bad(text, "a time zone (Z or +HH:MM) is required");

  auto t = sys_days{ymd} + hours{hh} + minutes{mi} + seconds{ss} - seconds{offset_s};
  return Timestamp{duration_cast<microseconds>(t.time_since_epoch()) + microseconds{frac_us}};
}

namespace {

void put_digits(char* out, int64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

void format_timestamp_to(Timestamp t, char (&out)[kTimestampTextBytes]) {
  using namespace std::chrono;
  auto day_point = floor<days>(t);
  year_month_day ymd{day_point};
  int64_t us = (t - day_point).count();
  int64_t secs = us / 1'000'000;
  int year = static_cast<int>(ymd.year());
  put_digits(out, year < 0 ? 0 : (year > 9999 ? 9999 : year), 4);
  out[4] = '-';
  put_digits(out + 5, static_cast<unsigned>(ymd.month()), 2);
  out[7] = '-';
  put_digits(out + 8, static_cast<unsigned>(ymd.day()), 2);
  out[10] = 'T';
  put_digits(out + 11, secs / 3600, 2);
  out[13] = ':';
  put_digits(out + 14, secs / 60 % 60, 2);
  out[16] = ':';
  put_digits(out + 17, secs % 60, 2);
  out[19] = '.';
  put_digits(out + 20, us % 1'000'000, 6);
  out[26] = 'Z';
}

std::string format_timestamp(Timestamp t) {
  char buf[kTimestampTextBytes];
  format_timestamp_to(t, buf);
  return std::string(buf, sizeof buf);
}

int64_t to_unix_micros(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp from_unix_micros(int64_t us) { return Timestamp{std::chrono::microseconds{us}}; }

}  // namespace icrm

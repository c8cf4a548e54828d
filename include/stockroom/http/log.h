// Structured logging: one JSON object per line on stderr. Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

namespace stockroom::http {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Writes {"ts": RFC 3339 UTC, "level": ..., "msg": ..., ...fields} and a newline, atomically
// with respect to other Log calls. Never log tokens, secrets or passwords.
void Log(LogLevel level, std::string_view message, boost::json::object fields = {});

// Messages below `level` are dropped. Default kInfo.
void SetLogLevel(LogLevel level);

}  // namespace stockroom::http

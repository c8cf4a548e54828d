// Files only their owner may read (keys, secrets), written atomically. Private to auth/.
#pragma once

#include <filesystem>
#include <string>

namespace stockroom::auth {

// The contents of `path`. Throws std::runtime_error naming `what` and the path when the file
// cannot be read or is readable by group or others.
std::string ReadPrivateFile(const std::filesystem::path& path, const std::string& what);

// Replaces `path` with `text` atomically (temporary file, fsync, rename), mode 0600. Throws
// std::runtime_error naming `what` and the path on failure.
void WritePrivateFile(const std::filesystem::path& path, const std::string& text, const std::string& what);

}  // namespace stockroom::auth

// The data directory: where the database and keys live.
#pragma once

#include <filesystem>
#include <memory>

#include "stockroom/store/sqlite_store.h"

namespace stockroom::cli {

// Creates `dir` (mode 0700) if missing and returns its absolute path. Throws on failure.
std::filesystem::path PrepareDataDir(const std::string& dir);

// The data directory of a server that has started at least once (it holds stockroom.db), as an
// absolute path. Throws with a hint when it does not: the commands other than `serve` never
// create one, so that a mistyped --data-dir cannot write users or keys nobody will read.
std::filesystem::path ExistingDataDir(const std::string& dir);

// Opens the SQLite database of the data directory.
std::unique_ptr<store::Store> OpenStore(const std::filesystem::path& data_dir, store::Durability durability,
                                        int connections);

}  // namespace stockroom::cli

// Numbered schema migrations for the SQLite backend, applied in order at start-up.
#pragma once

#include "store/sqlite/connection.h"

namespace stockroom::store::sqlite {

// Applies every migration newer than the database's recorded version, all in one
// transaction: either the schema is fully current afterwards or unchanged. Throws SqliteError.
// Returns the schema version the database had before (0 for a new one).
int Migrate(Connection& connection);

}  // namespace stockroom::store::sqlite

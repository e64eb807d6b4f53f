// SPDX-License-Identifier: Apache-2.0
// CSQLite: the system SQLite (Debian's libsqlite3-dev) for the few places where Schema talks to
// the C API directly: the read-only query runner (authorizer, progress handler) and the batched
// tick writer. It is the same library GRDB links, so the two never disagree. Only Schema imports it.
#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

#include <sqlite3.h>

/// sqlite3_db_config is variadic. Turning off double-quoted string literals makes a typo in a
/// column name an error instead of a silent string (https://sqlite.org/quirks.html#dblquote).
static inline int csqlite_disable_dqs(sqlite3 *db) {
    int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)0);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)0);
}

#endif

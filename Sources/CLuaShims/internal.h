// SPDX-License-Identifier: Apache-2.0
// Shared between the CLuaShims C files; not part of the module's API.
#ifndef CLUA_SHIMS_INTERNAL_H
#define CLUA_SHIMS_INTERNAL_H

#include <lua.h>
#include <stdatomic.h>
#include <stdint.h>

/// Per-state control block; the allocator's `ud`, so any thread of the state finds it through
/// lua_getallocf.
typedef struct clua_control {
    // Memory.
    size_t used;
    size_t limit;
    int host_sections;  // > 0: Swift is pushing or reading values, the cap is not enforced
    int refused;        // allocations refused during the current outermost call
    // Budgets.
    int hook_count;
    int depth;                  // nesting of host calls (a Swift function may call back into Lua)
    int64_t deadline_ns;        // CLOCK_MONOTONIC; 0 = none
    int64_t instruction_limit;  // 0 = none
    int64_t instructions;
    int tripped;  // CLUA_TRIP_*
    atomic_int *cancel;
} clua_control;

clua_control *clua_control_of(lua_State *L);

/// Appends the value on top of the stack to the refs array (pops it) and returns its id.
int clua_refs_append(lua_State *L);

#endif

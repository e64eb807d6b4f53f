// SPDX-License-Identifier: Apache-2.0
// Shared between the CLuaShims C files; not part of the module's API.
#ifndef CLUA_SHIMS_INTERNAL_H
#define CLUA_SHIMS_INTERNAL_H

#include "CLuaShims.h"

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
    // Pattern matching (pattern.c): steps allowed to one call of string.find/match/gsub or one
    // gmatch iteration; 0 = no limit.
    int64_t pattern_step_limit;
    // The simulated clock (clock.c); NULL = the wall clock.
    clua_clock_fn clock_fn;
    void *clock_context;
} clua_control;

clua_control *clua_control_of(lua_State *L);

/// Checks cancellation, the instruction limit and the deadline of the current host call, in that
/// order, and returns the CLUA_TRIP_* reason to stop (CLUA_TRIP_NONE to go on). Never raises.
int clua_budget_check(clua_control *c);

/// Stops the current host call for `reason` (a CLUA_TRIP_* other than NONE): records the trip, re-arms
/// the hook to raise at every instruction until the outermost host call returns (so `pcall` cannot
/// swallow it) and raises now. For C library functions of the sandbox whose work the hook cannot see.
int clua_budget_trip(lua_State *L, int reason);

/// Counts `units` of work done inside one C function (a key snapshotted by `pairs`, a comparison
/// by `table.sort`, pattern matching steps) as instructions, then checks the budgets as the hook
/// would, raising through clua_budget_trip if one is exhausted. No-op outside a host call.
void clua_budget_charge(lua_State *L, int64_t units);

/// Opens the sandbox's own versions of library functions: `pairs` (pairs.c), `table.sort`
/// (sort.c), the pattern functions (pattern_lib.c) and `os.time`/`os.date`/`os.clock` (clock.c).
/// Each registers into the table at `index`, which must be an absolute stack index.
void clua_open_pairs(lua_State *L, int base);
void clua_open_sort(lua_State *L, int table);
void clua_open_patterns(lua_State *L, int string);
void clua_open_clock(lua_State *L, int os);

/// Appends the value on top of the stack to the refs array (pops it) and returns its id.
int clua_refs_append(lua_State *L);

#endif

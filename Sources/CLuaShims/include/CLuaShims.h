// SPDX-License-Identifier: Apache-2.0
// CLuaShims: the only C code in RealAlgo that may raise a Lua error.
//
// A Lua error is a longjmp. Unwinding a Swift frame that way skips ARC releases and `defer`, and
// can leave the Swift runtime's exclusivity records pointing at a dead frame, so Swift code never
// calls lua_error. This target provides:
//   - state.c      a state with a capped allocator, an always-installed count hook (time and
//                  instruction budgets, cancellation) and the "host section" switch;
//   - sandbox.c    the sandboxed libraries, one private _ENV per chunk, text-only `load`;
//   - pairs.c      a `pairs` whose order is the same in every process (Lua's string hashes are
//                  seeded per state);
//   - sort.c       a `table.sort` that is stable, so ties come out the same in every run;
//   - pattern.c    Lua 5.4 pattern matching with a step counter, and pattern_lib.c, the
//                  string.find/match/gmatch/gsub built on it (Lua's own can run for polynomial
//                  time inside one C call, out of the hook's reach);
//   - clock.c      os.time/os.date/os.clock that read a host-supplied simulated clock;
//   - trampoline.c Swift functions callable from Lua (the Swift side returns CLUA_SWIFT_ERROR, the
//                  C side raises) and the message handler that shapes errors;
//   - refs.c       a registry array for values Swift keeps handles to (chunks, functions).
// Callers: LuaBridge only. The header names no Lua type except the opaque lua_State, so it does
// not depend on lua.h and cannot clash with the CLua module's copy of it.
#ifndef CLUA_SHIMS_H
#define CLUA_SHIMS_H

#include <stddef.h>
#include <stdint.h>

typedef struct lua_State lua_State;

// MARK: Swift functions (trampoline.c)

/// Returned by a Swift function bridged to Lua when it pushed an error value instead of results.
#define CLUA_SWIFT_ERROR (-1)

/// A Swift function bridged to Lua: returns the number of results pushed, or CLUA_SWIFT_ERROR.
typedef int (*clua_swift_fn)(lua_State *L);

/// Pushes a Lua C closure that calls `fn`, with `context` (an unretained Swift object) available
/// to it through `clua_context(L)`. Allocates: call it inside a host section.
void clua_push_swift_function(lua_State *L, clua_swift_fn fn, void *context);

/// The context pointer of the Swift function currently running (see clua_push_swift_function).
void *clua_context(lua_State *L);

/// Pushes the message handler for lua_pcall. It turns the error into a table
/// { message = string, source = string?, line = integer?, traceback = string }.
/// Pushes a light C function: never allocates, never raises.
void clua_push_message_handler(lua_State *L);

// MARK: The state (state.c)

/// Why the hook stopped the current call.
enum {
    CLUA_TRIP_NONE = 0,
    CLUA_TRIP_TIME = 1,
    CLUA_TRIP_INSTRUCTIONS = 2,
    CLUA_TRIP_CANCELLED = 3,
    CLUA_TRIP_PATTERN_STEPS = 4,  // one pattern-matching call took more than its step limit
};

/// A cancellation flag shared between threads (an atomic int on the heap).
void *clua_flag_new(void);
void clua_flag_free(void *flag);
void clua_flag_set(void *flag, int value);
int clua_flag_get(void *flag);

/// A new state whose allocator refuses to grow past `memory_limit` bytes, with a count hook every
/// `hook_count` instructions that reads `cancel_flag` (which must outlive the state). NULL if the
/// state cannot be created.
lua_State *clua_newstate(size_t memory_limit, int hook_count, void *cancel_flag);

/// Closes the state and frees its control block.
void clua_close(lua_State *L);

/// Bytes currently allocated by the state, and its cap.
size_t clua_memory_used(lua_State *L);
size_t clua_memory_limit(lua_State *L);

/// A host section is Swift code pushing or reading values (arguments, results, conversions).
/// Inside one the cap is not enforced, so an allocation made by Swift never fails and never raises;
/// the overshoot is accounted and the next allocation made by Lua code fails instead.
void clua_host_enter(lua_State *L);
void clua_host_leave(lua_State *L);

/// Starts a protected call from the host. The outermost call resets the trip state and arms the
/// budgets (`time_budget_ns` and `instruction_limit`, each ignored when <= 0); nested calls keep
/// the outer budget. Suspends host sections for the duration of the call and returns the count to
/// hand back to clua_call_end.
int clua_call_begin(lua_State *L, int64_t time_budget_ns, int64_t instruction_limit);

/// Ends a call started by clua_call_begin. Returns the CLUA_TRIP_* reason seen during the call and,
/// through `refused`, how many allocations the cap refused. The outermost call clears both.
/// A tripped call has failed even if lua_pcall returned LUA_OK: when the script caught the raise in
/// its last act (`return pcall(f)` is a tail call), no instruction is left to raise again.
int clua_call_end(lua_State *L, int suspended_host_sections, int *refused);

/// The message of a CLUA_TRIP_* reason, e.g. "execution time budget exceeded". A static string.
const char *clua_trip_reason(int tripped);

/// Sets the steps one call of string.find, match or gsub (or one gmatch iteration) may take before
/// it stops the host call as CLUA_TRIP_PATTERN_STEPS; `limit` <= 0 means no limit (time, instruction
/// budget and cancellation still apply). Call before running code.
void clua_set_pattern_step_limit(lua_State *L, int64_t limit);

// MARK: The simulated clock (clock.c)

/// A host clock: the current time in seconds since the Unix epoch (UTC), fractions allowed. Called
/// from os.time, os.date and os.clock with `context`; it must not call into this state, and it
/// must return a finite value (anything else makes the Lua call fail).
typedef double (*clua_clock_fn)(void *context);

/// Makes os.time() and os.date(format) without a time argument read `fn` instead of the wall
/// clock, and os.clock() return the same simulated time as a float. NULL restores the wall clock
/// and CPU time. `context` must outlive the state (or the next call). Never raises.
void clua_set_clock(lua_State *L, clua_clock_fn fn, void *context);

// MARK: The sandbox (sandbox.c)

/// Opens the sandboxed libraries, builds the template each chunk's _ENV is copied from, and empties
/// the real global table. `has_seed` != 0 seeds math.random with `seed` and removes math.randomseed.
/// Runs protected: returns a LUA_* status, with the error message on the stack if not LUA_OK.
int clua_open_sandbox(lua_State *L, int has_seed, int64_t seed);

/// For differential tests only: gives every chunk loaded from now on a global `_LUA_ORIGINAL`, a
/// table of the functions the sandbox replaced, as Lua itself implements them (`pairs`, `sort`,
/// `find`, `match`, `gmatch`, `gsub`, `time`, `date`, `clock`). Runs protected; returns a LUA_*
/// status, with the error message on the stack if not LUA_OK.
int clua_expose_originals(lua_State *L);

/// Loads `source` as text (never bytecode) under `chunkname`, gives it a fresh private _ENV and
/// stores both in the refs array. Returns a LUA_* status; on LUA_OK `function_ref` and `env_ref`
/// are set and the stack is unchanged, otherwise the error message is left on the stack.
int clua_load_chunk(lua_State *L, const char *source, size_t length, const char *chunkname, int *function_ref,
                    int *env_ref);

// MARK: References (refs.c). Call inside a host section: they allocate but never raise.

/// Pops the top value and stores it; returns its id (>= 1).
int clua_ref(lua_State *L);
/// Returns the id of the function at `index`, storing it once (the same function gets the same id).
int clua_ref_function(lua_State *L, int index);
/// Pushes the value stored under `id` (nil if none).
void clua_push_ref(lua_State *L, int id);

#endif

// SPDX-License-Identifier: Apache-2.0
import CLuaShims

/// A flag another thread can raise to stop a ``LuaVM``'s current and future calls.
///
/// The VM's instruction hook reads it every ``LuaVM/Configuration/instructionsPerCheck``
/// instructions, and the sandbox's pattern functions every few thousand matching steps, so a running
/// call stops within that much work (another long C function, such as a huge `string.rep`, finishes
/// first). Once raised, it stays raised: every later call fails with
/// ``LuaError/Code/cancelled`` at once, until ``reset()``.
///
/// `@unchecked Sendable`: the only state is a heap `atomic_int` owned by this object and touched
/// only through C11 atomic loads and stores; it is freed in `deinit`, after the VM holding this
/// object (and reading the flag from its hook) has closed its state.
public final class LuaCancellation: @unchecked Sendable {
    let flag: UnsafeMutableRawPointer?

    public init() {
        flag = clua_flag_new()
    }

    deinit {
        clua_flag_free(flag)
    }

    /// Asks the VM to stop. Safe from any thread.
    public func cancel() { clua_flag_set(flag, 1) }

    /// Lets the VM run calls again.
    public func reset() { clua_flag_set(flag, 0) }

    /// Whether ``cancel()`` was called since the last ``reset()``.
    public var isCancelled: Bool { clua_flag_get(flag) != 0 }
}

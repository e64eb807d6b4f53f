// SPDX-License-Identifier: Apache-2.0

/// A handle to a function living in one ``LuaVM``.
///
/// It is a plain identifier, so it is `Sendable`, but only the VM that made it can call or push it;
/// any other VM refuses it with ``LuaError/Code/bridge``. The VM keeps the function alive for its
/// own lifetime, and the same Lua function always gets the same handle.
public struct LuaFunctionRef: Sendable, Hashable {
    let vmID: UInt64
    let id: Int32
}

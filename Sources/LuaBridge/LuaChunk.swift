// SPDX-License-Identifier: Apache-2.0

/// A chunk loaded by ``LuaVM/load(_:name:)``: its compiled main function and its private globals.
///
/// Each chunk has its own `_ENV`, copied from the sandbox's libraries, so globals written by one
/// chunk are invisible to every other chunk, and a chunk that replaces `string.format` replaces its
/// own copy only.
public struct LuaChunk: Sendable, Hashable {
    /// The name given at load time; errors report it as their `chunk`.
    public let name: String
    let vmID: UInt64
    let functionID: Int32
    let environmentID: Int32
}

// SPDX-License-Identifier: Apache-2.0
public import LuaBridge

/// Why a strategy file could not be loaded, started or kept running.
public struct StrategyScriptError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The file does not compile.
        case syntax
        /// The `strategy` declaration is wrong (a field, a param spec, a symbol).
        case declaration
        /// A param value given at start or by an update is outside its spec.
        case parameter
        /// A callback raised an error, overran its budget or ran out of memory.
        case callback
        /// The strategy broke one of its own risk limits (order flood) or the host's.
        case limit
    }

    public var kind: Kind
    /// The field at fault: `strategy.params.fast.min`, `params.fast`, or the callback name.
    public var field: String?
    public var message: String
    /// The script line, when Lua knows it.
    public var line: Int?
    /// The Lua error behind a syntax or callback failure.
    public var lua: LuaError?

    public init(_ kind: Kind, field: String? = nil, _ message: String, line: Int? = nil, lua: LuaError? = nil) {
        self.kind = kind
        self.field = field
        self.message = message
        self.line = line
        self.lua = lua
    }

    public var description: String {
        var text = field.map { "\($0): \(message)" } ?? message
        if let line, !message.contains(":\(line):") { text += " (line \(line))" }
        return text
    }
}

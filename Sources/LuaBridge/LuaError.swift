// SPDX-License-Identifier: Apache-2.0

/// Why a load or a call into Lua failed.
///
/// `chunk` and `line` point at the script line that failed when Lua knows it: for syntax errors,
/// runtime errors, budget trips and errors thrown by Swift functions. Memory errors raised by the
/// VM itself (as opposed to a library function) carry no position.
public struct LuaError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Hashable {
        /// The source does not compile; `line` is where the parser stopped.
        case syntax
        /// The script raised an error (`error(...)`, indexing nil, a failed `assert`...).
        case runtime
        /// The VM's memory cap was reached (``LuaVM/Configuration/memoryLimitBytes``).
        case memory
        /// The call ran past its ``LuaBudget`` (time or instructions), or one pattern-matching call
        /// took more than ``LuaVM/Configuration/patternStepLimit`` steps.
        case budgetExceeded
        /// The VM's ``LuaCancellation`` was raised.
        case cancelled
        /// A Swift function called from the script threw; `cause` is its error.
        case handler
        /// A value could not cross between Lua and Swift (unsupported type, cycle, depth, a handle
        /// from another VM, a global that is not a function).
        case bridge
    }

    public var code: Code
    /// Lua's message, including its `chunk:line:` prefix when Lua adds one.
    public var message: String
    /// The chunk name (as given to ``LuaVM/load(_:name:)``) of the failing line, if known.
    public var chunk: String?
    /// The failing line, if known.
    public var line: Int?
    /// Lua's stack traceback at the raise point, if the error went through the message handler.
    public var traceback: String?
    /// For ``Code/handler``: the error the Swift function threw.
    public var cause: (any Error)?

    public init(
        _ code: Code, message: String, chunk: String? = nil, line: Int? = nil, traceback: String? = nil,
        cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.chunk = chunk
        self.line = line
        self.traceback = traceback
        self.cause = cause
    }

    public var description: String {
        var text = "Lua \(code): \(message)"
        if let chunk, let line, !message.contains("\(chunk):\(line):") {
            text += " (\(chunk):\(line))"
        }
        return text
    }
}

extension LuaError {
    /// Reads `name:LINE:` at the start of a syntax error message (Lua's `luaO_pushfstring` shape).
    static func position(in message: String, chunk: String) -> Int? {
        let prefix = chunk + ":"
        guard message.hasPrefix(prefix) else { return nil }
        let digits = message.dropFirst(prefix.count).prefix { $0.isASCII && $0.isNumber }
        return Int(digits)
    }
}

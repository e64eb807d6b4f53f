// SPDX-License-Identifier: Apache-2.0
import LuaBridge

/// The arguments of one `ctx` call, read with messages that name the function and the argument.
struct LuaArguments {
    let function: String
    let values: [LuaValue]

    init(_ function: String, _ values: [LuaValue]) {
        self.function = function
        self.values = values
    }

    subscript(index: Int) -> LuaValue { index < values.count ? values[index] : .nil }

    func isAbsent(_ index: Int) -> Bool { self[index] == .nil }

    func fail(_ message: String) -> StrategyCallError { StrategyCallError("\(function): \(message)") }

    func string(_ index: Int, _ name: String) throws -> String {
        guard let text = self[index].stringValue else { throw fail("\(name) must be a string (got \(self[index].typeName))") }
        return text
    }

    func optionalString(_ index: Int, _ name: String) throws -> String? {
        isAbsent(index) ? nil : try string(index, name)
    }

    func integer(_ index: Int, _ name: String, in range: ClosedRange<Int64>) throws -> Int64 {
        guard let value = self[index].integerValue, range.contains(value) else {
            throw fail("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound) (got \(StrategyParameter.describe(self[index])))")
        }
        return value
    }

    func number(_ index: Int, _ name: String) throws -> Double {
        guard let value = self[index].doubleValue, value.isFinite else {
            throw fail("\(name) must be a finite number (got \(StrategyParameter.describe(self[index])))")
        }
        return value
    }

    func options(_ index: Int) throws -> LuaValue {
        switch self[index] {
        case .nil: return .dictionary([:])
        case .dictionary, .array([]): return self[index]
        default: throw fail("options must be a table such as { type = \"LIMIT\", price = 101.5 } (got \(self[index].typeName))")
        }
    }
}

/// An error a `ctx` function raises into the script: a plain Lua error at the calling line.
struct StrategyCallError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

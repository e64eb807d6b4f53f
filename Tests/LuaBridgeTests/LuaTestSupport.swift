// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import LuaBridge

/// The text of `Fixtures/<name>`.
func fixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return try String(contentsOf: url, encoding: .utf8)
}

/// Runs `body`, which must throw a ``LuaError``, and returns it.
func expectLuaError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) throws -> LuaError {
    do {
        try body()
    } catch let error as LuaError {
        return error
    }
    Issue.record("expected a LuaError", sourceLocation: sourceLocation)
    throw LuaError(.bridge, message: "no error")
}

/// After a failure the VM must still run code, with a balanced stack.
func expectHealthy(_ vm: LuaVM, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(vm.stackTop == 0, sourceLocation: sourceLocation)
    let results = try vm.execute("local t = {} for i = 1, 10 do t[i] = i end return #t, ('ok'):upper()", name: "health").results
    #expect(results == [10, "OK"], sourceLocation: sourceLocation)
    #expect(vm.stackTop == 0, sourceLocation: sourceLocation)
}

/// A small seeded generator (SplitMix64), so a failing property case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

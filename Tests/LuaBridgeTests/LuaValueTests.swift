// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import LuaBridge

@Suite("Lua values")
struct LuaValueTests {
    @Test("strings keep NUL bytes and UTF-8; other bytes come back as bytes")
    func strings() throws {
        let vm = try LuaVM()
        let results = try vm.execute(#"return "a\0b", #"a\0b", "héllo ✓ 🚀", "\255\0\254", utf8.len("\255")"#, name: "s").results
        #expect(results == [.string("a\0b"), 3, "héllo ✓ 🚀", .bytes([255, 0, 254]), .nil, 1])
    }

    @Test("integers and floats stay apart; tables become arrays or dictionaries")
    func shapes() throws {
        let vm = try LuaVM()
        let results = try vm.execute("return 1, 1.0, math.maxinteger, 1/0, {}, {1, 2}, {x = 1, [2] = 'two', [true] = 0.5}, {[2] = 1}", name: "v")
            .results
        #expect(
            results == [
                .integer(1), .number(1), .integer(.max), .number(.infinity), [], [1, 2],
                [.string("x"): 1, .integer(2): "two", .boolean(true): 0.5], [.integer(2): 1],
            ])
    }

    @Test("cycles, deep nesting and exponential sharing are bridge errors")
    func limits() throws {
        let vm = try LuaVM(configuration: LuaVM.Configuration(maxConversionValues: 10_000))
        #expect(try expectLuaError { try vm.execute("local t = {} t.self = t return t", name: "c") }.code == .bridge)
        #expect(
            try expectLuaError { try vm.execute("local t = {} local c = t for i = 1, 200 do c.x = {} c = c.x end return t", name: "d") }.code
                == .bridge)
        #expect(try expectLuaError { try vm.execute("local t = {} for i = 1, 40 do t = {a = t, b = t} end return t", name: "e") }.code == .bridge)
        // Shared, acyclic subtables are fine: each is copied.
        #expect(try vm.execute("local s = {1} return {s, s}", name: "s").results == [[[1], [1]]])
        #expect(try expectLuaError { try vm.execute("return {[{}] = 1}", name: "k") }.code == .bridge)
        try expectHealthy(vm)
    }

    @Test("functions come back as handles, callable on their VM only")
    func functionHandles() throws {
        let vm = try LuaVM()
        let (chunk, results) = try vm.execute("local f = function(x) return x * 2 end return f, f, {on_tick = f}", name: "f")
        guard case .function(let handle) = results[0] else {
            Issue.record("not a function: \(results[0])")
            return
        }
        #expect(results[1] == results[0])
        #expect(results[2]["on_tick"] == results[0])
        #expect(try vm.call(handle, with: [21]) == [42])
        try vm.setGlobal("g", to: results[0], in: chunk)
        #expect(try vm.global("g", in: chunk) == results[0])
        let other = try LuaVM()
        #expect(try expectLuaError { try other.call(handle) }.code == .bridge)
        #expect(try expectLuaError { try other.call("f", in: chunk) }.code == .bridge)
        try expectHealthy(vm)
    }

    @Test("Swift → Lua → Swift round trips over random values", arguments: 0..<20)
    func roundTripFromSwift(seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        let vm = try LuaVM()
        let chunk = try vm.load("function echo(...) return ... end", name: "echo")
        try vm.run(chunk)
        let values = (0..<8).map { _ in RandomLuaValue.make(depth: 3, using: &random) }
        #expect(try vm.call("echo", in: chunk, with: values) == values)
        #expect(vm.stackTop == 0)
    }

    @Test("Lua → Swift → Lua round trips over random tables built in Lua", arguments: 0..<10)
    func roundTripFromLua(seed: Int64) throws {
        let vm = try LuaVM(configuration: LuaVM.Configuration(randomSeed: seed))
        let chunk = try vm.load(Self.luaGenerator, name: "gen")
        try vm.run(chunk)
        let made = try vm.call("make", in: chunk)
        #expect(try vm.call("same", in: chunk, with: made) == [true])
    }

    /// Builds a random value in Lua, keeps it, and compares a value passed back with it, deeply.
    static let luaGenerator = """
        local kept
        local function leaf()
          local k = math.random(1, 6)
          if k == 1 then return math.random(-1e9, 1e9)
          elseif k == 2 then return math.random() * 1e6 - 5e5
          elseif k == 3 then return math.random() < 0.5
          elseif k == 4 then
            local b = {} for i = 1, math.random(0, 12) do b[i] = string.char(math.random(0, 255)) end return table.concat(b)
          elseif k == 5 then return utf8.char(math.random(32, 0x10FFFF) & 0xD7FF, 0, 233, 128640)
          else return math.mininteger end
        end
        local function node(depth)
          if depth == 0 or math.random() < 0.3 then return leaf() end
          local t = {}
          if math.random() < 0.5 then
            for i = 1, math.random(1, 5) do t[i] = node(depth - 1) end
          else
            for i = 1, math.random(1, 5) do t["k" .. i] = node(depth - 1) end
            t[math.random(-5, 0)] = node(depth - 1)
            t[math.random() + 0.25] = leaf()
          end
          return t
        end
        function make() kept = node(4) return kept end
        local function equal(a, b)
          if type(a) ~= type(b) then return false end
          if type(a) ~= "table" then return a == b and math.type(a) == math.type(b) end
          for k, v in pairs(a) do if not equal(v, b[k]) then return false end end
          for k in pairs(b) do if a[k] == nil then return false end end
          return true
        end
        function same(v) return equal(kept, v) end
        """
}

/// Random values in the canonical shapes a Lua round trip preserves (see ``LuaValue``).
enum RandomLuaValue {
    /// Any value; `nil` only where `allowNil` (a nil inside a table would be a hole, not a value).
    static func make(depth: Int, allowNil: Bool = true, using random: inout SeededGenerator) -> LuaValue {
        if depth == 0 || Int.random(in: 0..<10, using: &random) < 4 {
            var value = leaf(using: &random)
            while !allowNil && value == .nil { value = leaf(using: &random) }
            return value
        }
        if Bool.random(using: &random) {
            return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in make(depth: depth - 1, allowNil: false, using: &random) })
        }
        var fields: [LuaValue: LuaValue] = [.string(text(using: &random) + "!"): make(depth: depth - 1, allowNil: false, using: &random)]
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let key: LuaValue =
                switch Int.random(in: 0..<4, using: &random) {
                case 0: .string(text(using: &random))
                case 1: .integer(Int64.random(in: -1000...0, using: &random))
                case 2: .number(Double(Int.random(in: -100...100, using: &random)) + 0.5)
                default: .boolean(Bool.random(using: &random))
                }
            fields[key] = make(depth: depth - 1, allowNil: false, using: &random)
        }
        return .dictionary(fields)
    }

    static func leaf(using random: inout SeededGenerator) -> LuaValue {
        switch Int.random(in: 0..<8, using: &random) {
        case 0: .integer(Int64.random(in: .min ... .max, using: &random))
        case 1: .number(Double.random(in: -1e12...1e12, using: &random))
        case 2: .number([Double.infinity, -.infinity, 0.1, 1e-300, -2.0][Int.random(in: 0..<5, using: &random)])
        case 3: .boolean(Bool.random(using: &random))
        case 4: .string(text(using: &random))
        case 5: .bytes([0xFF] + (0..<Int.random(in: 0...6, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        case 6: .string("a\0b\u{1F680}é")
        default: .nil
        }
    }

    static func text(using random: inout SeededGenerator) -> String {
        let scalars = (0..<Int.random(in: 0...10, using: &random)).compactMap { _ in
            Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &random))
        }
        return String(String.UnicodeScalarView(scalars))
    }
}

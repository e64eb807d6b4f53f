// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Testing

@testable import LuaBridge

@Suite("Lua pattern matching with a step limit")
struct LuaPatternTests {
    /// A VM whose chunks also see Lua's own string functions, as `_LUA_ORIGINAL`.
    static func referenceVM(_ configuration: LuaVM.Configuration = LuaVM.Configuration(budget: LuaBudget(time: .seconds(60)))) throws
        -> LuaVM
    {
        var configuration = configuration
        configuration.exposesOriginalFunctions = true
        return try LuaVM(configuration: configuration)
    }

    /// `string.rep('a', 5000):find(string.rep('a-', 20) .. 'b')`: about 5000^20 / 20! steps in Lua's own
    /// matcher, all inside one C call that the instruction hook cannot interrupt.
    static let hostile = "return string.rep('a', 5000):find(string.rep('a-', 20) .. 'b')"

    @Test("find, match, gmatch and gsub agree with Lua's own", arguments: [(1, 300), (20_240_101, 3000), (987_654_321, 3000)])
    func differential(seed: Int, randomCases: Int) throws {
        let vm = try Self.referenceVM()
        let chunk = try vm.load(try fixture("pattern_differential.lua"), name: "pattern_differential.lua")
        let results = try vm.run(chunk, with: [.integer(Int64(seed)), .integer(Int64(randomCases))])
        try #require(results.count == 3)
        let compared = try #require(results[0].integerValue)
        #expect(compared > 500 + 4 * Int64(randomCases))
        #expect(results[1] == 0, "first mismatches: \(results[2])")
        try expectHealthy(vm)
    }

    @Test("the hostile pattern stops at the step limit, with no time budget at all, and the VM stays usable")
    func hostilePatternStops() throws {
        // No time or instruction budget: only the matcher's own step limit can stop it.
        let vm = try LuaVM(configuration: LuaVM.Configuration(budget: .unlimited))
        let error = try expectLuaError { try vm.execute("\n" + Self.hostile, name: "hostile") }
        #expect(error.code == .budgetExceeded)
        #expect(error.message == "hostile:2: pattern matching step limit exceeded")
        #expect(error.line == 2)
        try expectHealthy(vm)
        // Ordinary patterns still work afterwards, through the method syntax too.
        #expect(try vm.execute("return ('key = value'):match('(%w+)%s*=%s*(%w+)')", name: "after").results == ["key", "value"])
    }

    static let swallowers = [
        "local ok = pcall(string.find, string.rep('a', 5000), string.rep('a-', 20) .. 'b') return 'swallowed'",
        "while true do pcall(function() return (string.rep('a', 5000)):find(string.rep('a-', 20) .. 'b') end) end",
        "return xpcall(string.gsub, function(m) return 'handled' end, string.rep('a', 5000), string.rep('a-', 20) .. 'b', '')",
        "for w in string.rep('a', 5000):gmatch(string.rep('a-', 20) .. 'b') do end",
        "return select(2, pcall(string.match, string.rep('a', 5000), string.rep('a-', 20) .. 'b')) .. ' caught'",
    ]

    @Test("pcall and xpcall cannot swallow the step limit", arguments: swallowers)
    func pcallCannotSwallow(source: String) throws {
        let vm = try LuaVM(configuration: LuaVM.Configuration(budget: LuaBudget(time: .seconds(5))))
        let error = try expectLuaError { try vm.execute(source, name: "swallow") }
        #expect(error.code == .budgetExceeded)
        #expect(error.message.hasSuffix("pattern matching step limit exceeded"))
        try expectHealthy(vm)
    }

    @Test("the limit is per VM and per call; nil leaves time, instructions and cancellation in charge")
    func configurableLimit() throws {
        // 40 characters against "a-a-b": 13,243 steps (cubic in the length).
        let moderate = "return string.rep('a', 40):find('a-a-b')"
        let tight = try LuaVM(configuration: LuaVM.Configuration(patternStepLimit: 5_000))
        #expect(try expectLuaError { try tight.execute(moderate, name: "tight") }.code == .budgetExceeded)
        #expect(try tight.execute("return ('x = 1'):match('(%w+) = (%d+)')", name: "small").results == ["x", "1"])
        // Per call: many calls each under the limit are fine.
        let roomy = try LuaVM(configuration: LuaVM.Configuration(patternStepLimit: 20_000))
        let loop = "local n = 0 for i = 1, 30 do if not string.rep('a', 40):find('a-a-b') then n = n + 1 end end return n"
        #expect(try roomy.execute(loop, name: "loop").results == [30])

        let timed = try LuaVM(configuration: LuaVM.Configuration(budget: LuaBudget(time: .milliseconds(50)), patternStepLimit: nil))
        let time = try expectLuaError { try timed.execute(Self.hostile, name: "timed") }
        #expect(time.code == .budgetExceeded)
        #expect(time.message.hasSuffix("execution time budget exceeded"))
        try expectHealthy(timed)

        let counted = try LuaVM(configuration: LuaVM.Configuration(budget: LuaBudget(time: nil, instructions: 2_000_000), patternStepLimit: nil))
        let instructions = try expectLuaError { try counted.execute(Self.hostile, name: "counted") }
        #expect(instructions.code == .budgetExceeded)
        #expect(instructions.message.hasSuffix("instruction budget exceeded"))
        try expectHealthy(counted)
    }

    @Test("cancellation reaches a running pattern match")
    func cancellation() throws {
        let vm = try LuaVM(configuration: LuaVM.Configuration(budget: .unlimited, patternStepLimit: nil))
        let cancellation = vm.cancellation
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(30)) { cancellation.cancel() }
        let error = try expectLuaError { try vm.execute(Self.hostile, name: "cancelled") }
        #expect(error.code == .cancelled)
        cancellation.reset()
        try expectHealthy(vm)
    }

    @Test("a quadratic plain find is bounded too")
    func plainFind() throws {
        let vm = try LuaVM(configuration: LuaVM.Configuration(budget: .unlimited))
        let source = "local s = string.rep('a', 1000000) return s:find(string.rep('a', 100000) .. 'b', 1, true)"
        #expect(try expectLuaError { try vm.execute(source, name: "plain") }.code == .budgetExceeded)
        #expect(try vm.execute("return ('hello world'):find('o w', 1, true)", name: "ok").results == [5, 7])
        try expectHealthy(vm)
    }

    @Test("gsub with a function replacement runs Lua code under the usual budget")
    func gsubCallsLua() throws {
        // An instruction budget: the verdict does not depend on how busy the machine is.
        let vm = try LuaVM(configuration: LuaVM.Configuration(budget: LuaBudget(time: .seconds(30), instructions: 1_000_000)))
        let results = try vm.execute("return ('a1b22'):gsub('%d+', function(d) return '<' .. #d .. '>' end)", name: "g").results
        #expect(results == ["a<1>b<2>", 2])
        let error = try expectLuaError { try vm.execute("return ('abc'):gsub('.', function() while true do end end)", name: "loop") }
        #expect(error.code == .budgetExceeded)
        try expectHealthy(vm)
    }

    @Test("errors in malformed patterns come back as runtime errors with the script's line")
    func malformed() throws {
        let vm = try LuaVM()
        let cases: [(String, String)] = [
            ("%", "malformed pattern (ends with '%')"), ("[a", "malformed pattern (missing ']')"),
            ("%b", "malformed pattern (missing arguments to '%b')"), ("%fa", "missing '[' after '%f' in pattern"),
            ("(a", "unfinished capture"), ("a)", "invalid pattern capture"), ("%1", "invalid capture index %1"),
        ]
        for (pattern, message) in cases {
            let error = try expectLuaError { try vm.execute("\nreturn ('abc'):match(\"\(pattern)\")", name: "bad") }
            #expect(error.code == .runtime)
            #expect(error.message == "bad:2: \(message)")
        }
        try expectHealthy(vm)
    }
}

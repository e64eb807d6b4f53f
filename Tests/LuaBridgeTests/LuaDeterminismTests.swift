// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import LuaBridge

@Suite("Lua determinism: pairs, table.sort, the simulated clock")
struct LuaDeterminismTests {
    // MARK: pairs

    @Test("pairs visits the sequence, then booleans, numbers, strings, then unordered keys")
    func pairsOrder() throws {
        let vm = try LuaVM()
        let source = #"""
            local f = function() end
            local t = {10, 20, 30, [5] = 50, [0] = 0, [-1] = -1, [2.5] = 2.5, [1e300] = 1, [-1/0] = 1,
                [math.maxinteger] = 1, [math.mininteger] = 1, [2^63] = 1, [-2^63 - 2^12] = 1, [2^53] = 1,
                [true] = 1, [false] = 1, b = 1, a = 1, ab = 1, B = 1, ["\0"] = 1, [""] = 1, ["é"] = 1, [f] = 1}
            local out = {}
            for k in pairs(t) do
                out[#out + 1] = type(k) == "function" and "fn" or (math.type(k) or type(k)) .. " " .. string.format("%q", k)
            end
            return table.concat(out, ", ")
            """#
        let order = try vm.execute(source, name: "order").results.first?.stringValue
        let expected = [
            "integer 1", "integer 2", "integer 3", "boolean false", "boolean true", "float -1e9999",
            "float -0x1.0000000000002p+63", "integer 0x8000000000000000", "integer -1", "integer 0",
            "float 0x1.4p+1", "integer 5", "integer 9007199254740992", "integer 9223372036854775807", "float 0x1p+63",
            "float 0x1.7e43c8800759cp+996", #"string """#, #"string "\0""#, #"string "B""#, #"string "a""#, #"string "ab""#,
            #"string "b""#, #"string "é""#, "fn",
        ]
        #expect(order == expected.joined(separator: ", "))
        try expectHealthy(vm)
    }

    /// Lua seeds string hashes per state from addresses: VMs alive at the same time get different seeds,
    /// as two processes would.
    @Test("pairs gives the same order in every VM, where next does not")
    func pairsAcrossVMs() throws {
        let source = """
            local t = {}
            for i = 1, 200 do t["sym" .. (i * 7919 % 1000)] = i end
            local viaPairs, viaNext = {}, {}
            for k in pairs(t) do viaPairs[#viaPairs + 1] = k end
            for k in next, t do viaNext[#viaNext + 1] = k end
            return table.concat(viaPairs, ","), table.concat(viaNext, ",")
            """
        let vms = try (0..<8).map { _ in try LuaVM() }
        let runs = try vms.map { try $0.execute(source, name: "same").results }
        #expect(Set(runs.map { $0[0] }).count == 1)
        let sorted = (1...200).map { "sym\($0 * 7919 % 1000)" }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(runs[0][0] == .string(sorted.joined(separator: ",")))
        // The premise: raw `next` order really differs between states.
        #expect(Set(runs.map { $0[1] }).count > 1)
    }

    @Test("the loop body may assign and clear fields; cleared keys are skipped, new keys are not visited")
    func pairsWithMutation() throws {
        let vm = try LuaVM()
        let source = """
            local t = {1, 2, 3, a = 1, b = 2, c = 3, d = 4}
            local seen = {}
            for k, v in pairs(t) do
                seen[#seen + 1] = tostring(k) .. "=" .. tostring(v)
                t[k] = v * 10
                if k == 1 then t[3] = nil end
                if k == "a" then t.c = nil; t.b = 200 end
                t["new" .. tostring(k)] = true
            end
            return table.concat(seen, " "), t.a, t.b, t.d, t.newa
            """
        #expect(try vm.execute(source, name: "mutate").results == ["1=1 2=2 a=1 b=200 d=4", 10, 2000, 40, true])
        try expectHealthy(vm)
    }

    @Test("__pairs is honoured, next stays Lua's, and a non-table is refused at the call")
    func pairsMetamethodAndErrors() throws {
        let vm = try LuaVM()
        let source = """
            local proxy = setmetatable({}, {__pairs = function(self)
                local i = 0
                return function() i = i + 1 if i <= 2 then return i, i * i end end, self, nil
            end})
            local out = {}
            for k, v in pairs(proxy) do out[#out + 1] = k .. ":" .. v end
            local f, s, c = pairs({x = 1})
            return table.concat(out, " "), next({}) == nil, next({y = 2}), type(f), s ~= nil, c, f(s, c)
            """
        #expect(try vm.execute(source, name: "meta").results == ["1:1 2:4", true, "y", "function", true, .nil, "x", 1])
        // Lua's own pairs fails later, in the loop ("bad argument #1 to 'for iterator'").
        let error = try expectLuaError { try vm.execute("for k in pairs(42) do end", name: "bad") }
        #expect(error.message == "bad:1: bad argument #1 to 'pairs' (table expected, got number)")
        try expectHealthy(vm)
    }

    @Test("pairs is not quadratic, and its snapshot counts against the instruction budget")
    func pairsCost() throws {
        let vm = try LuaVM(configuration: LuaVM.Configuration(budget: LuaBudget(time: .seconds(10))))
        let source = """
            local t = {}
            for i = 1, 200000 do t["k" .. i] = i end
            local sum = 0
            for k, v in pairs(t) do sum = sum + v; t[k] = v + 1 end
            return sum
            """
        #expect(try vm.execute(source, name: "big").results == [20_000_100_000])
        // The snapshot is charged one instruction per key: 30 loops over 10,000 keys are 300,000
        // instructions, although the script itself runs only a few hundred.
        let budgeted = try LuaVM(configuration: LuaVM.Configuration(budget: LuaBudget(time: nil, instructions: 200_000)))
        let keys = Dictionary(uniqueKeysWithValues: (1...10_000).map { (LuaValue.string("k\($0)"), LuaValue.integer(Int64($0))) })
        let once = try budgeted.load("for k in pairs(t) do break end return 'ok'", name: "once")
        try budgeted.setGlobal("t", to: .dictionary(keys), in: once)
        #expect(try budgeted.run(once) == ["ok"])
        let many = try budgeted.load("for i = 1, 30 do for k in pairs(t) do break end end", name: "many")
        try budgeted.setGlobal("t", to: .dictionary(keys), in: many)
        let error = try expectLuaError { try budgeted.run(many) }
        #expect(error.code == .budgetExceeded)
        #expect(error.message == "many:1: instruction budget exceeded")
        try expectHealthy(budgeted)
    }

    // MARK: table.sort

    /// An "organ pipe" array makes Lua's quicksort pick a randomised pivot (from clock() and time());
    /// with ties, Lua's own result then changes from run to run.
    static let organPipe = """
        local n = 20000
        local u = {}
        for i = 1, n do u[i] = {key = (i <= n / 2 and i or n - i + 1) // 3, id = i} end
        table.sort(u, function(a, b) return a.key < b.key end)
        local ids = {}
        for i = 1, n do ids[i] = u[i].id end
        return table.concat(ids, ",", 1, 12), table.concat(ids, ",")
        """

    @Test("table.sort is stable, so ties come out the same in every run")
    func stableSort() throws {
        let first = try LuaVM().execute(Self.organPipe, name: "sort").results
        // Equal keys keep their input order: key 0 is ids 1, 2 (front) and 19999, 20000 (back).
        #expect(first[0] == "1,2,19999,20000,3,4,5,19996,19997,19998,6,7")
        for _ in 0..<3 {
            #expect(try LuaVM().execute(Self.organPipe, name: "sort").results == first)
        }
    }

    @Test("table.sort keeps Lua's arguments and errors, but an inconsistent comparator does not raise")
    func sortErrors() throws {
        let vm = try LuaVM()
        let source = """
            local a = {5, 3, 1, 4, 2}
            table.sort(a)
            local d = {"b", "c", "a"}
            table.sort(d, function(x, y) return x > y end)
            local weird = {}
            for i = 1, 500 do weird[i] = i % 17 end
            local ok = pcall(table.sort, weird, function(x, y) return (x + y) % 3 == 0 end)
            local e1 = select(2, pcall(table.sort, {1, "x"}))
            local e2 = select(2, pcall(table.sort, {3, 2, 1}, 5))
            local e3 = select(2, pcall(table.sort, 5))
            return table.concat(a, ","), table.concat(d, ","), ok, e1, e2, e3
            """
        #expect(
            try vm.execute(source, name: "errors").results == [
                "1,2,3,4,5", "c,b,a", true, "attempt to compare string with number",
                "bad argument #2 to 'table.sort' (function expected, got number)",
                "bad argument #1 to 'table.sort' (table expected, got number)",
            ])
        let loop = try LuaVM(configuration: LuaVM.Configuration(budget: LuaBudget(time: .milliseconds(50))))
        #expect(try expectLuaError { try loop.execute("table.sort({3, 2, 1}, function() while true do end end)", name: "l") }.code == .budgetExceeded)
        try expectHealthy(vm)
    }

    // MARK: The clock

    @Test("a simulated clock drives os.time, os.date and os.clock")
    func simulatedClock() throws {
        // 2024-01-15 09:15:30.25 UTC
        let vm = try LuaVM(configuration: LuaVM.Configuration(clock: .fixed(1_705_310_130.25)))
        let source = """
            return os.time(), os.date("!%Y-%m-%d %H:%M:%S"), os.date("!*t").hour, os.clock(),
                os.time({year = 2000, month = 1, day = 1, hour = 12}) == os.time({year = 2000, month = 1, day = 1, hour = 12}),
                os.date("!%Y", 0), math.type(os.time()), type(os.date())
            """
        let results = try vm.execute(source, name: "clock").results
        #expect(results == [1_705_310_130, "2024-01-15 09:15:30", 9, 1_705_310_130.25, true, "1970", "integer", "string"])
        try expectHealthy(vm)
    }

    @Test("the clock is read at each call, and a bad value is a runtime error")
    func movingClock() throws {
        let time = LuaTestTime(100)
        let vm = try LuaVM(configuration: LuaVM.Configuration(clock: LuaClock { time.seconds }))
        let chunk = try vm.load("function now() return os.time(), os.clock() end", name: "now")
        try vm.run(chunk)
        #expect(try vm.call("now", in: chunk) == [100, 100.0])
        time.seconds = 160.5
        #expect(try vm.call("now", in: chunk) == [160, 160.5])
        time.seconds = .nan
        let error = try expectLuaError { try vm.call("now", in: chunk) }
        #expect(error.code == .runtime)
        #expect(error.message == "now:1: the host's simulated clock gave an invalid time")
        time.seconds = 1
        try expectHealthy(vm)
    }

    @Test("without a clock, os.time is the wall clock")
    func wallClock() throws {
        let vm = try LuaVM()
        let now = try #require(try vm.execute("return os.time()", name: "wall").results.first?.integerValue)
        #expect(abs(now - Int64(Date.timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate)) < 5)
    }
}

/// A settable time for clock tests. `@unchecked Sendable`: written only by the test between calls,
/// read by the VM during them, on the same thread.
final class LuaTestTime: @unchecked Sendable {
    var seconds: Double

    init(_ seconds: Double) {
        self.seconds = seconds
    }
}

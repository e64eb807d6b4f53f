// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import LuaBridge

@Suite("Lua sandbox")
struct LuaSandboxTests {
    /// Scripts that reach for something the sandbox removed. Each must fail, or get nil and a message.
    static let refused: [(source: String, says: String)] = [
        ("return io.open('/etc/passwd')", "global 'io'"),
        ("return os.execute('echo hi')", "field 'execute'"),
        ("return os.getenv('HOME')", "field 'getenv'"),
        ("return require('os')", "global 'require'"),
        ("return package.loaded", "global 'package'"),
        ("return string.dump(function() end)", "field 'dump'"),
        ("return load(string.dump(function() end))", "field 'dump'"),
        ("return debug.sethook()", "global 'debug'"),
        ("return dofile('/etc/passwd')", "global 'dofile'"),
        ("return loadfile('/etc/passwd')", "global 'loadfile'"),
        ("print('to the server log')", "global 'print'"),
        ("collectgarbage('stop')", "not available in the sandbox"),
        ("return getmetatable('').__index.rep", "attempt to index a boolean value"),
        ("return ('x').dump", "nil-dump"),
    ]

    @Test("removed functions are absent or refused", arguments: refused)
    func refusedFunctions(source: String, says: String) throws {
        let vm = try LuaVM()
        if says == "nil-dump" {
            #expect(try vm.execute(source, name: "hostile").results == [.nil])
        } else {
            let error = try expectLuaError { try vm.execute(source, name: "hostile") }
            #expect(error.code == .runtime)
            #expect(error.message.contains(says), "\(error.message)")
            #expect(error.line == 1)
        }
        try expectHealthy(vm)
    }

    @Test("bytecode never loads: load returns nil and a message")
    func bytecodeRefused() throws {
        let vm = try LuaVM()
        let binary = try vm.execute(#"return load("\27Lua\84\0\25\147\13\10\26\10\4\8\8\120\86\0\0\0")"#, name: "b").results
        #expect(binary.first == .nil)
        #expect(binary.last?.stringValue?.contains("attempt to load a binary chunk") == true)
        let mode = try vm.execute("return load('return 1', 'x', 'b')", name: "m").results
        #expect(mode == [.nil, "load: binary chunks are not allowed in the sandbox"])
        let reader = try vm.execute("return load(function() return nil end)", name: "r").results
        #expect(reader.first == .nil)
        // Text still loads, and sees the loading chunk's globals, never the real global table.
        let text = try vm.execute("answer = 41; local f = load('return answer + 1'); return f()", name: "t").results
        #expect(text == [42])
        try expectHealthy(vm)
    }

    @Test("what stays: base, string, table, math, utf8, os.time/clock/date, limited collectgarbage")
    func whatStays() throws {
        let vm = try LuaVM()
        let source = """
            return type(os.time()), type(os.clock()), type(os.date('%Y')), utf8.char(72, 228),
                table.concat({'a', 'b'}, ','), math.floor(2.5), string.format('%05.1f', 3.14159),
                type(collectgarbage('count')), collectgarbage(), select('#', 1, 2, 3), _G == _ENV
            """
        let results = try vm.execute(source, name: "stays").results
        #expect(results == ["number", "number", "string", "Hä", "a,b", 2, "003.1", "number", 0, 3, true])
        try expectHealthy(vm)
    }

    @Test("two chunks in one VM do not see each other's globals or library changes")
    func chunksAreIsolated() throws {
        let vm = try LuaVM()
        let first = try vm.load("secret = 42; string.upper = function() return 'pwned' end; math.pi = 3", name: "first")
        let second = try vm.load("return secret, string.upper('a'), ('a'):upper(), math.pi > 3.14, rawget(_G, 'secret')", name: "second")
        try vm.run(first)
        #expect(try vm.global("secret", in: first) == 42)
        #expect(try vm.run(second) == [.nil, "A", "A", true, .nil])
        #expect(try vm.global("secret", in: second) == .nil)
        try expectHealthy(vm)
    }

    @Test("two VMs do not share globals")
    func vmsAreIsolated() throws {
        let one = try LuaVM()
        let two = try LuaVM()
        try one.execute("shared = 'one'", name: "one")
        #expect(try two.execute("return shared", name: "two").results == [.nil])
    }

    @Test("a seed makes math.random repeat across VMs and removes math.randomseed")
    func deterministicRandom() throws {
        let draw = "local t = {} for i = 1, 8 do t[i] = math.random(1, 1000000) end return t, math.randomseed"
        let configuration = LuaVM.Configuration(randomSeed: 20_240_101)
        let first = try LuaVM(configuration: configuration).execute(draw, name: "r").results
        let second = try LuaVM(configuration: configuration).execute(draw, name: "r").results
        #expect(first == second)
        #expect(first.last == .nil)
        let other = try LuaVM(configuration: LuaVM.Configuration(randomSeed: 7)).execute(draw, name: "r").results
        #expect(other.first != first.first)
    }
}

// SPDX-License-Identifier: Apache-2.0
import LuaBridge
import Testing

@Suite("Lua runtime")
struct LuaRuntimeTests {
    @Test("the linked library is Lua 5.4")
    func version() {
        #expect(LuaRuntime.version.hasPrefix("Lua 5.4"))
    }

    @Test("the self-check runs a chunk and returns errors instead of aborting")
    func selfCheck() {
        #expect(LuaRuntime.selfCheck() == .success("42"))
        #expect(LuaRuntime.selfCheck("return 'a' .. 1") == .success("a1"))
        guard case .failure(let runtime) = LuaRuntime.selfCheck("local boom = nil; return boom.x") else {
            Issue.record("indexing nil did not fail")
            return
        }
        #expect(runtime.message.contains("attempt to index a nil value (local 'boom')"))
        guard case .failure(let syntax) = LuaRuntime.selfCheck("return +") else {
            Issue.record("a syntax error did not fail")
            return
        }
        #expect(syntax.message.contains("selfcheck:1"))
        // The self-check state has no standard libraries: nothing can reach the file system.
        guard case .failure(let sandboxed) = LuaRuntime.selfCheck("return io.open('/etc/passwd')") else {
            Issue.record("io was reachable")
            return
        }
        #expect(sandboxed.message.contains("io"))
    }
}

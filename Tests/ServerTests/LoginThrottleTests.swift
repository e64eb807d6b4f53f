// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Server

/// The failed-sign-in throttle on a clock the test moves.
@Suite("Sign-in throttle")
struct LoginThrottleTests {
    static let home = ClientAddress(ipv4: 0x7F00_0001)
    static let elsewhere = ClientAddress(ipv4: 0x0A00_0001)

    static func throttle(_ configure: (inout LoginThrottle.Limits) -> Void = { _ in }) -> (LoginThrottle, RateLimitTestClock) {
        var limits = LoginThrottle.Limits()
        configure(&limits)
        let clock = RateLimitTestClock()
        return (LoginThrottle(limits: limits, clock: clock), clock)
    }

    @Test("five failures from one address on one user lock that pair until the oldest ages out")
    func pairLimit() {
        let (throttle, clock) = Self.throttle()
        for minute in 0..<5 {
            clock.set(.seconds(60 * minute))
            #expect(throttle.wait(client: Self.home, username: "alice") == nil)
            throttle.recordFailure(client: Self.home, username: "alice")
        }
        // The first failure (t = 0) ages out at 15 min; it is now 4 min.
        #expect(throttle.wait(client: Self.home, username: "alice") == .seconds(11 * 60))
        #expect(throttle.wait(client: Self.home, username: "ALICE") != nil, "usernames are counted ignoring case")
        #expect(throttle.wait(client: Self.elsewhere, username: "alice") == nil, "another address may still try")
        #expect(throttle.wait(client: Self.home, username: "bob") == nil, "another user may still be tried from here")
        clock.set(.seconds(15 * 60))
        #expect(throttle.wait(client: Self.home, username: "alice") == nil)
    }

    @Test("a success forgives the pair, but not the address's or the user's totals")
    func success() {
        let (throttle, _) = Self.throttle { $0.perClient = 6 }
        for _ in 0..<4 { throttle.recordFailure(client: Self.home, username: "alice") }
        throttle.recordSuccess(client: Self.home, username: "alice")
        for _ in 0..<2 { throttle.recordFailure(client: Self.home, username: "alice") }
        #expect(throttle.wait(client: Self.home, username: "carol") != nil, "six failures from one address in total")
    }

    @Test("one address spraying many users, and many addresses on one user, are both stopped")
    func sprayAndDistributed() {
        let (spray, _) = Self.throttle()
        for index in 0..<20 { spray.recordFailure(client: Self.home, username: "user\(index)") }
        #expect(spray.wait(client: Self.home, username: "someone-new") != nil)
        #expect(spray.wait(client: Self.elsewhere, username: "someone-new") == nil)

        let (distributed, _) = Self.throttle()
        for index in 0..<50 { distributed.recordFailure(client: ClientAddress(ipv4: 0x0B00_0000 + UInt32(index)), username: "alice") }
        #expect(distributed.wait(client: Self.home, username: "alice") != nil)
        #expect(distributed.wait(client: Self.home, username: "bob") == nil)
    }

    @Test("memory stays bounded under a flood of addresses")
    func bounded() {
        let (throttle, _) = Self.throttle { $0.maxTracked = 100 }
        for index in 0..<1_000 { throttle.recordFailure(client: ClientAddress(ipv4: UInt32(index)), username: "u\(index)") }
        #expect(throttle.trackedKeys <= 100 + 3)
    }
}

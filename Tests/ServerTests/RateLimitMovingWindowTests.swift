// SPDX-License-Identifier: Apache-2.0
import Core
import Synchronization
import Testing

@testable import Server

@Suite("Moving-window limiter")
struct RateLimitMovingWindowTests {
    static let clientA = ClientAddress(ipv4: 0xCB00_7107)  // 203.0.113.7
    static let clientB = ClientAddress(ipv4: 0xCB00_7108)

    static func limiter(_ text: String, maxClients: Int = 10_000) throws -> (MovingWindowLimiter, RateLimitTestClock) {
        let clock = RateLimitTestClock()
        let limit = try #require(try RateLimit.parse(text))
        return (MovingWindowLimiter(limit: limit, maxClients: maxClients, clock: clock), clock)
    }

    @Test(
        "requests at these times (ms) are allowed or refused as Flask-Limiter's moving window decides",
        arguments: [
            // A request exactly one window after the N-th most recent is still inside it
            // (`limits` refuses when that entry is at or after now - window).
            (
                "3 per second",
                [(0, true), (100, true), (200, true), (300, false), (999, false), (1_000, false), (1_001, true), (1_050, false), (1_101, true)]
            ),
            // The 2-per-second rule refuses at 0; 1 s later only the 3-per-10 s rule is full. A
            // refusal is not counted, so 10.001 s later both rules have room again.
            (
                "2 per second;3 per 10 seconds",
                [
                    (0, true), (0, true), (0, false), (1_001, true), (1_002, false), (9_999, false), (10_000, false), (10_001, true), (10_002, true),
                    (10_003, false),
                ]
            ),
            ("1/minute", [(0, true), (59_999, false), (60_000, false), (60_001, true), (60_002, false)]),
        ] as [(String, [(Int, Bool)])])
    func table(limit: String, steps: [(Int, Bool)]) throws {
        let (limiter, clock) = try Self.limiter(limit)
        for (millis, allowed) in steps {
            clock.set(.milliseconds(millis))
            #expect((limiter.acquire(Self.clientA) == nil) == allowed, "at \(millis) ms")
        }
    }

    @Test("a refusal says how long until a request would pass")
    func retryAfter() throws {
        let (limiter, clock) = try Self.limiter("3 per second;5 per minute")
        for _ in 0..<3 { #expect(limiter.acquire(Self.clientA) == nil) }
        clock.set(.milliseconds(300))
        #expect(limiter.acquire(Self.clientA) == .milliseconds(700) + .nanoseconds(1))
        clock.set(.milliseconds(1_500))
        for _ in 0..<2 { #expect(limiter.acquire(Self.clientA) == nil) }
        // Five in the minute now: the minute rule waits for the first of them to age out.
        #expect(limiter.acquire(Self.clientA) == .milliseconds(58_500) + .nanoseconds(1))
    }

    @Test("each client has its own window")
    func perClient() throws {
        let (limiter, _) = try Self.limiter("2 per second")
        #expect(limiter.acquire(Self.clientA) == nil)
        #expect(limiter.acquire(Self.clientA) == nil)
        #expect(limiter.acquire(Self.clientA) != nil)
        #expect(limiter.acquire(Self.clientB) == nil)
        #expect(limiter.acquire(.unknown) == nil)
    }

    @Test("random traffic gets the same answers as counting every allowed request", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func matchesNaiveModel(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let limits = ["3 per second", "5 per second;12 per 10 seconds", "1 per 250 seconds;4 per hour", "20 per minute;3 per 2 seconds"]
        let text = limits[Int(seed) % limits.count]
        let (limiter, clock) = try Self.limiter(text)
        let rules = try #require(try RateLimit.parse(text)).rules.map { (amount: $0.amount, window: $0.window.totalNanoseconds) }
        let clients = (0..<3).map { ClientAddress(ipv4: 0x0A00_0000 + UInt32($0)) }
        var allowed: [ClientAddress: [Int64]] = [:]
        var now: Int64 = 0
        for step in 0..<3_000 {
            // Mostly bursts a few ms apart, sometimes a long pause, sometimes the same instant.
            now +=
                Int64.random(in: 0...10, using: &random) == 0
                ? Int64.random(in: 0...400_000, using: &random) * 1_000_000 : Int64.random(in: 0...30, using: &random) * 1_000_000
            clock.set(.nanoseconds(now))
            let client = clients[Int.random(in: 0..<clients.count, using: &random)]
            var expectedWait: Int64 = 0
            for rule in rules {
                let inWindow = (allowed[client] ?? []).filter { now - $0 <= rule.window }.sorted(by: >)
                if inWindow.count >= rule.amount { expectedWait = max(expectedWait, inWindow[rule.amount - 1] + rule.window + 1 - now) }
            }
            let answer = limiter.acquire(client)
            #expect(answer == (expectedWait == 0 ? nil : .nanoseconds(expectedWait)), "step \(step) of \(text)")
            if expectedWait == 0 { allowed[client, default: []].append(now) }
        }
    }

    @Test("idle clients are forgotten after the longest window")
    func forgetsIdleClients() throws {
        let (limiter, clock) = try Self.limiter("1 per second;2 per minute")
        for index in 0..<500 { _ = limiter.acquire(ClientAddress(ipv4: 0x0A00_0000 + UInt32(index))) }
        #expect(limiter.trackedClients == 500)
        clock.set(.seconds(60))
        _ = limiter.acquire(Self.clientA)
        // At exactly the window's end a request still counts; a nanosecond later it does not.
        #expect(limiter.trackedClients == 501)
        clock.set(.seconds(120) + .nanoseconds(1))
        _ = limiter.acquire(Self.clientB)
        #expect(limiter.trackedClients == 1)
    }

    @Test("a flood of addresses keeps the table bounded, forgetting the least recently active first")
    func boundedUnderFlood() throws {
        let (limiter, clock) = try Self.limiter("1 per hour", maxClients: 64)
        #expect(limiter.maxClients == 64)
        for index in 0..<10_000 {
            clock.set(.milliseconds(index))
            #expect(limiter.acquire(ClientAddress(ipv4: 0x0A00_0000 + UInt32(index))) == nil)
            #expect(limiter.trackedClients <= 64)
        }
        // The most recent client is remembered; the first one was evicted and starts afresh.
        #expect(limiter.acquire(ClientAddress(ipv4: 0x0A00_0000 + 9_999)) != nil)
        #expect(limiter.acquire(ClientAddress(ipv4: 0x0A00_0000)) == nil)
    }

    @Test("large amounts track fewer clients, so memory has a ceiling")
    func budget() throws {
        let (small, _) = try Self.limiter("10 per second", maxClients: 10_000)
        #expect(small.maxClients == 10_000)
        let (large, _) = try Self.limiter("1000 per minute", maxClients: 10_000)
        #expect(large.maxClients == MovingWindowLimiter.timeSlotBudget / 1_000)
        // Never fewer than 64, whatever the amount.
        let (huge, _) = try Self.limiter("100000 per day", maxClients: 10_000)
        #expect(huge.maxClients == 64)
    }

    @Test("concurrent requests at one instant get exactly the limit")
    func concurrent() async throws {
        let (limiter, _) = try Self.limiter("100 per second")
        let passed = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<1_000 { group.addTask { limiter.acquire(Self.clientA) == nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(passed == 100)
    }
}

/// A clock that moves only when a test sets it.
final class RateLimitTestClock: Clock {
    struct Instant: InstantProtocol {
        let offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Duration.zero)

    var now: Instant { Instant(offset: current.withLock { $0 }) }
    var minimumResolution: Duration { .nanoseconds(1) }

    func set(_ offset: Duration) { current.withLock { $0 = offset } }

    /// Sleeping makes no sense on a clock nobody advances while the sleeper waits.
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        precondition(deadline <= now, "RateLimitTestClock does not sleep")
    }
}

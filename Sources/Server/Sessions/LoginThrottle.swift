// SPDX-License-Identifier: Apache-2.0
import Core
import Synchronization

/// Slows password guessing: counts failed sign-ins per client address, per username, and per
/// (address, username) pair within a moving window, and refuses further attempts — before any
/// password is checked — while a count is at its limit.
///
/// The three scopes cover the three attacks: one address trying one account (the pair, lowest
/// limit; a success clears it, so a person who mistyped is not punished later), one address
/// spraying many accounts (the address), and many addresses trying one account (the username).
/// The username limit means a determined attacker can keep one account from signing in for a
/// window; it still cannot guess the password, and the API keys of that user keep working.
///
/// Memory stays bounded: at most ``Limits/maxTracked`` keys; past that, keys with no failure in
/// the window are dropped, then the least recently failed quarter.
final class LoginThrottle: Sendable {
    /// How many failures each scope tolerates within `window`.
    struct Limits: Sendable, Equatable {
        var perClientAndUser = 5
        var perClient = 20
        var perUser = 50
        var window: Duration = .seconds(15 * 60)
        var maxTracked = 10_000

        init() {}
    }

    private enum Key: Hashable {
        case pair(ClientAddress, String)
        case client(ClientAddress)
        case user(String)
    }

    let limits: Limits
    private let windowNanos: Int64
    private let nowNanos: @Sendable () -> Int64
    private let failures = Mutex<[Key: [Int64]]>([:])

    /// - Parameter clock: where time comes from; tests pass a manual clock.
    init(limits: Limits, clock: some Clock<Duration> = ContinuousClock()) {
        self.limits = limits
        windowNanos = limits.window.totalNanoseconds
        let origin = clock.now
        nowNanos = { origin.duration(to: clock.now).totalNanoseconds }
    }

    /// How long `client` must wait before trying `username` again; nil when it may try now.
    func wait(client: ClientAddress, username: String) -> Duration? {
        let now = nowNanos()
        return failures.withLock { table in
            var longest: Int64 = 0
            for (key, limit) in keys(client: client, username: username) {
                guard var times = table[key] else { continue }
                times.removeAll { $0 <= now - windowNanos }
                table[key] = times.isEmpty ? nil : times
                // The oldest failures must age out until the count is below the limit again.
                if times.count >= limit {
                    longest = max(longest, times[times.count - limit] + windowNanos - now)
                }
            }
            return longest > 0 ? .nanoseconds(longest) : nil
        }
    }

    /// Counts a failed attempt (wrong password, unknown user, inactive user alike).
    func recordFailure(client: ClientAddress, username: String) {
        let now = nowNanos()
        failures.withLock { table in
            if table.count >= limits.maxTracked { makeRoom(&table, now: now) }
            for (key, limit) in keys(client: client, username: username) {
                var times = table[key, default: []]
                times.removeAll { $0 <= now - windowNanos }
                times.append(now)
                // Only the newest `limit` failures decide anything.
                if times.count > limit { times.removeFirst(times.count - limit) }
                table[key] = times
            }
        }
    }

    /// A successful sign-in forgives that address's earlier mistakes on that account.
    func recordSuccess(client: ClientAddress, username: String) {
        failures.withLock { table in table[.pair(client, Self.normalized(username))] = nil }
    }

    /// Keys currently tracked (for tests of the memory bound).
    var trackedKeys: Int { failures.withLock { $0.count } }

    private func keys(client: ClientAddress, username: String) -> [(Key, Int)] {
        let user = Self.normalized(username)
        return [(.pair(client, user), limits.perClientAndUser), (.client(client), limits.perClient), (.user(user), limits.perUser)]
    }

    /// Usernames are unique ignoring ASCII case (the schema's NOCASE), so guesses are counted that way.
    private static func normalized(_ username: String) -> String {
        String(username.lowercased().prefix(64))
    }

    private func makeRoom(_ table: inout [Key: [Int64]], now: Int64) {
        table = table.filter { ($0.value.last ?? .min) > now - windowNanos }
        guard table.count >= limits.maxTracked else { return }
        let kept = table.sorted { ($0.value.last ?? .min) > ($1.value.last ?? .min) }.prefix(limits.maxTracked * 3 / 4)
        table = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
    }
}

// SPDX-License-Identifier: Apache-2.0
public import Core
import Synchronization

/// Quotes for REST readers on a feed that streams only what someone asked for (an upstream
/// OpenAlgo feed subscribes just the hub's ``SubscriptionDemand``).
///
/// A REST quote, depth or multiquote request takes a lease on its instruments: they join the
/// demand (so the upstream streams them) until no request has asked for them for ``lease``.
/// An instrument with no quote yet is waited for, at most ``firstTickWait``, so the first request
/// for a symbol nobody streams still gets a price instead of a 404. On a feed that publishes the
/// whole market (the simulator) or none, the cache is answered as it is, without waiting.
public final class OnDemandQuotes: Sendable {
    /// The demand owner id of REST readers; WebSocket sessions count up from 1.
    public static let demandOwner: UInt64 = .max - 1

    private struct Lease {
        var mode: SubscriptionMode
        var expiresNanos: Int64
    }

    private let hub: MarketDataHub
    private let isEnabled: Bool
    public let lease: Duration
    public let firstTickWait: Duration
    private let leases = Mutex<[Int64: Lease]>([:])

    /// - Parameter streamsOnDemand: true for a feed that streams only the demanded instruments.
    public init(hub: MarketDataHub, streamsOnDemand: Bool, lease: Duration = .seconds(600), firstTickWait: Duration = .seconds(3)) {
        self.hub = hub
        self.isEnabled = streamsOnDemand
        self.lease = lease
        self.firstTickWait = firstTickWait
    }

    /// The latest quotes of `instrumentIDs`, waiting briefly for the ones with none yet; absent
    /// ids have no quote (the feed sent nothing in time).
    public func quotes(instrumentIDs: [Int64], mode: SubscriptionMode) async -> [Int64: Quote] {
        var found = hub.quotes(instrumentIDs: instrumentIDs)
        guard isEnabled, !instrumentIDs.isEmpty else { return found }
        renew(instrumentIDs, mode: mode)
        var missing = instrumentIDs.filter { found[$0] == nil }
        let deadline = ContinuousClock.now + firstTickWait
        while !missing.isEmpty, ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .milliseconds(20)) } catch { break }
            found.merge(hub.quotes(instrumentIDs: missing)) { current, _ in current }
            missing.removeAll { found[$0] != nil }
        }
        return found
    }

    /// Instruments currently held by REST leases, for the status endpoint and tests.
    public var leasedInstrumentCount: Int { leases.withLock { $0.count } }

    /// Extends the leases on `instrumentIDs`, drops expired ones and republishes the demand.
    private func renew(_ instrumentIDs: [Int64], mode: SubscriptionMode) {
        let now = hub.clock.nowNanos()
        let expires = now + lease.totalNanoseconds
        let wanted = leases.withLock { leases -> SubscriptionDemand.Wanted in
            for id in instrumentIDs {
                let held = leases[id]?.mode ?? mode
                leases[id] = Lease(mode: max(held, mode), expiresNanos: expires)
            }
            leases = leases.filter { $0.value.expiresNanos > now }
            return leases.mapValues(\.mode)
        }
        hub.demand.set(owner: Self.demandOwner, wanted)
    }
}

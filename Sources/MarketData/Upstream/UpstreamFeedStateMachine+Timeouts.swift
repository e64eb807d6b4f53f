// SPDX-License-Identifier: Apache-2.0

extension UpstreamFeedStateMachine {
    /// The periodic check; call it every second or so. It enforces the authentication timeout,
    /// detects a silent feed, and performs a retry whose timer is overdue (a lost timer must not
    /// strand the feed; if the timer fires later, its generation is stale and it is ignored).
    ///
    /// **Silence.** Only instruments whose market is open count, and their silence clocks run only
    /// while it is: a check with the market closed restarts the clock, so the open gets a full grace
    /// period. An exchange is silent when none of its open instruments ticked for
    /// ``Configuration/silenceTimeout``. The rule is per exchange, not per instrument, because an
    /// illiquid contract can go a minute without a trade on a healthy feed, while a whole segment
    /// going quiet is the upstream's fault. A silent exchange raises ``Alert/silent(account:instruments:)``,
    /// closes the socket and counts as a failure of the account: failover, or backoff.
    ///
    /// - Parameters:
    ///   - now: The current time.
    ///   - marketOpen: Whether the instrument's market is trading now.
    public mutating func checkTimeouts(now: Duration, marketOpen: (Instrument) -> Bool) -> [Action] {
        switch state {
        case .connecting(let account, let generation, let since):
            guard now - since >= configuration.authTimeout else { return [] }
            let reason = "no authentication within \(configuration.authTimeout)"
            return [.disconnect(generation: generation, reason: reason)] + fail(account, reason: reason, healthyFor: nil, now: now)
        case .connected(let account, let generation, let since):
            guard let silence = silentExchanges(now: now, marketOpen: marketOpen) else { return [] }
            let exchanges = silence.exchanges.joined(separator: ", ")
            let reason = "no tick for \(configuration.silenceTimeout) on \(exchanges)"
            // The connection was delivering until the silent exchanges' last sign of life.
            let healthyFor = silence.lastActivity - since
            return [.alert(.silent(account: account, instruments: silence.instruments)), .disconnect(generation: generation, reason: reason)]
                + fail(account, reason: "silent feed: \(reason)", healthyFor: healthyFor, now: now)
        case .waitingToRetry(_, let until):
            return now >= until ? retry(now: now) : []
        case .stopped, .noAccounts:
            return []
        }
    }

    /// The exchanges whose open instruments all went quiet, their instruments, and the latest
    /// activity among them; `nil` when none did. Restarts the clocks of closed markets.
    private mutating func silentExchanges(
        now: Duration, marketOpen: (Instrument) -> Bool
    ) -> (exchanges: [String], instruments: [Instrument], lastActivity: Duration)? {
        var open: [String: (latest: Duration, instruments: [Instrument])] = [:]
        for instrument in active.keys {
            guard marketOpen(instrument) else {
                lastActivity[instrument] = now
                continue
            }
            let last = lastActivity[instrument] ?? now
            var group = open[instrument.exchange] ?? (latest: last, instruments: [])
            group.latest = max(group.latest, last)
            group.instruments.append(instrument)
            open[instrument.exchange] = group
        }
        let silent = open.filter { now - $0.value.latest >= configuration.silenceTimeout }
        guard !silent.isEmpty else { return nil }
        return (
            exchanges: silent.keys.sorted(),
            instruments: silent.values.flatMap(\.instruments).sorted(),
            lastActivity: silent.values.map(\.latest).max() ?? now
        )
    }
}

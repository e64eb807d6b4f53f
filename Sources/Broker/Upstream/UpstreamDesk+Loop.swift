// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import HummingbirdWSClient
import Logging
import Schema
import Synchronization

extension UpstreamDesk {
    /// Keeps the hub's upstream orders current until cancelled: every ``Settings/reconcileInterval``
    /// and whenever asked (an order was sent, an `order_update` arrived) it reconciles the
    /// accounts with working orders, and it follows the order-update stream of exactly those
    /// accounts (an account with nothing working costs its upstream nothing).
    public func run() async {
        let streams = Mutex<[Int64: Task<Void, Never>]>([:])
        let failing = Mutex<Set<Int64>>([])
        let lastDrift = Mutex<[Int64: [String: ReconcileReport.DriftedPosition]]>([:])
        defer { streams.withLock { for task in $0.values { task.cancel() } } }
        await withDiscardingTaskGroup { group in
            group.addTask { [wakeUp, settings] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: settings.reconcileInterval)
                    wakeUp.yield()
                }
            }
            for await _ in wakeUps {
                if Task.isCancelled { break }
                let asked = dueAccounts.withLock { accounts in
                    defer { accounts.removeAll() }
                    return accounts
                }
                let working = Set((try? await store.upstreamOrders.accountsWithWorkingOrders()) ?? [])
                for accountID in working.union(asked).sorted() {
                    guard let account = try? await store.accounts.routeAccount(id: accountID), !account.isSandbox, account.isActive else { continue }
                    if working.contains(accountID) { follow(account, streams: streams) }
                    do {
                        let report = try await reconcile(account)
                        if failing.withLock({ $0.remove(accountID) }) != nil {
                            logger.info("upstream reachable again", metadata: ["account": "\(account.name)"])
                        }
                        let previous = lastDrift.withLock { drift in
                            defer { drift[accountID] = report.positionDrift }
                            return drift[accountID] ?? [:]
                        }
                        if report.positionDrift != previous, !report.positionDrift.isEmpty {
                            logger.warning(
                                "upstream positions differ from the hub's (orders placed outside RealAlgo are not copied)",
                                metadata: ["account": "\(account.name)", "positions": "\(report.positionDrift)"])
                        }
                    } catch {
                        if failing.withLock({ $0.insert(accountID).inserted }) {
                            logger.warning("upstream reconcile failed", metadata: ["account": "\(account.name)", "error": "\(error)"])
                        }
                    }
                }
                // Streams of accounts with nothing working any more are closed.
                streams.withLock { open in
                    for (accountID, task) in open where !working.contains(accountID) {
                        task.cancel()
                        open[accountID] = nil
                    }
                }
            }
            group.cancelAll()
        }
    }

    private func follow(_ account: RouteAccount, streams: borrowing Mutex<[Int64: Task<Void, Never>]>) {
        streams.withLock { open in
            guard open[account.id] == nil else { return }
            open[account.id] = Task { await self.followOrderUpdates(of: account) }
        }
    }

    /// Listens to `account`'s `order_update` stream (OpenAlgo's `subscribe_orders`) and turns each
    /// message into a reconcile of the account: the reconcile is the one path that writes upstream
    /// state, so a message lost while reconnecting costs at most one interval. Reconnects with
    /// backoff until cancelled.
    func followOrderUpdates(of account: RouteAccount) async {
        guard let host = account.hostURL else { return }
        let url = account.webSocketURL ?? UpstreamAddress.defaultWebSocketURL(forHost: host)
        var delay = Duration.seconds(1)
        var named = logger
        named[metadataKey: "upstream"] = "\(account.name)"
        let logger = named
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                let key: String
                do { key = try unseal(account.sealedCredentials) } catch {
                    logger.error("cannot open the account's API key; no order updates from it")
                    return
                }
                let authenticate = Self.json(["action": "authenticate", "api_key": key])
                try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 20, autoPing: .enabled(timePeriod: .seconds(20))), logger: logger
                ) { inbound, outbound, _ in
                    try await outbound.write(.text(authenticate))
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message,
                            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                        else { continue }
                        switch object["type"] as? String {
                        case "auth" where object["status"] as? String == "success":
                            try await outbound.write(.text(Self.json(["action": "subscribe_orders"])))
                            logger.info("following upstream order updates")
                            self.reconcileSoon(account.id)
                        case "order_update": self.reconcileSoon(account.id)
                        default: continue
                        }
                    }
                }
            } catch {
                logger.debug("upstream order-update stream closed", metadata: ["error": "\(error)"])
            }
            // A connection that stayed up a while starts the backoff again from 1 s.
            delay = ContinuousClock.now - started > .seconds(30) ? .seconds(1) : min(delay * 2, .seconds(30))
            try? await Task.sleep(for: delay)
        }
    }

    static func json(_ object: [String: String]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
    }
}

// SPDX-License-Identifier: Apache-2.0
public import Core
import Foundation
public import Logging
public import Schema
import Synchronization

/// The machinery every upstream route shares: the hub, the HTTP transport, the order-id sequence
/// (the sandbox's, so ids never collide), and the reconcile loop's wake-up.
///
/// The durable order path, for every order sent to an upstream:
/// 1. the order row is committed as `pending` on the upstream account (single writer);
/// 2. only then is the order sent, with the account's API key opened for that request alone;
/// 3. the upstream's id goes to `orders.broker_order_id` and the row moves to `open` / `trigger
///    pending`, or the row becomes `rejected` with the upstream's message.
/// A crash between 1 and 3 leaves a `pending` row without a broker id; ``start()`` closes such rows
/// with a reason and never re-sends them.
public final class UpstreamDesk: Sendable {
    public struct Settings: Sendable {
        /// Longest wait for an upstream's answer to one request.
        public var requestTimeout: Duration = .seconds(10)
        /// How often accounts with working orders are reconciled with their upstream.
        public var reconcileInterval: Duration = .seconds(5)

        public init() {}
    }

    let store: Store
    let transport: any UpstreamTransport
    let unseal: @Sendable ([UInt8]) throws -> String
    let orderIDs: OrderIDGenerator
    let instruments: any InstrumentCatalog
    let clock: any WallClock
    let settings: Settings
    let logger: Logger
    /// Accounts someone asked to reconcile soon (after an order, on an `order_update`).
    let dueAccounts = Mutex<Set<Int64>>([])
    let wakeUp: AsyncStream<Void>.Continuation
    let wakeUps: AsyncStream<Void>

    /// - Parameters:
    ///   - sandbox: the sandbox broker whose order-id sequence upstream orders share.
    ///   - unseal: opens an account's sealed API key (`CredentialBox.open`).
    public init(
        store: Store, sandbox: SandboxBroker, transport: any UpstreamTransport = URLSessionTransport(),
        unseal: @escaping @Sendable ([UInt8]) throws -> String, settings: Settings = Settings(), logger: Logger
    ) {
        self.store = store
        self.transport = transport
        self.unseal = unseal
        orderIDs = sandbox.orderIDs
        instruments = sandbox.instrumentCatalog
        clock = sandbox.clock
        self.settings = settings
        self.logger = logger
        (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Closes the upstream rows a previous run left `pending` without a broker id (see the type's
    /// notes). Call before serving orders.
    public func start() async throws {
        let closed = try await store.upstreamOrders.closeUnsent()
        for order in closed {
            logger.warning(
                "closed an upstream order that was never acknowledged (not re-sent)",
                metadata: ["orderid": "\(order.orderID)", "account_id": "\(order.accountID)"])
        }
    }

    /// A client for `account`, its API key opened now.
    func client(for account: RouteAccount, timeout: Duration? = nil) throws -> UpstreamClient {
        guard !account.isSandbox, let host = account.hostURL else {
            throw UpstreamError(account: account.name, kind: .unreachable, message: "it is not an upstream account")
        }
        let key: String
        do { key = try unseal(account.sealedCredentials) } catch {
            throw UpstreamError(account: account.name, kind: .credentials, message: "\(error)")
        }
        return try UpstreamClient(
            accountName: account.name, hostURL: host, apiKey: key, transport: transport, timeout: timeout ?? settings.requestTimeout)
    }

    /// Asks the reconcile loop to look at `accountID` now.
    func reconcileSoon(_ accountID: Int64) {
        dueAccounts.withLock { _ = $0.insert(accountID) }
        wakeUp.yield()
    }

    func tradeIDMaker() -> @Sendable (Int) -> String {
        let nanos = clock.nowNanos()
        return { sequence in SandboxBroker.tradeID(nanos: nanos, sequence: sequence) }
    }
}

// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import HTTPTypes
import Hummingbird
import Schema

/// OpenAlgo's order and account endpoints: `placeorder`, `modifyorder`, `cancelorder`,
/// `cancelallorder`, `closeposition`, `orderstatus`, `openposition`, `orderbook`, `tradebook`,
/// `positionbook`, `holdings` and `funds`. Orders go through the user's route (``OrderRouting``):
/// the sandbox broker, or an upstream account; a change to an order goes to the account that
/// holds it. The books are the hub's, brought up to date from an upstream default first.
struct TradingController: Sendable {
    let authenticator: APIKeyAuthenticator
    let routing: OrderRouting
    let store: Store
    let prices: any PriceSource
    let instruments: any InstrumentCatalog
    let clock: any WallClock
    let maxBodyBytes: Int

    func register(on routes: APIv1Routes) {
        routes.post("placeorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(
                allowed: OrderRequestFields.orderFields.union(OrderRequestFields.exitBracketFields).union(["underlying_ltp", "account"]),
                error: APIError.orderField)
            let fields = OrderRequestFields(body: body)
            var ticket = try fields.ticket()
            ticket.exitBracket = try fields.exitBracket()
            // RealAlgo's extension: `account` names one of the user's accounts instead of the default.
            let accountName = try fields.optionalString("account", maxLength: 64)
            let route = try await RouteReplies.answering(SandboxRoute(broker: routing.sandbox)) {
                try await routing.route(userID: principal.userID, accountName: accountName)
            }
            let placed = try await RouteReplies.answering(route) { try await route.place(ticket, userID: principal.userID, source: "api") }
            var reply: [String: JSONValue] = ["orderid": .string(placed.order.orderID)]
            if !placed.mirrors.isEmpty {
                reply["mirrors"] = .array(
                    placed.mirrors.map { mirror in
                        var item: [String: JSONValue] = ["account": .string(mirror.account), "quantity": .integer(mirror.quantity)]
                        if let order = mirror.order {
                            item["status"] = .string("success")
                            item["orderid"] = .string(order.orderID)
                        } else {
                            item["status"] = .string("error")
                            item["message"] = .string(mirror.error ?? "not placed")
                        }
                        return .object(item)
                    })
            }
            return try RouteReplies.success(reply, route: route)
        }
        routes.post("modifyorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: OrderRequestFields.orderFields.union(["orderid"]), error: APIError.orderField)
            let fields = OrderRequestFields(body: body)
            // OpenAlgo requires every field of a modify: it is a full replacement.
            for name in [
                "orderid", "strategy", "exchange", "symbol", "action", "product", "pricetype", "price", "quantity", "disclosed_quantity",
                "trigger_price",
            ]
            where body.fields[name] == nil || body.fields[name] == .null {
                throw APIError.orderField(name, "Missing data for required field.")
            }
            let orderID = try fields.string("orderid")
            let ticket = try fields.ticket(defaultPriceType: .limit)
            let route = try await route(forOrder: orderID, userID: principal.userID)
            let order = try await RouteReplies.answering(route) { try await route.modify(orderID: orderID, userID: principal.userID, to: ticket) }
            return try RouteReplies.success(["orderid": .string(order.orderID), "message": .string("Order modified successfully")], route: route)
        }
        routes.post("cancelorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: ["orderid", "strategy"], error: APIError.orderField)
            let fields = OrderRequestFields(body: body)
            let orderID = try fields.string("orderid")
            _ = try fields.string("strategy", maxLength: 255)
            let route = try await route(forOrder: orderID, userID: principal.userID)
            let order = try await RouteReplies.answering(route) { try await route.cancel(orderID: orderID, userID: principal.userID) }
            return try RouteReplies.success(
                ["orderid": .string(order.orderID), "message": .string("Order \(order.orderID) cancelled successfully")], route: route)
        }
        routes.post("cancelallorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: ["strategy"], error: APIError.orderField)
            _ = try OrderRequestFields(body: body).string("strategy", maxLength: 255)
            let route = try await defaultRoute(userID: principal.userID)
            let (cancelled, failed) = try await RouteReplies.answering(route) { try await route.cancelAll(userID: principal.userID, strategy: nil) }
            let message =
                cancelled.isEmpty && failed.isEmpty
                ? "No open orders to cancel" : "Canceled \(cancelled.count) orders. Failed to cancel \(failed.count) orders."
            return try RouteReplies.success(
                [
                    "message": .string(message), "canceled_orders": .array(cancelled.map { .string($0) }),
                    "failed_cancellations": .array(failed.map { .object(["orderid": .string($0.orderID), "message": .string($0.reason)]) }),
                ], route: route)
        }
        routes.post("closeposition") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: ["strategy"], error: APIError.orderField)
            let strategy = try OrderRequestFields(body: body).string("strategy", maxLength: 255)
            let route = try await defaultRoute(userID: principal.userID)
            let placed = try await RouteReplies.answering(route) {
                try await route.closeAllPositions(userID: principal.userID, strategy: strategy, source: "api")
            }
            return try RouteReplies.success(
                ["message": .string(placed.isEmpty ? "No open positions to close" : "Closed \(placed.count) positions")], route: route)
        }
        routes.post("orderstatus") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: ["orderid", "strategy"], error: APIError.orderField)
            let fields = OrderRequestFields(body: body)
            let orderID = try fields.string("orderid")
            _ = try fields.string("strategy", maxLength: 255)
            await refreshUpstreamOrder(orderID, userID: principal.userID)
            guard let order = try await store.books.order(orderID: orderID, userID: principal.userID) else {
                throw APIError(.notFound, message: "Order \(orderID) not found")
            }
            return try SandboxReplies.success(["data": BookRendering.order(order)])
        }
        routes.post("openposition") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: ["strategy", "symbol", "exchange", "product"], error: APIError.orderField)
            let fields = OrderRequestFields(body: body)
            _ = try fields.string("strategy", maxLength: 255)
            let symbol = try fields.string("symbol").uppercased()
            let exchange = try fields.string("exchange", maxLength: 16).uppercased()
            let product = try fields.product()
            let quantity = try await store.books.openQuantity(
                userID: principal.userID, exchange: exchange, symbol: symbol, product: product.rawValue)
            return try SandboxReplies.success(["quantity": .integer(quantity)])
        }
        routes.post("orderbook") { request, _ in
            let principal = try await readEmpty(request)
            let mode = await routing.refresh(userID: principal.userID)
            let orders = try await store.books.orders(userID: principal.userID, since: sessionStart)
            return try RouteReplies.success(["data": BookRendering.orderBook(orders)], mode: mode)
        }
        routes.post("tradebook") { request, _ in
            let principal = try await readEmpty(request)
            let mode = await routing.refresh(userID: principal.userID)
            let trades = try await store.books.trades(userID: principal.userID, since: sessionStart)
            return try RouteReplies.success(["data": .array(trades.map(BookRendering.trade))], mode: mode)
        }
        routes.post("positionbook") { request, _ in
            let principal = try await readEmpty(request)
            let mode = await routing.refresh(userID: principal.userID)
            let positions = try await store.books.positions(userID: principal.userID, since: sessionStart)
            var realized = 0.0
            var unrealized = 0.0
            let rows = positions.map { position -> JSONValue in
                let rendered = BookRendering.position(position, lastPrice: lastPrice(exchange: position.exchange, symbol: position.symbol))
                realized += rendered.realized
                unrealized += rendered.unrealized
                return rendered.0
            }
            return try RouteReplies.success(
                [
                    "data": .array(rows), "total_realized_pnl": BookRendering.money(realized),
                    "total_unrealized_pnl": BookRendering.money(unrealized), "total_pnl": BookRendering.money(realized + unrealized),
                ], mode: mode)
        }
        routes.post("holdings") { request, _ in
            let principal = try await readEmpty(request)
            if let upstream = try await routing.defaultUpstream(userID: principal.userID) {
                return try RouteReplies.passThrough(
                    try await RouteReplies.answering(UpstreamRoute(desk: routing.upstream, account: upstream)) {
                        try await routing.upstreamAnswer("holdings", account: upstream)
                    })
            }
            let holdings = try await store.books.holdings(userID: principal.userID)
            var value = 0.0
            var invested = 0.0
            let rows = holdings.map { holding -> JSONValue in
                let quantity = holding.quantity + holding.settlingQuantity
                let mark = lastPrice(exchange: holding.exchange, symbol: holding.symbol) ?? holding.averagePrice
                let cost = Double(quantity) * holding.averagePrice
                value += Double(quantity) * mark
                invested += cost
                let pnl = Double(quantity) * mark - cost
                return .object([
                    "symbol": .string(holding.symbol), "exchange": .string(holding.exchange), "product": .string("CNC"),
                    "quantity": .integer(quantity), "average_price": .number(holding.averagePrice), "ltp": .number(mark),
                    "pnl": BookRendering.money(pnl), "pnlpercent": BookRendering.money(cost > 0 ? pnl / cost * 100 : 0),
                ])
            }
            return try SandboxReplies.success([
                "data": .object([
                    "holdings": .array(rows),
                    "statistics": .object([
                        "totalholdingvalue": BookRendering.money(value), "totalinvvalue": BookRendering.money(invested),
                        "totalprofitandloss": BookRendering.money(value - invested),
                        "totalpnlpercentage": BookRendering.money(invested > 0 ? (value - invested) / invested * 100 : 0),
                    ]),
                ])
            ])
        }
        routes.post("funds") { request, _ in
            let principal = try await readEmpty(request)
            // An upstream's cash is the upstream's: the hub only mirrors its orders, trades and positions.
            if let upstream = try await routing.defaultUpstream(userID: principal.userID) {
                return try RouteReplies.passThrough(
                    try await RouteReplies.answering(UpstreamRoute(desk: routing.upstream, account: upstream)) {
                        try await routing.upstreamAnswer("funds", account: upstream)
                    })
            }
            guard let funds = try await store.books.funds(userID: principal.userID) else {
                throw APIError(.notFound, message: "The user has no default account")
            }
            let positions = try await store.books.positions(userID: principal.userID, since: sessionStart)
            let unrealized = positions.reduce(0.0) { total, position in
                total + BookRendering.position(position, lastPrice: lastPrice(exchange: position.exchange, symbol: position.symbol)).unrealized
            }
            return try SandboxReplies.success([
                "data": .object([
                    "availablecash": BookRendering.money(funds.availableCash), "collateral": BookRendering.money(funds.collateral),
                    "m2mrealized": BookRendering.money(funds.realizedPnL), "m2munrealized": BookRendering.money(unrealized),
                    "utiliseddebits": BookRendering.money(funds.usedMargin), "totalpnl": BookRendering.money(funds.realizedPnL + unrealized),
                    "openingbalance": BookRendering.money(funds.openingBalance),
                ])
            ])
        }
    }

    private func route(forOrder orderID: String, userID: Int64) async throws -> any OrderRoute {
        try await RouteReplies.answering(SandboxRoute(broker: routing.sandbox)) { try await routing.route(forOrder: orderID, userID: userID) }
    }

    private func defaultRoute(userID: Int64) async throws -> any OrderRoute {
        try await RouteReplies.answering(SandboxRoute(broker: routing.sandbox)) { try await routing.route(userID: userID) }
    }

    /// A working order on an upstream account is brought up to date before its status is read.
    private func refreshUpstreamOrder(_ orderID: String, userID: Int64) async {
        guard let route = try? await routing.route(forOrder: orderID, userID: userID), let upstream = route as? UpstreamRoute else { return }
        _ = try? await routing.upstream.reconcile(upstream.account, timeout: .seconds(3))
    }

    private var sessionStart: String { BookRendering.sessionStart(nowSeconds: clock.nowSeconds()) }

    private func lastPrice(exchange: String, symbol: String) -> Double? {
        instruments.instrument(symbol: symbol, exchange: exchange).flatMap { prices.snapshot(instrumentID: $0.id)?.lastPrice }
    }

    private func readEmpty(_ request: Request) async throws -> Principal {
        let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
        try body.rejectUnknownFields(allowed: [])
        return principal
    }
}

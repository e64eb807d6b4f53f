// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import LuaBridge

/// The runtime's own exits, checked on every price of a symbol the strategy holds: the declared
/// stop loss, target and trailing stop, the script's `exit` rule, and the strategy's P&L limits.
/// Exits are issued once per position (until it is flat or the exit order fails) and are never
/// counted against the order caps: a limit must not stop a position from closing.
extension StrategyInstance {
    func checkExits(_ symbol: StrategySymbol, price: Double) throws {
        let position = book.position(symbol)
        if position.quantity != 0, !exiting.contains(symbol), price > 0 {
            if let (type, threshold) = declaredExit(position, price: price) {
                riskEvents.append(
                    StrategyRiskEvent(type: type, action: "close_leg", symbol: symbol, threshold: threshold, value: price, notes: "declared exit"))
                _ = try closePosition(symbol, tag: "exit:\(type)", arguments: nil)
            } else if let rule = callbacks[.exit], let harness {
                let verdict = try invoke(harness.call, [.function(rule), positionTable(position)], callback: "exit").first ?? .nil
                if verdict.isTruthy {
                    let reason = verdict.stringValue ?? "exit rule"
                    riskEvents.append(StrategyRiskEvent(type: "exit_rule", action: "close_leg", symbol: symbol, value: price, notes: reason))
                    _ = try closePosition(symbol, tag: "exit:rule", arguments: nil)
                }
            }
        }
        try checkLimits()
    }

    /// The declared exit `position` hits at `price`, with its threshold price.
    func declaredExit(_ position: StrategyBook.Position, price: Double) -> (String, Double)? {
        let exits = declaration.exits
        guard !exits.isEmpty else { return nil }
        let long = position.quantity > 0
        let entry = position.averagePrice
        if let stop = exits.stopLoss {
            let level = long ? entry - stop.amount(from: entry) : entry + stop.amount(from: entry)
            if long ? price <= level : price >= level { return ("stop_loss", level) }
        }
        if let target = exits.target {
            let level = long ? entry + target.amount(from: entry) : entry - target.amount(from: entry)
            if long ? price >= level : price <= level { return ("take_profit", level) }
        }
        if let trailing = exits.trailing {
            let best = position.bestPrice
            let level = long ? best - trailing.amount(from: best) : best + trailing.amount(from: best)
            if long ? price <= level : price >= level { return ("trailing_sl", level) }
        }
        return nil
    }

    /// `risk.max_loss` / `risk.max_profit` on combined P&L: close everything and stop the run, once.
    func checkLimits() throws {
        let risk = declaration.risk
        guard stopRequest == nil, risk.maxLoss != nil || risk.maxProfit != nil else { return }
        let (realized, unrealized) = pnl()
        let total = realized + unrealized
        if let maxLoss = risk.maxLoss, total <= -maxLoss {
            riskEvents.append(
                StrategyRiskEvent(type: "max_loss", action: "close_all", threshold: -maxLoss, value: total, notes: "strategy P&L limit"))
            stopRequest = "risk.max_loss reached: P&L \(String(format: "%.2f", total)) ≤ −\(StrategyParameter.format(maxLoss))"
            try closeEverything(tag: "exit:max_loss")
        } else if let maxProfit = risk.maxProfit, total >= maxProfit {
            riskEvents.append(
                StrategyRiskEvent(type: "max_profit", action: "close_all", threshold: maxProfit, value: total, notes: "strategy P&L target"))
            stopRequest = "risk.max_profit reached: P&L \(String(format: "%.2f", total)) ≥ \(StrategyParameter.format(maxProfit))"
            try closeEverything(tag: "exit:max_profit")
        }
    }
}

// SPDX-License-Identifier: Apache-2.0

/// The broker module: order validation, the sandbox matching engine, upstream accounts and the
/// pre-trade risk gate. Its name is the one `--modules` / `REALALGO_MODULES` enables it with.
public enum BrokerModule {
    public static let name = "broker"
}

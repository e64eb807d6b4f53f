-- 0015_create_account_mirrors: upstream accounts as order routes, and mirroring between them.
--
-- The rules, enforced here for every writer:
-- * An upstream order and an upstream fill are linked to the upstream's ids at most once per
--   account (unique broker_order_id and broker_trade_id), so a reconcile that runs twice, or an
--   order-update message that arrives twice, can never record a fill twice.
-- * A broker order id, once stored, never changes; a sandbox order never gets one (paper orders
--   never reach an upstream, and the hub says so too).
-- * A mirror copies orders from one upstream account of a user to another upstream account of the
--   same user, with a whole-number quantity multiplier. A sandbox account is never a mirror source
--   or target.

CREATE UNIQUE INDEX orders_broker_order_unique ON orders (account_id, broker_order_id) WHERE broker_order_id IS NOT NULL;
CREATE UNIQUE INDEX trades_broker_trade_unique ON trades (account_id, broker_trade_id) WHERE broker_trade_id IS NOT NULL;

CREATE TRIGGER orders_broker_id_fixed BEFORE UPDATE OF broker_order_id ON orders
WHEN OLD.broker_order_id IS NOT NULL AND NEW.broker_order_id IS NOT OLD.broker_order_id
BEGIN
    SELECT RAISE(ABORT, 'orders: an order''s broker_order_id never changes once the upstream has named it');
END;

CREATE TRIGGER orders_broker_id_upstream_only_insert BEFORE INSERT ON orders
WHEN NEW.broker_order_id IS NOT NULL AND (SELECT kind FROM accounts WHERE id = NEW.account_id) IS NOT 'openalgo'
BEGIN
    SELECT RAISE(ABORT, 'orders: only orders of an upstream (openalgo) account carry a broker_order_id; sandbox orders never reach an upstream');
END;

CREATE TRIGGER orders_broker_id_upstream_only_update BEFORE UPDATE OF broker_order_id ON orders
WHEN NEW.broker_order_id IS NOT NULL AND (SELECT kind FROM accounts WHERE id = NEW.account_id) IS NOT 'openalgo'
BEGIN
    SELECT RAISE(ABORT, 'orders: only orders of an upstream (openalgo) account carry a broker_order_id; sandbox orders never reach an upstream');
END;

CREATE TABLE account_mirrors (
    id                 INTEGER PRIMARY KEY,
    source_account_id  INTEGER NOT NULL REFERENCES accounts(id),
    target_account_id  INTEGER NOT NULL REFERENCES accounts(id),
    multiplier         INTEGER NOT NULL DEFAULT 1 CHECK (multiplier BETWEEN 1 AND 100),  -- target quantity = source quantity × multiplier
    is_active          INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (source_account_id, target_account_id),
    CHECK (source_account_id <> target_account_id)
) STRICT;

CREATE INDEX account_mirrors_target ON account_mirrors (target_account_id);

CREATE TRIGGER account_mirrors_upstream_same_user BEFORE INSERT ON account_mirrors
WHEN (SELECT kind FROM accounts WHERE id = NEW.source_account_id) IS NOT 'openalgo'
  OR (SELECT kind FROM accounts WHERE id = NEW.target_account_id) IS NOT 'openalgo'
  OR (SELECT user_id FROM accounts WHERE id = NEW.source_account_id) IS NOT (SELECT user_id FROM accounts WHERE id = NEW.target_account_id)
BEGIN
    SELECT RAISE(ABORT, 'account_mirrors: a mirror links two upstream (openalgo) accounts of the same user; a sandbox account never mirrors');
END;

CREATE TRIGGER account_mirrors_accounts_fixed BEFORE UPDATE OF source_account_id, target_account_id ON account_mirrors
WHEN NEW.source_account_id IS NOT OLD.source_account_id OR NEW.target_account_id IS NOT OLD.target_account_id
BEGIN
    SELECT RAISE(ABORT, 'account_mirrors: a mirror''s accounts never change; remove it and add another');
END;

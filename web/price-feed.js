// One symbol's quotes from the server's market-data WebSocket (`/ws` on the page's own host), in
// OpenAlgo's protocol: authenticate, subscribe in Quote mode, then one `market_data` message a tick.
// No DOM here: the panel in live-price.js passes callbacks.

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30000;

/** `ws://host/ws` for a page served over http, `wss://host/ws` over https. The API key never goes in it. */
export function feedURL(location = window.location) {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

/**
 * Streams quotes for `exchange:symbol`. `onStatus({state, …})` hears every change of state:
 * connecting, authenticating, subscribing, streaming, reconnecting ({code, reason, delay}),
 * error ({message}: the server refused; no retry) and disconnected (the user stopped it).
 * `onQuote(data)` gets each `market_data` message's `data`.
 *
 * An unexpected close retries after 1 s, doubling up to 30 s, and the delay resets once the feed
 * streams again. A refused key or symbol is not retried: the same request would fail the same way.
 */
export class PriceFeed {
  #socket = null;
  #retryTimer = null;
  #retryDelay = FIRST_RETRY_MS;
  #running = false;

  constructor({ url, apiKey, exchange, symbol, onStatus, onQuote }) {
    Object.assign(this, { url, apiKey, exchange, symbol, onStatus, onQuote });
  }

  get running() {
    return this.#running;
  }

  start() {
    this.#running = true;
    this.#open();
  }

  /** The user's disconnect: closes the socket and cancels any pending retry. */
  stop() {
    this.#halt();
    this.onStatus({ state: 'disconnected' });
  }

  #open() {
    this.#retryTimer = null;
    this.onStatus({ state: 'connecting' });
    const socket = new WebSocket(this.url);
    this.#socket = socket;
    socket.onopen = () => {
      this.onStatus({ state: 'authenticating' });
      this.#send({ action: 'authenticate', api_key: this.apiKey });
    };
    // Frames already in flight when the feed stopped are dropped.
    socket.onmessage = (event) => socket === this.#socket && this.#receive(event.data);
    // A failed connection fires `error` and then `close`; the close handler does the work.
    socket.onclose = (event) => this.#closed(socket, event);
  }

  #receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return; // not ours to interpret; the protocol only sends JSON
    }
    if (message.type === 'market_data') {
      if (message.symbol === this.symbol && message.exchange === this.exchange) this.onQuote(message.data ?? {});
    } else if (message.type === 'auth' && message.status === 'success') {
      this.onStatus({ state: 'subscribing' });
      this.#send({ action: 'subscribe', symbols: [{ symbol: this.symbol, exchange: this.exchange }], mode: 'Quote' });
    } else if (message.type === 'subscribe') {
      const result = (message.subscriptions ?? []).find((entry) => entry.symbol === this.symbol) ?? message;
      if (result.status === 'success') {
        this.#retryDelay = FIRST_RETRY_MS;
        this.onStatus({ state: 'streaming' });
      } else {
        this.#fail(result.message ?? message.message ?? 'subscription refused');
      }
    } else if (message.status === 'error') {
      // {"status":"error","code":"AUTHENTICATION_ERROR","message":"Invalid API key"} and the like.
      this.#fail(message.code ? `${message.message} (${message.code})` : message.message);
    }
  }

  #closed(socket, event) {
    if (socket !== this.#socket) return; // an earlier socket, already replaced or given up
    this.#socket = null;
    if (!this.#running) return;
    const delay = this.#retryDelay;
    this.#retryDelay = Math.min(delay * 2, LAST_RETRY_MS);
    this.onStatus({ state: 'reconnecting', code: event.code, reason: event.reason, delay });
    this.#retryTimer = setTimeout(() => this.#open(), delay);
  }

  /** The server refused this request: report it and stop, without retrying. */
  #fail(message) {
    this.#halt();
    this.onStatus({ state: 'error', message: message || 'the server refused the request' });
  }

  #halt() {
    this.#running = false;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'client disconnect');
  }

  #send(message) {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }
}

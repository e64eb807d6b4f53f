// The "Live price" panel: a form (API key, exchange, symbol) and one symbol's quote, streamed by
// PriceFeed. The key stays in this tab's sessionStorage and travels only inside the WebSocket.
import { PriceFeed, feedURL } from './price-feed.js';

// sessionStorage items: cleared when the tab closes, never shared with other tabs.
const KEY_ITEM = 'realalgo.apiKey';
const EXCHANGE_ITEM = 'realalgo.liveExchange';
const SYMBOL_ITEM = 'realalgo.liveSymbol';

const priceFormat = new Intl.NumberFormat('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const changeFormat = new Intl.NumberFormat('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' });
const volumeFormat = new Intl.NumberFormat('en-IN');
const timeFormat = new Intl.DateTimeFormat('en-IN', {
  timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

const STATE_TEXT = {
  connecting: () => 'Connecting…',
  authenticating: () => 'Authenticating…',
  subscribing: () => 'Subscribing…',
  streaming: () => 'Streaming',
  reconnecting: ({ code, reason, delay }) =>
    `Connection closed (code ${code}${reason ? `: ${reason}` : ''}); reconnecting in ${delay / 1000} s…`,
  error: ({ message }) => `Error: ${message}`,
  disconnected: () => 'Disconnected',
};

const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

export function mountLivePrice(panel) {
  const $ = (name) => panel.querySelector(`#live-${name}`);
  const form = $('form');
  const fields = { key: $('key'), exchange: $('exchange'), symbol: $('symbol') };
  let feed = null;
  let lastPrice = null;

  fields.key.value = sessionStorage.getItem(KEY_ITEM) ?? '';
  fields.exchange.value = sessionStorage.getItem(EXCHANGE_ITEM) ?? fields.exchange.value;
  if (!fields.exchange.value) fields.exchange.value = 'NSE'; // a stored exchange the list no longer has
  fields.symbol.value = sessionStorage.getItem(SYMBOL_ITEM) ?? fields.symbol.value;

  function showStatus(status) {
    const active = feed?.running ?? false;
    $('state').textContent = STATE_TEXT[status.state](status);
    $('state').dataset.state = status.state;
    $('fields').disabled = active;
    $('toggle').textContent = active ? 'Disconnect' : 'Connect';
    $('quote').classList.toggle('stale', status.state !== 'streaming');
  }

  function showQuote(data) {
    const { ltp } = data;
    if (!isNumber(ltp)) return;
    const previousClose = isNumber(data.prev_close) ? data.prev_close : data.close;
    const ltpField = $('ltp');
    ltpField.textContent = priceFormat.format(ltp);
    ltpField.dataset.value = ltp;
    if (lastPrice !== null && ltp !== lastPrice) {
      const up = ltp > lastPrice;
      ltpField.classList.toggle('up', up);
      ltpField.classList.toggle('down', !up);
      $('tick').textContent = up ? '▲' : '▼';
    }
    lastPrice = ltp;

    const change = $('change');
    if (isNumber(previousClose) && previousClose > 0) {
      const difference = ltp - previousClose;
      change.textContent = `${changeFormat.format(difference)} (${changeFormat.format((difference / previousClose) * 100)}%)`;
      change.className = difference > 0 ? 'up' : difference < 0 ? 'down' : '';
    } else {
      change.textContent = '–';
      change.className = '';
    }
    for (const [name, value] of [['open', data.open], ['high', data.high], ['low', data.low], ['prev-close', previousClose]]) {
      $(name).textContent = isNumber(value) ? priceFormat.format(value) : '–';
    }
    $('volume').textContent = isNumber(data.volume) ? volumeFormat.format(data.volume) : '–';
    if (isNumber(data.timestamp)) {
      const time = new Date(data.timestamp);
      $('updated').textContent = `${timeFormat.format(time)} IST`;
      $('updated').dateTime = time.toISOString();
    }
  }

  function clearQuote(exchange, symbol) {
    lastPrice = null;
    $('instrument').textContent = `${exchange}:${symbol}`;
    for (const name of ['ltp', 'change', 'open', 'high', 'low', 'prev-close', 'volume', 'updated']) {
      $(name).textContent = '–';
      $(name).className = '';
    }
    delete $('ltp').dataset.value;
    $('tick').textContent = '';
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (feed?.running) return feed.stop();
    const apiKey = fields.key.value.trim();
    const exchange = fields.exchange.value;
    const symbol = fields.symbol.value.trim().toUpperCase();
    fields.symbol.value = symbol;
    sessionStorage.setItem(KEY_ITEM, apiKey);
    sessionStorage.setItem(EXCHANGE_ITEM, exchange);
    sessionStorage.setItem(SYMBOL_ITEM, symbol);
    clearQuote(exchange, symbol);
    feed = new PriceFeed({ url: feedURL(), apiKey, exchange, symbol, onStatus: showStatus, onQuote: showQuote });
    feed.start();
  });
}

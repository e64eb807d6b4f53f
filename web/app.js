// RealAlgo browser app: the server's health, a live price over the market-data WebSocket, and
// the signed-in user's API keys and Lua strategies.
// Plain ES modules, no dependencies, no build step.
import { mountAPIKeys } from './api-keys.js';
import { mountLivePrice } from './live-price.js';
import { mountStrategies } from './strategies.js';

const field = (id) => document.getElementById(id);

async function refreshHealth() {
  try {
    const response = await fetch('/health', { headers: { Accept: 'application/json' } });
    const health = await response.json();
    field('health-status').textContent = health.status;
    field('health-status').className = health.status === 'ok' ? 'ok' : 'error';
    field('health-version').textContent = health.version;
    field('health-database').textContent = `${health.database.status} (${health.database.schema ?? health.database.error})`;
    field('health-lua').textContent = health.lua;
    field('health-modules').textContent = health.modules.join(', ') || 'none';
  } catch (error) {
    field('health-status').textContent = `unreachable: ${error.message}`;
    field('health-status').className = 'error';
  }
}

refreshHealth();
setInterval(refreshHealth, 5000);

mountLivePrice(document.getElementById('live'));
// Before the keys panel, which restores the session: the strategies panel must hear it.
mountStrategies(document.getElementById('strategies'));
mountAPIKeys(document.getElementById('keys'));

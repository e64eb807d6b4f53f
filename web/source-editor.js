// A plain textarea for Lua source with a line-number gutter, and a way to point at one line (a
// syntax error's). No DOM is built from the source: the gutter holds numbers only.

/** Wires `textarea` to `gutter` (a <pre>); returns {showLine(n), mark(n), clear(), refresh()}. */
export function sourceEditor(textarea, gutter) {
  let marked = null;
  let shownLines = -1;

  function lineCount() {
    let count = 1;
    for (let index = textarea.value.indexOf('\n'); index !== -1; index = textarea.value.indexOf('\n', index + 1)) count += 1;
    return count;
  }

  // One <span> a line: text only, rebuilt when the number of lines (or the mark) changes.
  function refresh(force = false) {
    const count = lineCount();
    if (count === shownLines && !force) return;
    shownLines = count;
    const lines = [];
    for (let line = 1; line <= count; line += 1) {
      const span = document.createElement('span');
      span.textContent = `${line}\n`;
      if (line === marked) span.className = 'marked';
      lines.push(span);
    }
    gutter.replaceChildren(...lines);
    gutter.scrollTop = textarea.scrollTop;
  }

  // The offsets of line `n` (1-based) in the text, clamped to the last line.
  function lineRange(n) {
    const lines = textarea.value.split('\n');
    const line = Math.min(Math.max(1, n), lines.length);
    let start = 0;
    for (let index = 0; index < line - 1; index += 1) start += lines[index].length + 1;
    return { line, start, end: start + lines[line - 1].length };
  }

  /** Highlights line `n` in the gutter (null clears it). */
  function mark(n) {
    marked = n ?? null;
    refresh(true);
  }

  /** Moves the caret to line `n`, selects it and scrolls it into view. */
  function showLine(n) {
    const { line, start, end } = lineRange(n);
    textarea.focus();
    textarea.setSelectionRange(start, end);
    const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
    textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
    gutter.scrollTop = textarea.scrollTop;
  }

  textarea.addEventListener('input', () => refresh());
  textarea.addEventListener('scroll', () => {
    gutter.scrollTop = textarea.scrollTop;
  });
  refresh(true);
  return { showLine, mark, clear: () => mark(null), refresh: () => refresh(true) };
}

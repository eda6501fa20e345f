/* pult: small progressive enhancements. Every page works without this file. No inline
   scripts (CSP script-src 'self'); data comes from data-* attributes and the forms. */
(function () {
  'use strict';

  // Filters: a new configuration resets the version. Nothing is sent on change: arrow keys
  // change a closed select, so the keyboard could never step through the options (issue 13,
  // Why 3); the form goes by its button or Enter.
  document.querySelectorAll('select[data-resets]').forEach(function (select) {
    select.addEventListener('change', function () {
      var form = select.form;
      var resets = select.getAttribute('data-resets');
      if (resets && form.elements[resets]) form.elements[resets].value = '';
    });
  });

  // Phones: while nothing but the search is set, the filter form folds to the search and its
  // button, so the first problems are on the first screen; «Фильтры и порядок» unfolds it.
  // Without this file the form is whole.
  var filters = document.querySelector('form[data-foldable]');
  if (filters && window.matchMedia('(max-width: 760px)').matches) {
    var unfold = document.createElement('button');
    unfold.type = 'button';
    unfold.className = 'secondary fold-toggle';
    unfold.textContent = 'Фильтры и порядок';
    unfold.setAttribute('aria-expanded', 'false');
    unfold.addEventListener('click', function () {
      var open = !filters.classList.toggle('folded');
      unfold.setAttribute('aria-expanded', String(open));
    });
    unfold.setAttribute('aria-controls', filters.id);
    filters.classList.add('folded');
    // Right after the search: the fields it opens come next in the Tab order.
    var search = filters.querySelector('.field.search');
    search.parentNode.insertBefore(unfold, search.nextSibling);
  }

  // A running clear: its progress is read again every 5 s and put in place (a meta refresh
  // would move focus and the reader back to the top); when it has ended, the status says so.
  var clearing = document.querySelector('[data-clear-running] [data-live]');
  if (clearing && window.fetch && window.DOMParser) {
    var poll = function () {
      fetch(window.location.pathname, { credentials: 'same-origin', headers: { accept: 'text/html' } })
        .then(function (res) { return res.ok ? res.text() : ''; })
        .then(function (html) {
          var page = html ? new DOMParser().parseFromString(html, 'text/html') : null;
          var next = page && page.querySelector('[data-clear-running] [data-live]');
          if (next) {
            clearing.innerHTML = next.innerHTML;
            window.setTimeout(poll, 5000);
          } else if (page) {
            var last = page.querySelector('[data-last-clear]');
            clearing.innerHTML = '';
            var done = document.createElement('p');
            done.className = 'notice ok';
            var strong = document.createElement('strong');
            strong.textContent = 'Очистка выполнена.';
            done.appendChild(strong);
            if (last) done.appendChild(document.createTextNode(' ' + last.textContent.trim()));
            clearing.appendChild(done);
          } else {
            window.setTimeout(poll, 5000);
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    };
    window.setTimeout(poll, 5000);
  }

  // The problem list from the keyboard: j/k (or ↓/↑ outside fields) move between rows,
  // Enter or o opens the current one, x ticks it for the bulk change. The row is focused
  // by its number link, so the browser's own focus ring and Tab order stay right.
  var table = document.querySelector('table.dense');
  if (table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr'));
    var current = -1;
    var go = function (i) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r, n) { r.classList.toggle('current', n === current); });
      var link = rows[current].querySelector('a[data-open]');
      if (link) link.focus();
    };
    rows.forEach(function (r, n) {
      r.addEventListener('focusin', function () { current = n; rows.forEach(function (x, m) { x.classList.toggle('current', m === n); }); });
    });
    document.addEventListener('keydown', function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var t = e.target;
      if (t && (t.tagName === 'INPUT' && t.type !== 'checkbox' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      var inList = t && table.contains(t);
      if (e.key === 'j' || (inList && e.key === 'ArrowDown')) { go(current + 1); e.preventDefault(); }
      else if (e.key === 'k' || (inList && e.key === 'ArrowUp')) { go(current - 1); e.preventDefault(); }
      else if ((e.key === 'o' || (e.key === 'Enter' && t && t.type === 'checkbox')) && current >= 0) {
        var link = rows[current].querySelector('a[data-open]');
        if (link) { link.click(); e.preventDefault(); }
      } else if (e.key === 'x' && current >= 0) {
        var box = rows[current].querySelector('input[name=sel]');
        if (box) { box.checked = !box.checked; e.preventDefault(); }
      }
    });
  }
})();

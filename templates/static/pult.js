/* pult: small progressive enhancements. Every page works without this file. No inline
   scripts (CSP script-src 'self'); data comes from data-* attributes and the forms. */
(function () {
  'use strict';

  // Filters: a changed select applies at once; a new configuration resets the version.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () {
      var form = select.form;
      var resets = select.getAttribute('data-resets');
      if (resets && form.elements[resets]) form.elements[resets].value = '';
      form.submit();
    });
  });

  // Marks: set/clear without leaving the page; the plain form stays the fallback.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-mark-form')) return;
    event.preventDefault();
    var button = form.querySelector('button');
    var token = form.elements._csrf ? form.elements._csrf.value : '';
    button.disabled = true;
    // form.action would be the input named "action": read the attribute.
    fetch(form.getAttribute('action'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
        'X-CSRF-Token': token,
      },
      body: new URLSearchParams(new FormData(form)).toString(),
    })
      .then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) throw new Error(data && data.error ? data.error : 'Ошибка ' + res.status);
          return data;
        });
      })
      .then(function (data) {
        showMark(form, data.mark);
      })
      .catch(function (err) {
        showProblem(form, err.message || 'Не удалось изменить метку');
      })
      .then(function () {
        button.disabled = false;
      });
  });

  function showMark(form, mark) {
    var cell = form.closest('[data-mark]');
    var state = cell.querySelector('[data-mark-state]');
    var button = form.querySelector('button');
    var id = form.getAttribute('action').replace(/.*\/errors\/(\d+)\/mark$/, '$1');
    clearProblem(cell);
    state.textContent = '';
    if (mark) {
      state.appendChild(el('span', 'mark-on', 'Метка установлена'));
      var who = el('span', 'mark-who', mark.name);
      who.title = mark.login;
      state.appendChild(document.createTextNode(' '));
      state.appendChild(who);
      var at = el('time', 'mark-at', mark.atText);
      at.setAttribute('datetime', mark.at);
      state.appendChild(document.createTextNode(' '));
      state.appendChild(at);
    } else {
      state.appendChild(el('span', 'mark-off', 'Метки нет'));
    }
    cell.classList.toggle('is-set', !!mark);
    form.elements.action.value = mark ? 'clear' : 'set';
    button.textContent = mark ? 'Снять метку' : 'Установить метку';
    button.setAttribute('aria-label', mark ? 'Снять метку с ошибки №' + id : 'Установить метку на ошибку №' + id);
    state.setAttribute('role', 'status');
  }

  function showProblem(form, text) {
    var cell = form.closest('[data-mark]');
    clearProblem(cell);
    var p = el('p', 'field-error', text);
    p.setAttribute('role', 'alert');
    p.setAttribute('data-problem', '');
    cell.appendChild(p);
  }

  function clearProblem(cell) {
    var old = cell.querySelector('[data-problem]');
    if (old) old.remove();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text;
    return node;
  }
})();

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

})();

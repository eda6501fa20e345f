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

})();

// The hosted card field: the card goes from this page to the gateway's own /v1/tokens, and only the token
// (with brand, last four digits and expiry) goes to the page that embeds it, by postMessage to its origin.
(function () {
  'use strict';
  var body = document.body;
  var parentOrigin = body.dataset.parentOrigin;
  var form = document.getElementById('card');
  var error = document.getElementById('error');
  var button = form.querySelector('button');

  function show(message) {
    error.textContent = message;
    error.hidden = false;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    error.hidden = true;
    var number = form.elements.number.value.replace(/[\s-]/g, '');
    var expiry = form.elements.expiry.value.match(/^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/);
    if (!/^\d{12,19}$/.test(number)) {
      show(body.dataset.errorNumber);
      return;
    }
    if (!expiry || parseInt(expiry[1], 10) < 1 || parseInt(expiry[1], 10) > 12) {
      show(body.dataset.errorExpiry);
      return;
    }
    var year = parseInt(expiry[2], 10);
    if (year < 100) {
      year += 2000;
    }
    button.disabled = true;
    fetch('/v1/tokens', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({number: number, expMonth: parseInt(expiry[1], 10), expYear: year, cvc: form.elements.cvc.value})
    }).then(function (response) {
      return response.json().then(function (json) {
        return {ok: response.ok, json: json};
      });
    }).then(function (answer) {
      button.disabled = false;
      if (!answer.ok) {
        var detail = answer.json.detail || '';
        show(/expired/i.test(detail) ? body.dataset.errorExpired
            : /expiry/i.test(detail) ? body.dataset.errorExpiry : body.dataset.errorCard);
        return;
      }
      form.reset();
      window.parent.postMessage({
        type: 'autotopup-card-token', token: answer.json.token, brand: answer.json.brand, last4: answer.json.last4,
        expMonth: answer.json.expMonth, expYear: answer.json.expYear
      }, parentOrigin);
    }).catch(function () {
      button.disabled = false;
      show(body.dataset.errorGeneric);
    });
  });
})();
